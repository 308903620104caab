import type { MiddlewareObj } from '@middy/core';
import { DynamoOpsRecords } from '../adapters/dynamo-ops-records.js';
import { ENV, type ScheduledInvocation } from '../resources.js';
import type { OpsRecordStore, RunRecord } from '../services/ops-records.js';
import { logger } from './observability.js';

type Summary = NonNullable<RunRecord['summary']>;

/** The RUN# summary of a job's result: reconcile keeps its drift and problems; other jobs their top-level scalars. */
export function runSummary(job: string, response: unknown): Summary {
  if (typeof response !== 'object' || response === null) return {};
  const r = response as Record<string, unknown>;
  if (job === 'reconcile') {
    return {
      driftCurrencies: Object.keys((r.drift as object | undefined) ?? {}),
      unknownOpenOrders: Array.isArray(r.unknownOpenOrders) ? r.unknownOpenOrders.length : 0,
      problems: Array.isArray(r.problems) ? r.problems.length : 0,
      killSwitchTripped: r.killSwitchTripped === true,
    };
  }
  const out: Record<string, string | number | boolean> = {};
  for (const [k, v] of Object.entries(r).slice(0, 20)) {
    if (typeof v === 'number' || typeof v === 'boolean' || (typeof v === 'string' && v.length <= 100)) out[k] = v;
  }
  return out;
}

function scheduled(event: unknown): ScheduledInvocation | undefined {
  const e = event as Partial<ScheduledInvocation> | null;
  return e && e.source === 'stratus.scheduler' && typeof e.job === 'string' && typeof e.scheduledTime === 'string' ? e as ScheduledInvocation : undefined;
}

/**
 * Middleware of every handler: a scheduled invocation (the ScheduledInvocation payload) leaves a RUN#<job> item on
 * the state table, one put, at its scheduled time: LAST on success (with runSummary), FAILED on error. `stratus status`
 * reads them. Without STATE_TABLE (or with no store) it does nothing; a failed write is logged, never thrown.
 */
export function runMarker(options: { store?: OpsRecordStore } = {}): MiddlewareObj {
  let store = options.store;
  let started = 0;
  const storeOf = (): OpsRecordStore | undefined => {
    const table = process.env[ENV.stateTable];
    return (store ??= table ? new DynamoOpsRecords({ tableName: table }) : undefined);
  };
  async function mark(event: unknown, outcome: { ok: true; response: unknown } | { ok: false; error: unknown }): Promise<void> {
    const run = scheduled(event);
    const target = run && storeOf();
    const at = run ? Date.parse(run.scheduledTime) : NaN;
    if (!run || !target || Number.isNaN(at)) return;
    const record: RunRecord = outcome.ok
      ? { job: run.job, at, ok: true, durationMs: Math.round(performance.now() - started), summary: runSummary(run.job, outcome.response) }
      : { job: run.job, at, ok: false, durationMs: Math.round(performance.now() - started), error: String((outcome.error as Error)?.message ?? outcome.error).slice(0, 300) };
    await target.putRun(record).catch((error: unknown) => logger.warn('run marker not written', { job: run.job, error: String(error) }));
  }
  return {
    before: function runMarkerBefore() { started = performance.now(); },
    after: async function runMarkerAfter(request) { await mark(request.event, { ok: true, response: request.response }); },
    onError: async function runMarkerOnError(request) { await mark(request.event, { ok: false, error: request.error }); },
  };
}
