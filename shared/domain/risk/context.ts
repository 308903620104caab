import type { CircuitState } from '../exchange-health.js';
import type { Intent } from '../intent.js';
import type { KillSwitchStatus } from '../kill-switch.js';
import type { Ledger } from '../ledger.js';
import type { MarketInfo } from '../market.js';
import { dec, type Decimal } from '../money.js';
import type { Policy } from '../policy.js';
import type { Regime } from '../regime.js';
import { portfolioView, type PortfolioView } from './portfolio-view.js';
import { minNotionalFor, sizeEntry, sizeExit, type SizingMethod } from './sizing.js';

export { costOf, minNotionalFor } from './sizing.js';

/**
 * Whether an intent opens or adds to a position, read from the side actually sent (long-only: a buy is an
 * entry, a sell an exit), never from its `kind` label: a buy labelled 'exit' is still judged as an entry.
 */
export const isEntry = (intent: Pick<Intent, 'side'>): boolean => intent.side === 'buy';

/** Everything the risk chain may look at; it reads nothing else. */
export interface RiskContext {
  intent: Intent;
  policy: Policy;
  ledger: Ledger;
  /** The effective status at `now` (see effectiveStatus). */
  killSwitch: KillSwitchStatus;
  market: MarketInfo;
  /** Ask for buys, bid for sells (quote per base). */
  price: Decimal;
  /** Mark prices by symbol for valuing positions. */
  marks: Readonly<Record<string, Decimal>>;
  now: number;
  /** Age of the market stream's heartbeat at `now`, ms; undefined when there is none. */
  heartbeatAgeMs?: number;
  /** Top of book of the intent's symbol. */
  book?: { readonly bid: Decimal; readonly ask: Decimal };
  /** Close of the newest closed candle: the reference price for the bad-tick check. */
  lastClose?: Decimal;
  /** ATR over policy.risk.atrPeriod closed candles (volatility-target sizing); undefined when too few. */
  atr?: Decimal;
  /** Exchange circuit breaker state at `now`. */
  circuit?: CircuitState;
  /** While the go-live canary lasts (readiness-canary.ts): the most one LIVE entry may cost, quote. */
  canaryStakeCap?: Decimal;
  /** The symbol's market regime at its newest closed candle (regime.ts), when policy.regime is on and one is confirmed. */
  regime?: Regime;
  /** Why no regime can be computed for this entry (too few candles: regimeUnknownWhy); the gate then refuses what a blocked regime would. */
  regimeUnknown?: string;
}

/** The sized order plus the portfolio view every guard shares (computed once per evaluation). */
export interface Assessment extends PortfolioView {
  /** Order quantity, floored to market.amountStep (never negative). */
  readonly quantity: Decimal;
  /** quantity × price, quote. */
  readonly notional: Decimal;
  /** What a buy reserves and spends: notional × (1 + taker fee); 0 for sells. Every entry cap is checked on it. */
  readonly cost: Decimal;
  /** Smallest notional this order may have (see minNotionalFor). */
  readonly minNotional: Decimal;
  /** How an entry was sized (exits: 'position'). */
  readonly method: SizingMethod | 'position';
  /** True when an entry was shrunk below its stake to fit a cap or free cash. */
  readonly shrunk: boolean;
}

/**
 * Sizes the intent and builds the shared portfolio view. A reservation already held under this intent's
 * order id is left out, so a redelivered intent is judged exactly as the first delivery was.
 * Entries: see sizeEntry (stake by the policy's method, shrunk to the caps, floored to the step);
 * exits sell the whole position floored to the step.
 */
export function assess(ctx: RiskContext): Assessment {
  const view = portfolioView(ctx);
  const minNotional = minNotionalFor(ctx);
  if (!isEntry(ctx.intent)) {
    const quantity = sizeExit(ctx, view);
    return { ...view, quantity, notional: quantity.mul(ctx.price), cost: dec(0), minNotional, method: 'position', shrunk: false };
  }
  const size = sizeEntry(ctx, view, minNotional);
  return { ...view, ...size, minNotional };
}
