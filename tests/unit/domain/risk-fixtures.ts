/** Risk-engine test helpers on top of fixtures.ts: a context whose market-quality inputs all pass. */
import type { Reason } from '../../../shared/domain/decision.js';
import type { DecideInput } from '../../../shared/domain/decide.js';
import type { IntentKind } from '../../../shared/domain/intent.js';
import type { ClosedTrade, Ledger, OrderLogEntry, Position, Reservation } from '../../../shared/domain/ledger.js';
import type { MarketInfo } from '../../../shared/domain/market.js';
import { dec, sum } from '../../../shared/domain/money.js';
import { defaultPolicy, type Policy } from '../../../shared/domain/policy.js';
import { assess } from '../../../shared/domain/risk/context.js';
import { runGuard, type RiskGuard } from '../../../shared/domain/risk/guards.js';
import { BTC, ctx, intent, ledger } from './fixtures.js';

export { BTC, intent, ledger, position, reservation } from './fixtures.js';

/** ETH/USDT with the same rules as BTC. */
export const ETH: MarketInfo = { ...BTC, symbol: 'ETH/USDT', base: 'ETH', amountStep: '0.0001', minAmount: '0.0001' };

/** Wednesday 6 March 2024, 12:00 UTC: a `now` well inside a UTC day and week. */
export const NOW = Date.UTC(2024, 2, 6, 12);
export const MIN = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;

type Sections = Omit<Policy, 'profile' | 'mode' | 'liveTradingConfirmed' | 'readOnly' | 'exchange' | 'timeframe' | 'symbols' | 'strategies'>;
/** A policy patch: top-level values, or per-section partial overrides. */
export type PolicyPatch = Partial<Omit<Policy, keyof Sections>> & { [K in keyof Sections]?: Partial<Sections[K]> };

/** The default policy with `patch` merged one level deep (each section patched, not replaced). */
export function policyWith(patch: PolicyPatch = {}): Policy {
  const base = defaultPolicy() as unknown as Record<string, unknown>;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(patch)) {
    const b = base[k];
    out[k] = b && typeof b === 'object' && !Array.isArray(b) && v && typeof v === 'object' && !Array.isArray(v) ? { ...b, ...v } : v;
  }
  return out as unknown as Policy;
}

/**
 * fixtures.ctx() (entry of 0.004 BTC at ask 50 000, equity 10 000, default policy, ARMED) plus passing
 * market-quality inputs: fresh heartbeat, 2 bps spread, last close 50 000, circuit closed; now = NOW.
 */
export function rctx(over: Partial<DecideInput> = {}): DecideInput {
  return ctx({
    now: NOW, heartbeatAgeMs: 1_000, book: { bid: dec('49990'), ask: dec('50000') }, lastClose: dec('50000'), circuit: 'closed', ...over,
  });
}

/** An exit of `symbol` (sell at 50 000) in rctx. */
export function exitCtx(over: Partial<DecideInput> = {}): DecideInput {
  return rctx({ intent: intent('exit'), ...over });
}

/** A position with a strategy, opened at 0. */
export function held(symbol: string, quantity: string, costBasis: string, extra: Partial<Position> = {}): Position {
  return { symbol, quantity: dec(quantity), costBasis: dec(costBasis), openedAt: 0, strategy: 'momentum', ...extra };
}

/** A buy reservation tagged with strategy and kind. */
export function pending(orderId: string, symbol: string, notional: string, extra: Partial<Reservation> = {}): Reservation {
  return { orderId, symbol, side: 'buy', notional: dec(notional), createdAt: 0, strategy: 'momentum', kind: 'entry', ...extra };
}

/**
 * A ledger worth 10 000 at cost: the positions' cost basis is taken out of the 10 000 cash, so equity is
 * still 10 000 when positions have no mark. Reservations do not change cash.
 */
export function book(positions: readonly Position[] = [], reservations: readonly Reservation[] = [], over: Partial<Ledger> = {}): Ledger {
  return ledger({
    cash: dec('10000').sub(sum(positions.map((p) => p.costBasis))),
    positions: Object.fromEntries(positions.map((p) => [p.symbol, p])),
    reservations: Object.fromEntries(reservations.map((r) => [r.orderId, r])),
    ...over,
  });
}

/** An order-log entry. */
export function logged(symbol: string, kind: IntentKind, at: number): OrderLogEntry {
  return { symbol, side: kind === 'entry' ? 'buy' : 'sell', kind, at };
}

/** A closed trade on `symbol` closed at `closedAt` (pnl 0 and pnlPct 0 unless given). */
export function trade(symbol: string, closedAt: number, over: Partial<ClosedTrade> = {}): ClosedTrade {
  return {
    symbol, strategy: 'momentum', quantity: dec('0.01'), pnl: dec(0), pnlPct: dec(0), openedAt: closedAt - HOUR, closedAt,
    exitReason: 'signal', ...over,
  };
}

/** Runs one guard as the chain would (scope respected) on a freshly assessed context. */
export function check(guard: RiskGuard, input: DecideInput): Reason | undefined {
  return runGuard(guard, input, assess(input));
}

/** A guard table case: the guard's verdict on `input`. */
export interface GuardCase {
  readonly label: string;
  readonly input: DecideInput;
  readonly fails: boolean;
}
