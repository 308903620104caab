import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Context } from 'aws-lambda';
import { lambdaContext } from '../../../shared/local/lambda-context.js';
import { METRICS as M, metricsOf } from '../../../shared/metrics-catalog.js';
import type { ScheduledInvocation } from '../../../shared/resources.js';
import { seedMarket, trendingCandles, type PipelineEnv } from '../../support/pipeline-env.js';
import { emittedBy, expectCatalogMetrics, startMetricsEnv, valuesOf } from './emf.js';

const T = Date.UTC(2021, 4, 19, 12, 0, 0);
const scheduled: ScheduledInvocation = { source: 'stratus.scheduler', job: 'signal', scheduledTime: new Date(T).toISOString() };
let env: PipelineEnv;
let signal: (e: unknown, c: Context) => Promise<unknown>;

beforeAll(async () => {
  const started = await startMetricsEnv('signal', T + 5_000);
  env = started.env;
  await env.deps.policies.write({ symbols: ['BTC/USDT', 'ETH/USDT'] }, { by: 'test', at: T });
  await seedMarket(env, trendingCandles('BTC/USDT', T, 40, 40_000), '40000');
  signal = (await import('../../../functions/signal/handler.js')).createSignalHandler(started.deps) as never;
}, 60_000);
afterAll(async () => env?.stop());

describe('signal function metrics (EMF on stdout)', () => {
  it('emits every catalog metric of the signal function with its unit and the service dimension', async () => {
    const emitted = await emittedBy(() => signal(scheduled, lambdaContext('signal')));
    expectCatalogMetrics(emitted, 'signal', metricsOf('signal'));
    expect(valuesOf(emitted, M.intentsEmitted)).toEqual([1]);
    expect(valuesOf(emitted, M.symbolsEvaluated)).toEqual([1]);
    expect(valuesOf(emitted, M.symbolsSkipped)).toEqual([1]); // ETH/USDT has no candles
    expect(valuesOf(emitted, M.riskExitsEmitted)).toEqual([0]);
    expect(valuesOf(emitted, M.marketDataStale)).toEqual([0]);
    expect(valuesOf(emitted, M.marketDataDegraded)).toEqual([0]);
  });
});
