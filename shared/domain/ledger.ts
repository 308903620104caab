import type { Decimal } from './money.js';
import type { Side } from './intent.js';

/** An open position (long only in v1). */
export interface Position {
  readonly symbol: string;
  readonly quantity: Decimal;
  /** Quote paid for the quantity still held, including buy fees. */
  readonly costBasis: Decimal;
  readonly openedAt: number;
}

/** Notional set aside for an order between approval and its terminal state. */
export interface Reservation {
  readonly orderId: string;
  readonly symbol: string;
  readonly side: Side;
  readonly notional: Decimal;
  readonly createdAt: number;
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
}
