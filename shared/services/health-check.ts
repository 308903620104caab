import { circuitState } from '../domain/circuit-breaker.js';
import { effectiveStatus } from '../domain/kill-switch.js';
import type { Policy } from '../domain/policy.js';
import type { Clock, MarketDataStore, PolicyStore, StateStore } from '../ports.js';
import { HEARTBEAT_SOURCE, SCHEDULES } from '../resources.js';
import type { OpsRecordStore } from './ops-records.js';

/** A check's outcome; NOT_CHECKED (no such service here) never changes the verdict. */
export type CheckState = 'OK' | 'DEGRADED' | 'CRITICAL' | 'NOT_CHECKED';
/** The overall verdict: the worst check. */
export type Verdict = 'OK' | 'DEGRADED' | 'CRITICAL';

/** One line of the health check. */
export interface HealthCheck { readonly name: string; readonly state: CheckState; readonly detail: string }

/** The verdict and every check, at `at` (epoch ms). */
export interface HealthReport { readonly verdict: Verdict; readonly at: number; readonly checks: readonly HealthCheck[] }

/** Depth of a queue (ApproximateNumberOfMessages), by name. */
export interface QueueDepths { readonly names: readonly string[]; depth(name: string): Promise<number> }

/** Names of the stack's CloudWatch alarms now in ALARM. */
export interface AlarmStates { inAlarm(): Promise<string[]> }

/** What the health check reads; `alarms` absent = no CloudWatch (the embedded default). */
export interface HealthDeps {
  readonly clock: Clock;
  readonly state: Pick<StateStore, 'getKillSwitch' | 'getExchangeHealth' | 'listOrders'>;
  readonly policies: Pick<PolicyStore, 'load'>;
  readonly market: Pick<MarketDataStore, 'getHeartbeat'>;
  readonly ops: Pick<OpsRecordStore, 'getRuns'>;
  readonly dlqs: QueueDepths;
  readonly alarms?: AlarmStates;
}

/** An order SUBMITTING longer than this is DEGRADED (CRITICAL from the policy's execution.unresolvedAlertSeconds). */
export const UNRESOLVED_DEGRADED_MS = 3 * 60_000;
/** A scheduled job whose last successful run is older than this many cadences is DEGRADED. */
export const LATE_CADENCES = 2;
/** A scheduled job whose last successful run is older than this many cadences is CRITICAL. */
export const CRITICAL_CADENCES = 10;

const RANK: Record<CheckState, number> = { NOT_CHECKED: 0, OK: 0, DEGRADED: 1, CRITICAL: 2 };
const secs = (ms: number) => `${Math.round(ms / 1000)}s`;

/** Exit code of a verdict: OK 0, DEGRADED 1, CRITICAL 2. */
export function verdictExitCode(verdict: Verdict): number {
  return RANK[verdict];
}

/**
 * Checks a deployment's state, each check on its own line: kill switch, stream heartbeat, last signal and metrics
 * runs, DLQ depths, pending policy rejections, reconcile drift, circuit breaker, unresolved orders, alarms in ALARM.
 * A check whose state cannot be read is CRITICAL (fail closed); the verdict is the worst line.
 */
