import { withHighWaterMarks } from '../domain/exits.js';
import { effectiveStatus, lastResetAt, tripKillSwitch } from '../domain/kill-switch.js';
import { killSwitchTrigger } from '../domain/kill-switch-triggers.js';
import { release, valuation, withLocks, withPeak, type Ledger } from '../domain/ledger.js';
import { ZERO, type Decimal } from '../domain/money.js';
import { rollPeriods } from '../domain/periods.js';
import { markedEquity } from '../domain/valuation.js';
import type { Policy } from '../domain/policy.js';
import { deriveLocks } from '../domain/protections.js';
import { screenedLocks } from './lock-screen.js';
import { count, type SimState } from './sim-state.js';

/**
 * The metrics cycle at `now`, as measure-portfolio runs it: roll the loss-limit periods, raise peak equity
 * and high-water marks, refresh protection locks; then, unless TRIPPED, trip the kill switch on its first
 * automatic trigger and cancel pending entries (cancelOpenEntriesOnTrip). Returns equity at the marks.
 * The engine's screens may skip work that cannot change the outcome: `noLossTrip(ledger, now)` (screens.ts
 * lossTripNear on the upkept ledger) true when no loss-limit or drawdown trigger can fire — the triggers then run
 * without those three (they could not fire first), skipping their 40-digit divisions; `locksCurrent` true when
 * the lock step would leave the ledger as it is (the journal and locks unchanged since it last ran, before the
 * next lock event of lock-events.ts); `screenLocks` derives them through lock-screen.ts.
 */
export function upkeepAt(
  state: SimState, marks: Readonly<Record<string, Decimal>>, policy: Policy, now: number, screens: UpkeepScreens = {},
): Decimal {
  const { noLossTrip, locksCurrent = false } = screens;
  const derive = screens.screenLocks === true ? screenedLocks : deriveLocks;
  const equity = valuation(state.ledger, marks).equity;
  const marked = withHighWaterMarks(withPeak(rollPeriods(state.ledger, equity, now), equity, now), marks, now);
  state.ledger = locksCurrent ? marked : withLocks(marked, derive(marked, policy, now), now);
  if (effectiveStatus(state.killSwitch, now) === 'TRIPPED') return equity;
  // The marks above change no cash or position, so the equity is the same; the drawdown is read only with its trigger on.
  const quiet = noLossTrip?.(state.ledger, now) === true;
  const v = quiet ? undefined : valuation(state.ledger, marks);
  const trip = killSwitchTrigger({
    ledger: state.ledger, equity: v?.equity ?? equity, drawdownPct: v?.drawdownPct ?? ZERO, policy: quiet ? withoutLossTriggers(policy) : policy,
    now, resetAt: lastResetAt(state.killSwitch),
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
 * The metrics cycle's marks alone — periods rolled, peaks and high-water marks raised at the marked equity — for
 * a step where nothing else can change. `belowPeaks` (screens.ts, on current period marks): the equity is certainly
 * under every peak, so rolling and raising peaks would return the ledger as it is, and only high-water marks move.
 */
export function raiseMarks(ledger: Ledger, marks: Readonly<Record<string, Decimal>>, now: number, belowPeaks: boolean): Ledger {
  if (belowPeaks) return withHighWaterMarks(ledger, marks, now);
  const equity = markedEquity(ledger, marks);
  return withHighWaterMarks(withPeak(rollPeriods(ledger, equity, now), equity, now), marks, now);
}

/**
 * upkeepAt's lock step alone (stored locks still active ∪ those derived from the journal now), for a step where
 * only a lock event is due: no new trade, period or trip, so the rest of upkeepAt would change nothing.
 */
export function refreshLocks(state: SimState, policy: Policy, now: number): void {
  state.ledger = withLocks(state.ledger, screenedLocks(state.ledger, policy, now), now);
}

/** What the engine's screens proved for one upkeepAt call (see there). */
export interface UpkeepScreens {
  readonly noLossTrip?: (ledger: Ledger, now: number) => boolean;
  readonly locksCurrent?: boolean;
  /** Derive the locks through lock-screen.ts (the same locks, protections that cannot lock skipped). */
  readonly screenLocks?: boolean;
}

/** The policy's kill-switch settings with the daily, weekly and drawdown triggers off, built once per policy. */
const quietPolicies = new WeakMap<Policy, Pick<Policy, 'lossLimits' | 'killSwitch'>>();

function withoutLossTriggers(policy: Policy): Pick<Policy, 'lossLimits' | 'killSwitch'> {
  let quiet = quietPolicies.get(policy);
  if (!quiet) {
    quiet = { lossLimits: { ...policy.lossLimits, dailyStopPct: null, weeklyStopPct: null, maxDrawdownPct: null }, killSwitch: policy.killSwitch };
    quietPolicies.set(policy, quiet);
  }
  return quiet;
}
