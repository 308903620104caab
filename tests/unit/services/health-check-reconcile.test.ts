import { describe, expect, it } from 'vitest';
import { MemoryPolicyStore } from '../../../shared/adapters/memory-policy-store.js';
import { MemoryStateStore } from '../../../shared/adapters/memory-state-store.js';
import { checkHealth, type HealthDeps } from '../../../shared/services/health-check.js';
import type { RunRecord } from '../../../shared/services/ops-records.js';

const NOW = Date.UTC(2024, 0, 15, 12, 0, 0);
const MIN = 60_000;

/** Every job ran cleanly a minute ago except reconcile, whose last clean run was `reconcileAgo` ms ago. */
function deps(reconcileAgo: number): HealthDeps {
  const clock = { now: () => NOW };
  const run = (job: string, at: number, summary?: RunRecord['summary']): RunRecord => ({ job, at, ...(summary ? { summary } : {}) } as RunRecord);
  return {
    clock, state: new MemoryStateStore(), policies: new MemoryPolicyStore({ clock }),
    market: { getHeartbeat: async (source) => ({ source, time: NOW - 1_000, lastCandle: {}, messages: 1, lagMs: 0 }) },
    ops: {
      getRuns: async (job) => ({
        ok: job === 'reconcile'
          ? run(job, NOW - reconcileAgo, { driftCurrencies: [], problems: 0, unknownOpenOrders: 0, killSwitchTripped: false })
          : run(job, NOW - MIN),
      }),
    },
    dlqs: { names: [], depth: async () => 0 },
  };
}

describe('health check: reconcile lateness', () => {
  it('is DEGRADED when the last clean reconcile run is older than two of its 5-minute cadences, CRITICAL past ten', async () => {
    const line = async (ago: number) => (await checkHealth(deps(ago))).checks.find((c) => c.name === 'reconcile')!;
    expect((await line(4 * MIN)).state).toBe('OK');
    expect(await line(11 * MIN)).toMatchObject({ state: 'DEGRADED', detail: 'no drift, 0 problem(s), 660s ago (late: cadence 300s)' });
    expect((await line(3 * 86_400_000)).state).toBe('CRITICAL');
    expect((await checkHealth(deps(3 * 86_400_000))).verdict).toBe('CRITICAL');
  });
});