export async function checkHealth(deps: HealthDeps): Promise<HealthReport> {
  const now = deps.clock.now();
  let policy: Policy | undefined;
  const guard = async (name: string, run: () => Promise<HealthCheck | HealthCheck[]>): Promise<HealthCheck[]> => {
    try { return [await run()].flat(); } catch (error) {
      return [{ name, state: 'CRITICAL', detail: `cannot be read: ${(error as Error).message ?? String(error)}` }];
    }
  };
  const policyLine = await guard('policy', async () => {
    const loaded = await deps.policies.load();
    policy = loaded.policy;
    if (loaded.rejected && loaded.rejected.version > loaded.version) {
      return { name: 'policy', state: 'DEGRADED', detail: `version ${loaded.rejected.version} rejected (${loaded.rejected.problems.length} problem(s)); v${loaded.version} ${loaded.hash.slice(0, 12)} stays in force` };
    }
    return { name: 'policy', state: 'OK', detail: `v${loaded.version} ${loaded.hash.slice(0, 12)} (${loaded.source})` };
  });
  const p = (): Policy => { if (!policy) throw new Error('policy unavailable'); return policy; };
  const lines = await Promise.all([
    guard('kill switch', async () => {
      const ks = (await deps.state.getKillSwitch())?.value;
      const status = effectiveStatus(ks, now);
      const why = ks?.reason ? ` (${ks.reason}${ks.changedBy ? `, by ${ks.changedBy}` : ''})` : '';
      return { name: 'kill switch', state: status === 'TRIPPED' ? 'CRITICAL' : status === 'COOLDOWN' ? 'DEGRADED' : 'OK', detail: `${status}${status === 'ARMED' ? '' : why}, trips ${ks?.tripCount ?? 0}` };
    }),
    guard('market stream', async () => {
      const hb = await deps.market.getHeartbeat(HEARTBEAT_SOURCE);
      const limit = p().marketQuality.staleDataSeconds * 1000;
      if (!hb) return { name: 'market stream', state: 'CRITICAL', detail: 'no heartbeat recorded' };
      const age = now - hb.time;
      const state = age > 2 * limit ? 'CRITICAL' : age > limit ? 'DEGRADED' : 'OK';
      return { name: 'market stream', state, detail: `heartbeat ${secs(age)} ago (stale after ${secs(limit)})` };
    }),
    ...(['signal', 'metrics'] as const).map((job) => guard(`${job} run`, () => runCheck(deps, job, now))),
    guard('reconcile', async () => {
      const { ok } = await deps.ops.getRuns('reconcile');
      if (!ok) return { name: 'reconcile', state: 'DEGRADED', detail: 'no reconcile run recorded' };
      const drift = (ok.summary?.driftCurrencies as readonly string[] | undefined) ?? [];
      const problems = Number(ok.summary?.problems ?? 0) + Number(ok.summary?.unknownOpenOrders ?? 0);
      const found = ok.summary?.killSwitchTripped === true ? 'CRITICAL' : drift.length > 0 || problems > 0 ? 'DEGRADED' : 'OK';
      const late = lateness(now - ok.at, SCHEDULES.reconcile.rateMinutes * 60_000); // a clean run long ago says nothing of now
      const state = RANK[late] > RANK[found] ? late : found;
      const detail = `${drift.length ? `drift in ${drift.join(', ')}` : 'no drift'}, ${problems} problem(s), ${secs(now - ok.at)} ago`;
      return { name: 'reconcile', state, detail: late === 'OK' ? detail : `${detail} (late: cadence ${secs(SCHEDULES.reconcile.rateMinutes * 60_000)})` };
    }),
    guard('dead letters', async () => Promise.all(deps.dlqs.names.map(async (name): Promise<HealthCheck> => {
      const n = await deps.dlqs.depth(name);
      return { name: `dlq ${name}`, state: n > 0 ? 'CRITICAL' : 'OK', detail: `${n} message(s)` };
    }))),
    guard('circuit breaker', async () => {
      const c = circuitState((await deps.state.getExchangeHealth())?.value, now, p());
      return { name: 'circuit breaker', state: c === 'closed' ? 'OK' : 'DEGRADED', detail: c };
    }),
    guard('unresolved orders', async () => {
      const critical = p().execution.unresolvedAlertSeconds * 1000;
      const ages = (await deps.state.listOrders({ statuses: ['SUBMITTING'] })).map((o) =>
        now - (o.history.find((h) => h.status === 'SUBMITTING')?.at ?? o.updatedAt)); // since its first send
      const oldest = Math.max(0, ...ages);
      const state = oldest > critical ? 'CRITICAL' : oldest > UNRESOLVED_DEGRADED_MS ? 'DEGRADED' : 'OK';
      return { name: 'unresolved orders', state, detail: ages.length ? `${ages.length} SUBMITTING, oldest ${secs(oldest)}` : 'none' };
    }),
    guard('alarms', async () => {
      if (!deps.alarms) return { name: 'alarms', state: 'NOT_CHECKED', detail: 'not checked (no CloudWatch here)' };
      const names = await deps.alarms.inAlarm();
      return { name: 'alarms', state: names.length ? 'CRITICAL' : 'OK', detail: names.length ? `in ALARM: ${names.join(', ')}` : 'none in ALARM' };
    }),
  ]);
  const checks = [...lines.flat(), ...policyLine];
  const worst = Math.max(...checks.map((c) => RANK[c.state]));
  return { verdict: worst === 2 ? 'CRITICAL' : worst === 1 ? 'DEGRADED' : 'OK', at: now, checks };
}

async function runCheck(deps: HealthDeps, job: 'signal' | 'metrics', now: number): Promise<HealthCheck> {
  const cadence = SCHEDULES[job].rateMinutes * 60_000;
  const { ok, failed } = await deps.ops.getRuns(job);
  const name = `${job} run`;
  if (!ok) return { name, state: 'DEGRADED', detail: failed ? `never succeeded; failed ${secs(now - failed.at)} ago: ${failed.error ?? ''}` : 'no run recorded' };
  const age = now - ok.at;
  const late = lateness(age, cadence);
  const failing = failed && failed.at > ok.at;
  const state = late === 'OK' && failing ? 'DEGRADED' : late;
  return { name, state, detail: `last ok ${secs(age)} ago (cadence ${secs(cadence)})${failing ? `; failed since: ${failed.error ?? ''}` : ''}` };
}

/** DEGRADED past LATE_CADENCES cadences since the last successful run, CRITICAL past CRITICAL_CADENCES. */
function lateness(age: number, cadence: number): CheckState {
  return age > CRITICAL_CADENCES * cadence ? 'CRITICAL' : age > LATE_CADENCES * cadence ? 'DEGRADED' : 'OK';
}
