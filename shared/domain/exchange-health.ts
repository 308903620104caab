/**
 * How the exchange API has been behaving, one state item: the circuit breaker (opens after
 * sustained failures, lets one half-open probe through after openSeconds, closes on success)
 * and the recent error times the kill switch's error-burst trigger counts.
 */
export interface ExchangeHealth {
  readonly consecutiveFailures: number;
  /** Epoch ms the breaker opened; absent when closed. */
  readonly openedAt?: number;
  /** Epoch ms a half-open probe was let through; absent when none is in flight. */
  readonly probeAt?: number;
  /** Epoch ms of recent execution/API errors, newest last, bounded. */
  readonly recentErrors: readonly number[];
  readonly updatedAt: number;
}

/** closed: orders flow; open: no new entries; half-open: one probe may go. */
export type CircuitState = 'closed' | 'open' | 'half-open';
