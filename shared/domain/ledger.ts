import { LedgerError } from './errors.js';
import type { IntentKind, Side } from './intent.js';
import { dec, ZERO, type Decimal, type DecimalLike } from './money.js';

export { applyFill, MAX_APPLIED_FILL_IDS } from './ledger-fill.js';
export { valuation, type Valuation } from './valuation.js';

/** An open position (long only). */
export interface Position {
  readonly symbol: string;
  readonly quantity: Decimal;
  /** Quote paid for the quantity still held, including buy fees. */
  readonly costBasis: Decimal;
  readonly openedAt: number;
  /** Strategy that opened it (per-strategy budgets, trade journal). */
  readonly strategy?: string;
  /** Highest mark seen since entry (trailing stop); maintained by the metrics cycle. */
  readonly highWaterMark?: Decimal;
  /** Entries added on top of the first (pyramiding). */
  readonly adds?: number;
}

/** Notional set aside for an order between approval and its terminal state. */
export interface Reservation {
  readonly orderId: string;
  readonly symbol: string;
  readonly side: Side;
  readonly notional: Decimal;
  readonly createdAt: number;
  readonly strategy?: string;
  readonly kind?: IntentKind;
}

/** A position reduced or closed by a sell, as the protections and the kill switch read it. */
export interface ClosedTrade {
  readonly symbol: string;
  readonly strategy?: string;
  readonly quantity: Decimal;
  /** Realized PnL of this exit, quote, after fees. */
  readonly pnl: Decimal;
  /** pnl / cost of the quantity sold, percent. */
  readonly pnlPct: Decimal;
  readonly openedAt: number;
  readonly closedAt: number;
  /** Why it closed: the exit intent's reason code (e.g. stop-loss, take-profit, signal). */
  readonly exitReason: string;
}

/** An approved order, as pacing counts it. */
export interface OrderLogEntry {
  readonly symbol: string;
  readonly side: Side;
  readonly kind: IntentKind;
  readonly at: number;
}

/** A loss-limit period: UTC day or UTC week (from Monday), with the equity it is measured from. */
export interface PeriodMark {
  /** Epoch ms the period started. */
  readonly start: number;
  readonly startEquity: Decimal;
  readonly peakEquity: Decimal;
}

/** A protection's lock: no entries on `scope` (a symbol, or '*' for all) until `until`. */
export interface Lock {
  readonly scope: string;
  readonly protection: string;
  readonly reason: string;
  readonly createdAt: number;
  readonly until: number;
}

/**
 * The whole portfolio as one item, so every portfolio-wide limit is checked and
 * reserved with one conditional write. Invariant:
 * equity(marks) - startingCash = realizedPnl + unrealizedPnl(marks).
 */
export interface Ledger {
  readonly startingCash: Decimal;
  readonly cash: Decimal;
  readonly positions: Readonly<Record<string, Position>>;
  readonly reservations: Readonly<Record<string, Reservation>>;
  readonly realizedPnl: Decimal;
  readonly feesPaid: Decimal;
  /** Highest equity seen by a mark-to-market (drawdown is measured from it). */
  readonly peakEquity: Decimal;
  /** Trade ids already applied, newest last, bounded; guards against double-booking. */
  readonly appliedFillIds: readonly string[];
  readonly fillCount: number;
  readonly updatedAt: number;
  /** Closed trades, newest last, bounded (MAX_JOURNAL). */
  readonly trades?: readonly ClosedTrade[];
  /** Approved orders, newest last, bounded (MAX_JOURNAL); pacing reads it. */
  readonly orderLog?: readonly OrderLogEntry[];
  readonly day?: PeriodMark;
  readonly week?: PeriodMark;
  /** Active and recent protection locks. */
  readonly locks?: readonly Lock[];
  /** Dust written off by final exits, keyed by the exit's order id (newest last, bounded): a replay finds it here. */
  readonly dustWriteOffs?: readonly DustWriteOff[];
}

