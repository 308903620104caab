/** Operational records the health check and the daily report read: last scheduled runs and published alerts. */
import type { Alert, AlertSeverity } from '../ports.js';

/** The last run of one scheduled job (RUN#<job>): when it ran (its scheduled time) and a small summary of its result. */
export interface RunRecord {
  readonly job: string;
  /** Epoch ms of the run's scheduled time. */
  readonly at: number;
  readonly ok: boolean;
  readonly durationMs?: number;
  readonly error?: string;
  /** A few scalar fields of the result (reconcile: drift currencies, unknown orders, problems). */
  readonly summary?: Readonly<Record<string, string | number | boolean | readonly string[]>>;
}

/** A published alert as kept for the daily report: compact, no details. */
export interface AlertRecord {
  readonly at: number;
  readonly severity: AlertSeverity;
  readonly kind: string;
  readonly title: string;
}

/** Reads and writes the operational records on the state table. */
export interface OpsRecordStore {
  /** The last successful run and the last failed run of a job (each one item, overwritten by each run). */
  getRuns(job: string): Promise<{ readonly ok?: RunRecord; readonly failed?: RunRecord }>;
  putRun(run: RunRecord): Promise<void>;
  putAlert(alert: Alert): Promise<void>;
  /** Alerts published in [from, to), oldest first. */
  listAlerts(from: number, to: number): Promise<AlertRecord[]>;
}
