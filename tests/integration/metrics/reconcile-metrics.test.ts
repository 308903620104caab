import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lambdaContext } from '../../../shared/local/lambda-context.js';
import { METRICS as M, metricsOf } from '../../../shared/metrics-catalog.js';
import type { ScheduledInvocation } from '../../../shared/resources.js';
import type { Deps } from '../../../shared/runtime/deps.js';
import { seedMarket, trendingCandles, type PipelineEnv } from '../../support/pipeline-env.js';
import { emittedBy, expectCatalogMetrics, startMetricsEnv, valuesOf } from './emf.js';

const T = Date.UTC(2021, 4, 19, 12, 0, 0);
const scheduled: ScheduledInvocation = { source: 'stratus.scheduler', job: 'reconcile', scheduledTime: new Date(T).toISOString() };
let env: PipelineEnv;
let deps: Deps;
let reconcile: (e: unknown, c: Context) => Promise<unknown>;

beforeAll(async () => {
  ({ env, deps } = await startMetricsEnv('reconcile', T + 45_000));
  await env.deps.policies.write({ symbols: ['BTC/USDT'] }, { by: 'test', at: T });
  await seedMarket(env, trendingCandles('BTC/USDT', T, 40, 40_000), '40000');
  reconcile = (await import('../../../functions/reconcile/handler.js')).createReconcileHandler(deps) as never;
}, 60_000);
afterAll(async () => env?.stop());

describe('reconcile function metrics (EMF on stdout)', () => {
  it('emits its order, fill, drift and trip counts and the latency of the venue calls by endpoint', async () => {
    const emitted = await emittedBy(() => reconcile(scheduled, lambdaContext('reconcile')));
    expectCatalogMetrics(emitted, 'reconcile', metricsOf('reconcile').filter((d) => d !== M.exchangeApiErrors));
    expect(valuesOf(emitted, M.fillsBooked)).toEqual([0]);
    expect(valuesOf(emitted, M.balanceDrifts)).toEqual([0]);
    expect(valuesOf(emitted, M.killSwitchTrips)).toEqual([0]);
    expect(valuesOf(emitted, M.exchangeLatencyMs, { endpoint: 'fetchBalances' }).length).toBeGreaterThan(0);
    expect(valuesOf(emitted, M.exchangeLatencyMs, { endpoint: 'fetchOpenOrders' }).length).toBeGreaterThan(0);
  });
});
