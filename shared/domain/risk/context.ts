import type { CircuitState } from '../exchange-health.js';
import type { Intent } from '../intent.js';
import type { KillSwitchStatus } from '../kill-switch.js';
import { release, valuation, type Ledger, type Position, type Valuation } from '../ledger.js';
import type { MarketInfo } from '../market.js';
import { Decimal, dec, floorToStep, ZERO } from '../money.js';
import { orderIdFor } from '../order.js';
import type { Policy } from '../policy.js';

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
}

/** Sizing and the portfolio view the guards share. */
export interface Assessment {
  /** Order quantity, floored to market.amountStep (never negative). */
  readonly quantity: Decimal;
  /** quantity × price, quote. */
  readonly notional: Decimal;
  /** The ledger without this intent's own reservation (present on a redelivery). */
  readonly ledger: Ledger;
  readonly valuation: Valuation;
  /** The position held in the intent's symbol, if any. */
  readonly position: Position | undefined;
}

/**
 * Sizes the intent: an entry buys floor(equity × stakePct / 100 / price) to the amount step; an exit
 * sells the whole position floored to the step. A reservation already held under this intent's order id
 * is left out, so a redelivered intent is judged exactly as the first delivery was.
 */
export function assess(ctx: RiskContext): Assessment {
  const ledger = release(ctx.ledger, orderIdFor(ctx.intent.intentId));
  const value = valuation(ledger, ctx.marks);
  const position = ledger.positions[ctx.intent.symbol];
  let quantity = ZERO;
  if (ctx.price.gt(0)) {
    const raw = ctx.intent.kind === 'entry'
      ? value.equity.mul(ctx.policy.risk.stakePct).div(100).div(ctx.price)
      : position?.quantity ?? ZERO;
    quantity = Decimal.max(ZERO, floorToStep(raw, ctx.market.amountStep));
  }
  return { quantity, notional: quantity.mul(ctx.price), ledger, valuation: value, position };
}

/**
 * Smallest notional allowed: entries need max(policy minNotional, market minNotional); exits only the
 * market's, so a position smaller than our own entry minimum can still be closed.
 */
export function minNotionalFor(ctx: RiskContext): Decimal {
  const market = dec(ctx.market.minNotional);
  return ctx.intent.kind === 'entry' ? Decimal.max(market, dec(ctx.policy.risk.minNotional)) : market;
}
