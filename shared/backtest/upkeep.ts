import { withHighWaterMarks } from '../domain/exits.js';
import { effectiveStatus, lastResetAt, tripKillSwitch } from '../domain/kill-switch.js';
import { killSwitchTrigger } from '../domain/kill-switch-triggers.js';
import { release, valuation, withLocks, withPeak } from '../domain/ledger.js';
import type { Decimal } from '../domain/money.js';
import { rollPeriods } from '../domain/periods.js';
import type { Policy } from '../domain/policy.js';
import { deriveLocks } from '../domain/protections.js';
import { count, type SimState } from './sim-state.js';

/**
 * The metrics cycle at `now`, as measure-portfolio runs it: roll the loss-limit periods, raise peak equity
 * and high-water marks, refresh protection locks; then, unless TRIPPED, trip the kill switch on its first
 * automatic trigger and cancel pending entries (cancelOpenEntriesOnTrip). Returns equity at the marks.
 */
export function upkeepAt(state: SimState, marks: Readonly<Record<string, Decimal>>, policy: Policy, now: number): Decimal {
  const equity = valuation(state.ledger, marks).equity;
  const marked = withHighWaterMarks(withPeak(rollPeriods(state.ledger, equity, now), equity, now), marks, now);
  state.ledger = withLocks(marked, deriveLocks(marked, policy, now), now);
  if (effectiveStatus(state.killSwitch, now) === 'TRIPPED') return equity;
  const v = valuation(state.ledger, marks);
  const trip = killSwitchTrigger({
    ledger: state.ledger, equity: v.equity, drawdownPct: v.drawdownPct, policy, now, resetAt: lastResetAt(state.killSwitch),
  });
  if (!trip) return equity;
  state.killSwitch = tripKillSwitch(state.killSwitch, { reason: trip.reason, by: 'metrics', at: now });
  if (policy.killSwitch.cancelOpenEntriesOnTrip) {
    for (const p of state.pending.filter((x) => x.order.kind === 'entry')) {
      state.pending.splice(state.pending.indexOf(p), 1);
      state.ledger = release(state.ledger, p.order.orderId, now);
      count(state.unfilled, 'CANCELED_BY_KILL_SWITCH');
    }
  }
  return equity;
}

/**
 * upkeepAt's lock step alone (stored locks still active ∪ those derived from the journal now), for a step where
 * only a lock event is due: no new trade, period or trip, so the rest of upkeepAt would change nothing.
 */
export function refreshLocks(state: SimState, policy: Policy, now: number): void {
  state.ledger = withLocks(state.ledger, deriveLocks(state.ledger, policy, now), now);
}
