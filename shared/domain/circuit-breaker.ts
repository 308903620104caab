import type { CircuitState, ExchangeHealth } from './exchange-health.js';
import type { Policy } from './policy.js';

/** The policy sections the breaker reads. */
export type CircuitPolicy = Pick<Policy, 'circuitBreaker' | 'killSwitch'>;

/** Fewest error times kept in recentErrors (more when errorBurstCount is larger). */
export const MIN_RECENT_ERRORS = 100;

/** A healthy exchange: breaker closed, no recent errors. */
export function initialHealth(now: number): ExchangeHealth {
  return { consecutiveFailures: 0, recentErrors: [], updatedAt: now };
}

/**
 * Records a failed exchange call at `now`: counts it, and from failureThreshold consecutive failures
 * on (re)opens the breaker at `now` (a failed half-open probe re-opens it; the open period runs from the
 * latest failure). The error time joins recentErrors, pruned to the error-burst window and bounded.
 */
export function recordFailure(h: ExchangeHealth | undefined, now: number, policy: CircuitPolicy): ExchangeHealth {
  const current = h ?? initialHealth(now);
  const consecutiveFailures = current.consecutiveFailures + 1;
  const { probeAt: _probe, openedAt: _opened, ...rest } = current;
  const opens = consecutiveFailures >= policy.circuitBreaker.failureThreshold;
  return {
    ...rest,
    consecutiveFailures,
    ...(opens ? { openedAt: now } : {}),
    recentErrors: pruneErrors([...current.recentErrors, now], now, policy),
    updatedAt: Math.max(current.updatedAt, now),
  };
}

/** Records a successful exchange call: the breaker closes. Returns `h` itself when already closed. */
export function recordSuccess(h: ExchangeHealth | undefined, now: number): ExchangeHealth {
  const current = h ?? initialHealth(now);
  if (current.consecutiveFailures === 0 && current.openedAt === undefined && current.probeAt === undefined) return current;
  const { probeAt: _probe, openedAt: _opened, ...rest } = current;
  return { ...rest, consecutiveFailures: 0, updatedAt: Math.max(current.updatedAt, now) };
}

/**
 * The breaker at `now`: closed below failureThreshold consecutive failures; open for openSeconds after
 * it (re)opened; then half-open, letting one probe through (claimProbe). While a claimed probe is out
 * it reads open again, until it reports (success closes, failure re-opens) or openSeconds pass without
 * a report (a lost probe), after which another probe may go.
 */
export function circuitState(h: ExchangeHealth | undefined, now: number, policy: CircuitPolicy): CircuitState {
  if (!h || h.openedAt === undefined || h.consecutiveFailures < policy.circuitBreaker.failureThreshold) return 'closed';
  const openMs = policy.circuitBreaker.openSeconds * 1000;
  if (now - h.openedAt < openMs) return 'open';
  if (h.probeAt !== undefined && h.probeAt >= h.openedAt && now - h.probeAt < openMs) return 'open';
  return 'half-open';
}

/**
 * Claims the half-open probe at `now` (write it with a conditional put: one claimer wins). Undefined
 * when the breaker is not half-open, i.e. there is no probe to claim.
 */
export function claimProbe(h: ExchangeHealth | undefined, now: number, policy: CircuitPolicy): ExchangeHealth | undefined {
  if (!h || circuitState(h, now, policy) !== 'half-open') return undefined;
  return { ...h, probeAt: now, updatedAt: Math.max(h.updatedAt, now) };
}

/** Errors in the error-burst window ending at `now` (inclusive). */
export function errorsInWindow(h: ExchangeHealth | undefined, now: number, windowSeconds: number): number {
  if (!h) return 0;
  const from = now - windowSeconds * 1000;
  return h.recentErrors.filter((t) => t >= from && t <= now).length;
}

function pruneErrors(times: readonly number[], now: number, policy: CircuitPolicy): number[] {
  const from = now - policy.killSwitch.errorBurstWindowSeconds * 1000;
  const bound = Math.max(MIN_RECENT_ERRORS, policy.killSwitch.errorBurstCount);
  return times.filter((t) => t >= from).slice(-bound);
}
