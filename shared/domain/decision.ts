import type { IntentKind, Side } from './intent.js';
import type { OrderRequest, TradingMode } from './order.js';

/** Stable reason codes a decision can carry. Documented in the README. */
export type ReasonCode =
  | 'KILL_SWITCH_NOT_ARMED'
  | 'STATE_UNREADABLE'
  | 'MAX_POSITION_NOTIONAL'
  | 'MAX_TOTAL_EXPOSURE'
  | 'BELOW_MIN_NOTIONAL'
  | 'INSUFFICIENT_CASH'
  | 'POSITION_ALREADY_OPEN'
  | 'NO_POSITION'
  | 'NO_MARKET_PRICE'
  | 'SYMBOL_NOT_TRADED'
  | 'DRY_RUN'
  | 'READ_ONLY'
  | 'MAX_OPEN_POSITIONS'
  | 'MAX_POSITION_SIZE'
  | 'STRATEGY_BUDGET'
  | 'DAILY_LOSS_LIMIT'
  | 'WEEKLY_LOSS_LIMIT'
  | 'MAX_DRAWDOWN'
  | 'MAX_TRADES_PER_DAY'
  | 'MAX_TRADES_PER_HOUR'
  | 'MAX_NEW_POSITIONS_PER_HOUR'
  | 'MIN_TIME_BETWEEN_TRADES'
  | 'SYMBOL_COOLDOWN'
  | 'PAIR_LOCKED'
  | 'GLOBAL_LOCK'
  | 'STALE_MARKET_DATA'
  | 'SPREAD_TOO_WIDE'
  | 'BAD_TICK'
  | 'CANARY_STAKE_CAP'
  | 'CIRCUIT_OPEN'
  | 'MAX_PYRAMID_ADDS'
  | 'REGIME_BLOCKED';

/** One reason a decision was made, with a human-readable explanation. */
export interface Reason {
  readonly code: ReasonCode;
  readonly message: string;
}

/** The risk engine's verdict on one intent, recorded whatever the outcome. */
export interface Decision {
  readonly intentId: string;
  readonly strategy: string;
  readonly symbol: string;
  readonly side: Side;
  readonly kind: IntentKind;
  readonly approved: boolean;
  /** Empty when approved; every failed check otherwise (DRY_RUN approvals carry DRY_RUN). */
  readonly reasons: readonly Reason[];
  readonly quantity?: string;
  readonly notional?: string;
  readonly order?: OrderRequest;
  readonly mode: TradingMode;
  readonly policyHash: string;
  readonly policyVersion: number;
  readonly decidedAt: number;
}

/**
 * A kill-switch trip's request that execution cancel one entry order on its venue: the function that
 * trips the switch may hold no exchange keys, execution does. Sent on orders.fifo (group = symbol,
 * dedup id = order id + trip count), so each trip asks once per order.
 */
export interface EntryCancelRequest {
  readonly instruction: 'cancel-entry';
  readonly orderId: string;
  readonly clientOrderId: string;
  readonly symbol: string;
  /** The switch's trip count when the cancel was asked for. */
  readonly tripCount: number;
  readonly requestedAt: number;
}

/** Why execution refused an order before sending it: no approved decision, or one that does not match it. */
export type AdmissionRefusal = 'NO_APPROVED_DECISION' | 'DECISION_MISMATCH';
