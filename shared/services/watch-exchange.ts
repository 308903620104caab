/** Exchange calls noted on the exchange-health item (circuit breaker, error burst). */
import { recordFailure, recordSuccess, type CircuitPolicy } from '../domain/circuit-breaker.js';
import { StratusError } from '../domain/errors.js';
import type { ExchangeHealth } from '../domain/exchange-health.js';
import type { Clock, StateStore } from '../ports.js';

/** What watched needs: the clock and the state store holding the health item. */
export type WatchDeps = { readonly clock: Clock; readonly state: StateStore };

/**
 * Runs one exchange call and notes its outcome on the exchange-health item: a retryable failure (or any
 * non-Stratus error) counts toward the circuit breaker and the error burst, then is rethrown. A success
 * closes the breaker only for `kind` 'order' (place, cancel): the breaker guards the order path, and a
 * lookup that works between failing placements must not reset their count. A permanent error (the
 * venue answered "no") changes nothing.
 */
export async function watched<T>(
  deps: WatchDeps, policy: CircuitPolicy, kind: 'order' | 'read', call: () => Promise<T>,
): Promise<T> {
  let result: T;
  try {
    result = await call();
  } catch (error) {
    // Our own rate budget running out is not the exchange failing: it must not open the breaker.
    const exchangeFault = !(error instanceof StratusError) || (error.retryable && error.code !== 'RATE_BUDGET_EXHAUSTED');
    if (exchangeFault) await noteHealth(deps, (h, now) => recordFailure(h, now, policy));
    throw error;
  }
  if (kind === 'order') await noteHealth(deps, recordSuccess);
  return result;
}

/**
 * Applies `change` to the health item with a conditional write, a few times on conflict, then gives up:
 * the health item is advisory, so losing its race (or failing to read or write it) never fails the caller.
 */
async function noteHealth(
  deps: WatchDeps, change: (h: ExchangeHealth | undefined, now: number) => ExchangeHealth,
): Promise<void> {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const stored = await deps.state.getExchangeHealth();
      const next = change(stored?.value, deps.clock.now());
      if (stored && next === stored.value) return;
      if (!stored && next.consecutiveFailures === 0 && next.recentErrors.length === 0) return;
      if (await deps.state.putExchangeHealth(next, stored?.version ?? 0)) return;
    } catch {
      return;
    }
  }
}

