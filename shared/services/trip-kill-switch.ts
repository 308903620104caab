import type { EntryCancelRequest } from '../domain/decision.js';
import { ContentionError } from '../domain/errors.js';
import { resetKillSwitch, tripKillSwitch, type KillSwitchState } from '../domain/kill-switch.js';
import type { TradingMode } from '../domain/order.js';
import type { Policy } from '../domain/policy.js';
import type { Alerts, Clock, Exchange, MessageQueue, PolicyStore, StateStore, Versioned } from '../ports.js';
import { cancelOpenEntries, type SweepOutcome } from './cancel-entries.js';

/** Ports tripping (and resetting) the kill switch needs; exchangeFor is used to cancel open entries. */
export interface KillSwitchDeps {
  readonly clock: Clock;
  readonly state: StateStore;
  readonly policies: PolicyStore;
  readonly alerts: Alerts;
  readonly exchangeFor: (policy: Policy, mode?: TradingMode) => Exchange;
  /** orders.fifo: when given, LIVE entries are cancelled by execution, which holds the exchange keys (see cancelOpenEntries). */
  readonly cancels?: MessageQueue<EntryCancelRequest>;
}

/** A trip request: why, who (an operator name, or 'metrics'), and for automatic trips the trigger's code. */
export interface TripRequest {
  readonly reason: string;
  readonly by: string;
  readonly code?: string;
  readonly details?: Readonly<Record<string, unknown>>;
}

/** What a trip did: the switch, and the cancel sweep's outcome (client order ids). */
export interface TripOutcome extends SweepOutcome {
  /** True when this call tripped the switch; false when it was already TRIPPED. */
  readonly tripped: boolean;
  readonly state: KillSwitchState;
}

const ATTEMPTS = 5;

/**
 * Trips the kill switch (conditional write; an already TRIPPED switch is left as it is and not
 * alerted again), publishes a critical KILL_SWITCH_TRIPPED alert when this call tripped it, and, when
 * policy.killSwitch.cancelOpenEntriesOnTrip, cancels every entry not yet final — NEW, SUBMITTING, OPEN,
 * PARTIALLY_FILLED — booking any fills and releasing its reservation (see cancelOpenEntries; LIVE cancels go
 * through execution when deps.cancels is given). Exits are never cancelled. The cancel sweep runs on every
 * call, so calling it again on a TRIPPED switch finishes a sweep a crash cut short. `known`: the switch as the caller
 * read it in this invocation, used for the first attempt instead of reading it again (a lost write re-reads).
 */
export async function tripKillSwitchNow(deps: KillSwitchDeps, trip: TripRequest, known?: Versioned<KillSwitchState>): Promise<TripOutcome> {
  const { policy, hash } = await deps.policies.load();
  const at = deps.clock.now();
  const { state, changed: tripped } = await update(deps, (s) => tripKillSwitch(s, { reason: trip.reason, by: trip.by, at }), known);
  if (tripped) {
    await deps.alerts.publish({
      severity: 'critical', kind: 'KILL_SWITCH_TRIPPED', at, title: `Kill switch tripped${trip.code ? `: ${trip.code}` : ''} by ${trip.by}`,
      message: `${trip.reason}. No order that opens or increases a position leaves the pipeline until an operator resets it.`,
      details: { ...trip.details, by: trip.by, code: trip.code ?? 'MANUAL', tripCount: state.tripCount, policyHash: hash },
    });
  }
  const sweep = policy.killSwitch.cancelOpenEntriesOnTrip
    ? await cancelOpenEntries(deps, policy, state.tripCount)
    : { canceled: [], cancelRequested: [], unresolved: [], cancelFailures: [] };
  const { cancelFailures } = sweep;
  if (cancelFailures.length) {
    await deps.alerts.publish({
      severity: 'critical', kind: 'KILL_SWITCH_CANCEL_FAILED', at: deps.clock.now(), title: 'Kill switch: open entry orders not cancelled',
      message: cancelFailures.map((f) => `${f.clientOrderId}: ${f.error}`).join('; '), details: { cancelFailures },
    });
  }
  return { tripped, state, ...sweep };
}

/** Operator reset: TRIPPED → COOLDOWN for policy.killSwitch.cooldownSeconds (ARMED at once when 0), recording who and why. */
export async function resetKillSwitchNow(
  deps: Omit<KillSwitchDeps, 'exchangeFor'>, reset: { by: string; reason: string },
): Promise<{ reset: boolean; state: KillSwitchState }> {
  const { policy } = await deps.policies.load();
  const at = deps.clock.now();
  const cooldownSeconds = policy.killSwitch.cooldownSeconds;
  const { state, changed } = await update(deps, (s) => resetKillSwitch(s, { ...reset, at, cooldownSeconds }));
  if (changed) {
    await deps.alerts.publish({
      severity: 'warning', kind: 'KILL_SWITCH_RESET', at, title: `Kill switch reset by ${reset.by}`,
      message: `${reset.reason}. ${state.status === 'COOLDOWN' ? `Cooling down ${cooldownSeconds}s before entries resume.` : 'Armed.'}`,
      details: { by: reset.by, status: state.status, cooldownUntil: state.cooldownUntil },
    });
  }
  return { reset: changed, state };
}

async function update(
  deps: Pick<KillSwitchDeps, 'state'>, change: (s: KillSwitchState | undefined) => KillSwitchState, known?: Versioned<KillSwitchState>,
): Promise<{ state: KillSwitchState; changed: boolean }> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const current = attempt === 0 && known ? known : await deps.state.getKillSwitch();
    const next = change(current?.value);
    if (current ? next === current.value : next.history.length === 0) return { state: next, changed: false };
    if (await deps.state.putKillSwitch(next, current?.version ?? 0)) return { state: next, changed: true };
  }
  throw new ContentionError('kill switch');
}
