import type { Context, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { METRICS as M, metricsOf } from '../../../shared/metrics-catalog.js';
import type { Deps } from '../../../shared/runtime/deps.js';
import { decideIntent } from '../../../shared/services/decide-intent.js';
import { evaluateSignals } from '../../../shared/services/evaluate-signals.js';
import { seedMarket, trendingCandles, type PipelineEnv } from '../../support/pipeline-env.js';
import { emittedBy, expectCatalogMetrics, pollInto, startMetricsEnv, valuesOf } from './emf.js';

const T = Date.UTC(2021, 4, 19, 12, 0, 0);
let env: PipelineEnv;
let deps: Deps;
let execution: (e: SQSEvent, c: Context) => Promise<unknown>;

beforeAll(async () => {
  ({ env, deps } = await startMetricsEnv('execution', T + 5_000));
  await env.deps.policies.write({ symbols: ['BTC/USDT'] }, { by: 'test', at: T });
  await seedMarket(env, trendingCandles('BTC/USDT', T, 40, 40_000), '40000');
  const [intent] = (await evaluateSignals(env.deps)).intents;
  expect((await decideIntent(env.deps, intent!)).approved).toBe(true); // the order is now on orders.fifo
  execution = (await import('../../../functions/execution/handler.js')).createExecutionHandler(deps) as never;
}, 60_000);
afterAll(async () => env?.stop());

describe('execution function metrics (EMF on stdout)', () => {
  it('emits orders sent, fills, fill ratio, rejections and the latency of each exchange call by endpoint', async () => {
    const emitted = await emittedBy(() => pollInto(env, 'orders', execution));
    const always = metricsOf('execution').filter((d) => d !== M.exchangeApiErrors); // errors only when a call fails
    expectCatalogMetrics(emitted, 'execution', always);
    expect(valuesOf(emitted, M.ordersSent)).toEqual([1]);
    expect(valuesOf(emitted, M.fills)).toEqual([1]);
    expect(valuesOf(emitted, M.fillRatio)).toEqual([1]);
    expect(valuesOf(emitted, M.orderRejections)).toEqual([0]);
    expect(valuesOf(emitted, M.exchangeLatencyMs, { endpoint: 'placeOrder' })).toHaveLength(1);
    expect(valuesOf(emitted, M.exchangeLatencyMs, { endpoint: 'fetchOrderByClientId' }).length).toBeGreaterThan(0);
    expect(valuesOf(emitted, M.exchangeLatencyMs)).toEqual([]); // latency is never emitted without its endpoint
  });
});
