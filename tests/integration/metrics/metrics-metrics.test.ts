import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lambdaContext } from '../../../shared/local/lambda-context.js';
import { METRICS as M, metricsOf } from '../../../shared/metrics-catalog.js';
import type { ScheduledInvocation } from '../../../shared/resources.js';
import type { Deps } from '../../../shared/runtime/deps.js';
import { seedMarket, trendingCandles, type PipelineEnv } from '../../support/pipeline-env.js';
import { emittedBy, expectCatalogMetrics, startMetricsEnv, valuesOf } from './emf.js';

const T = Date.UTC(2021, 4, 19, 12, 0, 0);
const scheduled: ScheduledInvocation = { source: 'stratus.scheduler', job: 'metrics', scheduledTime: new Date(T).toISOString() };
let env: PipelineEnv;
let deps: Deps;
let measure: (e: unknown, c: Context) => Promise<unknown>;

beforeAll(async () => {
  ({ env, deps } = await startMetricsEnv('metrics', T + 30_000));
  await env.deps.policies.write({ symbols: ['BTC/USDT'] }, { by: 'test', at: T });
  await seedMarket(env, trendingCandles('BTC/USDT', T, 40, 40_000), '40000');
  measure = (await import('../../../functions/metrics/handler.js')).createMetricsHandler(deps) as never;
}, 60_000);
afterAll(async () => env?.stop());

describe('metrics function metrics (EMF on stdout)', () => {
  it('emits equity, drawdown, exposure, positions, pending orders, PnL by period in quote and %, and the switch gauges', async () => {
    const emitted = await emittedBy(() => measure(scheduled, lambdaContext('metrics')));
    const always = metricsOf('metrics').filter((d) => d !== M.exchangeApiErrors && d !== M.exchangeLatencyMs); // exchange calls only on a trip
    expectCatalogMetrics(emitted, 'metrics', always);
    for (const d of [M.pnlDaily, M.pnlWeekly, M.pnlTotal, M.pnlDailyPct, M.pnlWeeklyPct, M.pnlTotalPct, M.drawdownPct, M.exposurePct]) {
      expect(valuesOf(emitted, d), d.name).toEqual([0]);
    }
    expect(valuesOf(emitted, M.killSwitchState)).toEqual([0]);
    expect(valuesOf(emitted, M.killSwitchTrips)).toEqual([0]);
    expect(valuesOf(emitted, M.circuitBreakerOpen)).toEqual([0]);
    expect(valuesOf(emitted, M.pendingOrders)).toEqual([0]);
  });

  it('reports the kill switch as 2 (TRIPPED) with one trip when this run trips it', async () => {
    const { tripKillSwitch } = await import('../../../shared/domain/kill-switch.js');
    const { recordFailure } = await import('../../../shared/domain/circuit-breaker.js');
    const { defaultPolicy } = await import('../../../shared/domain/policy.js');
    let health;
    for (let i = 0; i < defaultPolicy().circuitBreaker.failureThreshold; i++) health = recordFailure(health, env.clock.now() - 1_000, defaultPolicy());
    await env.deps.state.putExchangeHealth(health!, 0);
    await env.deps.state.putKillSwitch(tripKillSwitch(undefined, { reason: 'operator', by: 'test', at: env.clock.now() }), 0);
    const emitted = await emittedBy(() => measure(scheduled, lambdaContext('metrics')));
    expectCatalogMetrics(emitted, 'metrics', [M.killSwitchState]);
    expect(valuesOf(emitted, M.killSwitchState)).toEqual([2]);
    expect(valuesOf(emitted, M.circuitBreakerOpen)).toEqual([1]);
    expect(valuesOf(emitted, M.circuitBreakerTrips)).toEqual([1]);
    expect(valuesOf(emitted, M.exchangeConsecutiveErrors)).toEqual([defaultPolicy().circuitBreaker.failureThreshold]);
  });
});
