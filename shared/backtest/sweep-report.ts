import { KILL_SWITCH_REASON_CODE, utcMinute, type KillSwitchTrip } from './kill-switch-report.js';
import { NO_PROGRESS, progressBar, wantsProgress, type ProgressBar } from './progress-bar.js';
import { banner } from './text-table.js';

/** One run of a sweep (a cost level, a walk-forward window) and its kill-switch trip, if any. */
export interface LabelledTrip {
  readonly label: string;
  readonly trip: KillSwitchTrip | null | undefined;
}

/**
 * The banner of a sweep whose runs tripped the kill switch: how many of them, then per tripped run when, why and how
 * many signals it refused after the trip (each run's own counts); '' when none tripped. `what` names the runs.
 */
export function sweepTripBanner(what: string, runs: readonly LabelledTrip[], note?: string): string {
  const tripped = runs.filter((r): r is LabelledTrip & { trip: KillSwitchTrip } => Boolean(r.trip));
  if (tripped.length === 0) return '';
  return `\n${banner([
    `KILL SWITCH TRIPPED in ${tripped.length} of ${runs.length} ${what} (each then sat out of the market):`,
    ...tripped.map(({ label, trip }) => `${label}: ${utcMinute(trip.at)}, ${trip.reason}; then refused `
      + `${trip.refusedSignals} ${trip.refusedSignals === 1 ? 'signal' : 'signals'} (${KILL_SWITCH_REASON_CODE})`),
    ...(note ? [note] : []),
  ])}`;
}

/**
 * The progress bar of a sweep: on stderr (`write`) from the first update when stderr is a terminal or --progress was
 * given, else none. Counts finished runs.
 */
export function sweepProgress(
  write: (text: string) => void, label: string, flag: boolean | string | undefined, errIsTty: boolean | undefined,
): ProgressBar {
  return wantsProgress(flag, errIsTty) ? progressBar(write, label, { afterMs: 0, unit: 'runs' }) : NO_PROGRESS;
}
