import type { ReasonCode } from '../domain/decision.js';

/** The reason code of a signal the risk chain refused because the kill switch was not ARMED. */
export const KILL_SWITCH_REASON_CODE: ReasonCode = 'KILL_SWITCH_NOT_ARMED';

/** What a run says about its kill switch: the end state in config.killSwitch plus its rejection and unfilled counts. */
export interface KillSwitchFacts {
  readonly killSwitch?: { readonly status: string; readonly at?: number; readonly reason?: string } | undefined;
  readonly rejections?: Readonly<Record<string, number>> | undefined;
  readonly unfilled?: Readonly<Record<string, number>> | undefined;
}

/** A trip of the kill switch during a run, from the run's own records. */
export interface KillSwitchTrip {
  /** Epoch ms of the trip (the engine's kill-switch changedAt). */
  readonly at: number;
  readonly reason: string;
  /**
   * Signals the risk chain refused with KILL_SWITCH_NOT_ARMED. A backtest never resets the switch, so each of them
   * was refused after `at`: the count is the run's own, not an estimate.
   */
  readonly refusedSignals: number;
  /** Orders pending at the trip that the trip's sweep cancelled (unfilled CANCELED_BY_KILL_SWITCH). */
  readonly canceledOrders: number;
}

/** The trip of a run whose kill switch ended TRIPPED (or COOLDOWN), else null (it never tripped). */
export function killSwitchTrip(facts: KillSwitchFacts): KillSwitchTrip | null {
  const ks = facts.killSwitch;
  if (!ks || ks.status === 'ARMED' || ks.at === undefined) return null;
  return {
    at: ks.at,
    reason: ks.reason ?? 'no reason recorded',
    refusedSignals: facts.rejections?.[KILL_SWITCH_REASON_CODE] ?? 0,
    canceledOrders: facts.unfilled?.CANCELED_BY_KILL_SWITCH ?? 0,
  };
}

/** The kill-switch facts of a --json report (config.killSwitch, config.unfilledOrders, rejections). */
export function reportKillSwitchFacts(report: { config: Readonly<Record<string, unknown>>; rejections: Readonly<Record<string, number>> }): KillSwitchFacts {
  return {
    killSwitch: report.config.killSwitch as KillSwitchFacts['killSwitch'],
    rejections: report.rejections,
    unfilled: report.config.unfilledOrders as KillSwitchFacts['unfilled'],
  };
}

/** Epoch ms as `YYYY-MM-DD HH:MM UTC`. */
export function utcMinute(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/** Days from the trip to the end of the period `to` (epoch ms), one decimal; null when `to` is unknown or earlier. */
export function daysSidelined(trip: KillSwitchTrip, to: number | undefined): number | null {
  if (to === undefined || !Number.isFinite(to) || to < trip.at) return null;
  return Math.round(((to - trip.at) / 86_400_000) * 10) / 10;
}

/**
 * The banner for a trip, as plain-text lines (the terminal prints them framed, the HTML report as its top alert):
 * when and why it tripped, how many signals it refused after that and how long the run then sat out.
 */
export function killSwitchBannerLines(trip: KillSwitchTrip, to?: number): string[] {
  const days = daysSidelined(trip, to);
  const refused = `${trip.refusedSignals} ${trip.refusedSignals === 1 ? 'signal' : 'signals'}`;
  const rest = days === null ? '' : ` over the remaining ${days} days of the period`;
  const canceled = trip.canceledOrders > 0 ? `; ${trip.canceledOrders} pending ${trip.canceledOrders === 1 ? 'order' : 'orders'} cancelled at the trip` : '';
  return [
    `KILL SWITCH TRIPPED at ${utcMinute(trip.at)}: ${trip.reason}`,
    `It refused ${refused} (${KILL_SWITCH_REASON_CODE}) after the trip${rest}${canceled}.`,
    'A backtest never resets the switch: every later entry is refused (see README, Backtesting).',
  ];
}
