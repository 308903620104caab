/** The alerts `stratus kill` and `stratus reset` send, the same kinds and shapes the functions send, through the dedup layer. */
import type { KillSwitchState } from '../domain/kill-switch.js';
import type { Alert } from '../ports.js';
import { ENV } from '../resources.js';
import { iso, type CliContext } from './cli-context.js';

/** KILL_SWITCH_TRIPPED for a manual trip: code MANUAL, by the operator. */
export function manualTripAlert(state: KillSwitchState, by: string, reason: string, at: number): Alert {
  return {
    severity: 'critical', kind: 'KILL_SWITCH_TRIPPED', at, title: `Kill switch tripped: MANUAL by ${by}`,
    message: `${reason}. No order that opens or increases a position leaves the pipeline until an operator resets it.`,
    details: { by, code: 'MANUAL', tripCount: state.tripCount },
  };
}

/** KILL_SWITCH_RESET for an operator reset (it resolves the open trip alert). */
export function resetAlert(state: KillSwitchState, by: string, reason: string, at: number, cooldownSeconds: number): Alert {
  return {
    severity: 'warning', kind: 'KILL_SWITCH_RESET', at, title: `Kill switch reset by ${by}`,
    message: `${reason}. ${state.status === 'COOLDOWN' ? `Cooling down ${cooldownSeconds}s before entries resume.` : 'Armed.'}`,
    details: { by, status: state.status, ...(state.cooldownUntil === undefined ? {} : { cooldownUntil: state.cooldownUntil }) },
  };
}

/**
 * Sends the alert when the context has a topic, and says in the output what happened: sent, not sent because
 * ALERT_TOPIC_ARN is unset, or failed (on stderr; exit code 1, the switch change itself stands).
 */
export async function sendSwitchAlert(ctx: CliContext, alert: Alert): Promise<number> {
  const alerts = ctx.alerts?.();
  if (!alerts) {
    ctx.out(`no alert sent: ${ENV.alertTopicArn} is not set (stack output AlertTopicArn)\n`);
    return 0;
  }
  try {
    await alerts.publish(alert);
  } catch (error) {
    ctx.err(`the kill switch change stands, but the ${alert.kind} alert was not sent: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  ctx.out(`alert ${alert.kind} published at ${iso(alert.at)} (repeats within its dedup window are counted, not sent)\n`);
  return 0;
}