/** A remainder too small to ever sell, closed out of the ledger by the exit order that left it. */
export interface DustWriteOff {
  readonly orderId: string;
  readonly symbol: string;
  readonly quantity: Decimal;
  readonly at: number;
}

/** Bound on the trade journal and the order log kept in the ledger item. */
export const MAX_JOURNAL = 500;

export function newLedger(startingCash: DecimalLike, at: number): Ledger {
  const cash = dec(startingCash);
  if (cash.lt(0)) throw new LedgerError(`starting cash must not be negative: ${cash.toFixed()}`);
  return {
    startingCash: cash, cash, positions: {}, reservations: {}, realizedPnl: ZERO, feesPaid: ZERO,
    peakEquity: cash, appliedFillIds: [], fillCount: 0, updatedAt: at,
  };
}

/**
 * Sets notional aside for an order and, when the reservation has a kind, logs the approved order for
 * pacing (orderLog, bounded to MAX_JOURNAL). Idempotent on orderId: an existing reservation is kept as it
 * is and nothing is logged again.
 */
export function reserve(ledger: Ledger, reservation: Reservation): Ledger {
  if (ledger.reservations[reservation.orderId]) return ledger;
  if (reservation.notional.lt(0)) throw new LedgerError(`negative reservation for ${reservation.orderId}`);
  const { symbol, side, kind, createdAt } = reservation;
  return {
    ...ledger,
    reservations: { ...ledger.reservations, [reservation.orderId]: reservation },
    ...(kind ? { orderLog: appendBounded(ledger.orderLog, { symbol, side, kind, at: createdAt }) } : {}),
    updatedAt: Math.max(ledger.updatedAt, createdAt),
  };
}

/** `list` with `entry` appended, keeping the newest MAX_JOURNAL entries; never mutates `list`. */
export function appendBounded<T>(list: readonly T[] | undefined, entry: T): T[] {
  const out = list === undefined ? [] : list.slice(Math.max(0, list.length + 1 - MAX_JOURNAL));
  out.push(entry);
  return out;
}

/** Drops an order's reservation (its order reached a terminal state); unknown ids leave the ledger as it is. */
export function release(ledger: Ledger, orderId: string, at?: number): Ledger {
  if (!ledger.reservations[orderId]) return ledger;
  const { [orderId]: _released, ...reservations } = ledger.reservations;
  return { ...ledger, reservations, updatedAt: at === undefined ? ledger.updatedAt : Math.max(ledger.updatedAt, at) };
}

/** Raises peakEquity to `equity` when higher; returns the same ledger object when there is no new peak. */
export function withPeak(ledger: Ledger, equity: Decimal, at: number): Ledger {
  if (equity.lte(ledger.peakEquity)) return ledger;
  return { ...ledger, peakEquity: equity, updatedAt: Math.max(ledger.updatedAt, at) };
}

/**
 * The ledger with locks = its stored locks still active at `now` ∪ `derived` (deduplicated on scope,
 * protection and until), expired ones dropped, newest MAX_JOURNAL kept. Returns the same ledger object
 * when the set does not change.
 */
export function withLocks(ledger: Ledger, derived: readonly Lock[], now: number): Ledger {
  const key = (l: Lock) => `${l.scope}|${l.protection}|${l.until}`;
  const merged = new Map<string, Lock>();
  for (const l of [...(ledger.locks ?? []), ...derived]) if (l.until > now && !merged.has(key(l))) merged.set(key(l), l);
  const locks = [...merged.values()].sort((a, b) => a.createdAt - b.createdAt).slice(-MAX_JOURNAL);
  const before = ledger.locks ?? [];
  if (locks.length === before.length && locks.every((l, i) => key(l) === key(before[i]!))) return ledger;
  return { ...ledger, locks, updatedAt: Math.max(ledger.updatedAt, now) };
}
