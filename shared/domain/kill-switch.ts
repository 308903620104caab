/** ARMED lets orders out; TRIPPED and COOLDOWN stop every order that opens or increases a position. */
export type KillSwitchStatus = 'ARMED' | 'TRIPPED' | 'COOLDOWN';

export interface KillSwitchEvent {
  readonly event: 'TRIP' | 'RESET';
  readonly at: number;
  readonly by: string;
  readonly reason: string;
}

/** The kill switch item. A missing item means ARMED with no history. */
export interface KillSwitchState {
  readonly status: KillSwitchStatus;
  readonly reason?: string;
  readonly changedAt?: number;
  readonly changedBy?: string;
  /** While COOLDOWN: epoch ms after which the switch counts as ARMED again. */
  readonly cooldownUntil?: number;
  readonly tripCount: number;
  readonly history: readonly KillSwitchEvent[];
}

/** How many events the kill switch item keeps (newest). */
export const KILL_SWITCH_HISTORY_LIMIT = 100;

/** The state a missing kill switch item stands for: ARMED, never tripped. */
export function initialKillSwitch(): KillSwitchState {
  return { status: 'ARMED', tripCount: 0, history: [] };
}

/**
 * The status in force at `now` (epoch ms): a missing item is ARMED; COOLDOWN counts as ARMED from
 * cooldownUntil on (inclusive). A COOLDOWN without cooldownUntil stays COOLDOWN (fail closed).
 */
export function effectiveStatus(state: KillSwitchState | undefined, now: number): KillSwitchStatus {
  if (!state) return 'ARMED';
  if (state.status === 'COOLDOWN' && state.cooldownUntil !== undefined && now >= state.cooldownUntil) return 'ARMED';
  return state.status;
}

/** Trips the switch (from ARMED or COOLDOWN); an already TRIPPED switch is returned unchanged. */
export function tripKillSwitch(
  state: KillSwitchState | undefined,
  trip: { reason: string; by: string; at: number },
): KillSwitchState {
  const current = state ?? initialKillSwitch();
  if (current.status === 'TRIPPED') return current;
  return {
    status: 'TRIPPED',
    reason: trip.reason,
    changedAt: trip.at,
    changedBy: trip.by,
    tripCount: current.tripCount + 1,
    history: appendEvent(current.history, { event: 'TRIP', at: trip.at, by: trip.by, reason: trip.reason }),
  };
}

/**
 * Explicit operator reset: to COOLDOWN until at + cooldownSeconds, or straight to ARMED when 0.
 * Resetting a switch that is already effectively ARMED at `at` is a no-op.
 */
export function resetKillSwitch(
  state: KillSwitchState | undefined,
  reset: { by: string; reason: string; at: number; cooldownSeconds: number },
): KillSwitchState {
  if (!Number.isFinite(reset.cooldownSeconds) || reset.cooldownSeconds < 0) {
    throw new RangeError(`cooldownSeconds must be a non-negative number, got ${reset.cooldownSeconds}`);
  }
  const current = state ?? initialKillSwitch();
  if (effectiveStatus(current, reset.at) === 'ARMED') return current;
  const history = appendEvent(current.history, { event: 'RESET', at: reset.at, by: reset.by, reason: reset.reason });
  const changed = { reason: reset.reason, changedAt: reset.at, changedBy: reset.by, tripCount: current.tripCount, history };
  return reset.cooldownSeconds > 0
    ? { status: 'COOLDOWN', cooldownUntil: reset.at + reset.cooldownSeconds * 1000, ...changed }
    : { status: 'ARMED', ...changed };
}

function appendEvent(history: readonly KillSwitchEvent[], event: KillSwitchEvent): KillSwitchEvent[] {
  return [...history, event].slice(-KILL_SWITCH_HISTORY_LIMIT);
}

/** Epoch ms of the newest operator reset in the history; undefined when never reset (or it aged out). */
export function lastResetAt(state: KillSwitchState | undefined): number | undefined {
  return state?.history.findLast((e) => e.event === 'RESET')?.at;
}
