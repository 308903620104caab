/**
 * `stratus go-live-check`: gathers the checklist's evidence from the deployment (decisions, orders and the daily-report
 * figures of PAPER, the recorded research, the kill-switch history, the alert topic's subscriptions, the exchange key's
 * permissions, the last reconcile), runs every check and, when asked, records the verdict the LIVE gate reads.
 */
import type { Policy } from '../domain/policy.js';
import { runReadinessChecks, type Read, type ReadinessEvidence } from '../domain/readiness-checks.js';
import { verdictPassed, type ReadinessVerdict } from '../domain/readiness.js';
import type { GoLiveRecords } from '../adapters/dynamo-readiness-store.js';
import type { Clock, MarketDataStore, PolicyStore, StateStore } from '../ports.js';
import { buildDailyReport } from './daily-report.js';
import type { OpsRecordStore } from './ops-records.js';

/** What the check reads, and where it records its verdict. */
export interface ReadinessCheckDeps {
  readonly clock: Clock;
  readonly state: Pick<StateStore, 'getKillSwitch' | 'getLedger' | 'listDecisions' | 'listFills' | 'listOrders'>;
  readonly policies: Pick<PolicyStore, 'load'>;
  readonly market: Pick<MarketDataStore, 'getRecentClosedCandles'>;
  readonly ops: Pick<OpsRecordStore, 'listAlerts' | 'getRuns'>;
  readonly records: { records(): Promise<GoLiveRecords>; putVerdict(v: ReadinessVerdict): Promise<void> };
  /** The alert topic's subscriptions (SNS ListSubscriptionsByTopic). */
  readonly alertSubscriptions: () => Promise<{ confirmed: number; pending: number }>;
  /** The exchange keys: absent (why), or present with the withdrawal permission as the exchange reports it. */
  readonly exchangeKeys: () => Promise<ReadinessEvidence['keys'] extends Read<infer T> ? T : never>;
}

/** Runs `run`, turning a failure into an unreadable piece of evidence (its check is then UNKNOWN). */
async function read<T>(run: () => Promise<T>): Promise<Read<T>> {
  try {
    return { ok: true, value: await run() };
  } catch (err) {
    return { ok: false, error: String((err as Error)?.message ?? err).slice(0, 200) };
  }
}

/** Every piece of evidence the checklist looks at, read in parallel. */
export async function gatherEvidence(deps: ReadinessCheckDeps): Promise<ReadinessEvidence> {
  const now = deps.clock.now();
  const records = read(() => deps.records.records());
  const decisions = read(() => deps.state.listDecisions());
  const [paper, results, recorded, killSwitch, alerts, keys, reconcile] = await Promise.all([
    decisions.then((r): Read<{ decisions: number; firstAt?: number }> => {
      if (!r.ok) return r;
      const times = r.value.filter((d) => d.mode === 'PAPER').map((d) => d.decidedAt);
      return { ok: true, value: { decisions: times.length, ...(times.length ? { firstAt: Math.min(...times) } : {}) } };
    }),
    read(async () => {
      const [report, orders] = await Promise.all([buildDailyReport(deps, new Date(now).toISOString().slice(0, 10)), deps.state.listOrders()]);
      const paperOrders = orders.filter((o) => o.mode === 'PAPER');
      return { drawdownPct: report.drawdownPct, sharpe: report.sharpeToDate, orders: paperOrders.length, rejected: paperOrders.filter((o) => o.status === 'REJECTED').length };
    }),
    records,
    read(async () => (await deps.state.getKillSwitch())?.value),
    read(() => deps.alertSubscriptions()),
    read(() => deps.exchangeKeys()),
    read(() => deps.ops.getRuns('reconcile')),
  ]);
  const evidence = <K extends 'walkForward' | 'costSweep'>(k: K): Read<GoLiveRecords[K]> => (recorded.ok ? { ok: true, value: recorded.value[k] } : recorded);
  return { now, paper, results, walkForward: evidence('walkForward'), costSweep: evidence('costSweep'), killSwitch, alerts, keys, reconcile };
}

/** Runs the checklist under `policy`'s goLive thresholds; records the verdict when `record` (the LIVE gate reads the newest one). */
export async function checkReadiness(deps: ReadinessCheckDeps, policy: Policy, options: { record: boolean; by: string }): Promise<ReadinessVerdict & { recorded: boolean }> {
  const e = await gatherEvidence(deps);
  const checks = runReadinessChecks(policy, e);
  const verdict: ReadinessVerdict = { at: e.now, passed: verdictPassed(checks), checks, by: options.by };
  if (options.record) await deps.records.putVerdict(verdict);
  return { ...verdict, recorded: options.record };
}
