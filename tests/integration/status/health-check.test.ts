import type { Context } from 'aws-lambda';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DynamoOpsRecords } from '../../../shared/adapters/dynamo-ops-records.js';
import type { CliContext, OperatorPolicyStore } from '../../../shared/cli/cli-context.js';
import { recordFailure } from '../../../shared/domain/circuit-breaker.js';
import { resetKillSwitch, tripKillSwitch } from '../../../shared/domain/kill-switch.js';
import { newOrderRecord, transitionOrder, type OrderRequest } from '../../../shared/domain/order.js';
import { lambdaContext } from '../../../shared/local/lambda-context.js';
import { HEARTBEAT_SOURCE, type ScheduledInvocation } from '../../../shared/resources.js';
import { checkHealth, type HealthDeps, type HealthReport } from '../../../shared/services/health-check.js';
import { startPipelineEnv, type PipelineEnv } from '../../support/pipeline-env.js';

const T = Date.UTC(2021, 4, 19, 12, 0, 0);
const PREFIX = `st${process.pid}`;
let env: PipelineEnv;
let run: Record<'signal' | 'metrics' | 'reconcile', (e: unknown, c: Context) => Promise<unknown>>;
let inAlarm: string[] = [];
let status: typeof import('../../../shared/cli/status-command.js');

const at = (job: ScheduledInvocation['job'], t: number): ScheduledInvocation => ({ source: 'stratus.scheduler', job, scheduledTime: new Date(t).toISOString() });
const deps = (): HealthDeps => ({
  clock: env.clock, state: env.deps.state, policies: env.deps.policies, market: env.deps.market,
  ops: new DynamoOpsRecords({ tableName: env.provisioned.tables.state }), dlqs: status.dlqDepths(env.sqs, PREFIX),
  alarms: { inAlarm: async () => inAlarm },
});
const line = (r: HealthReport, name: string) => r.checks.find((c) => c.name === name)!;

/** Runs the three scheduled handlers at minute `t` (the RUN# markers are written by their middleware) with a fresh heartbeat. */
async function healthyMinute(t: number): Promise<void> {
  env.clock.set(t + 5_000);
  await env.deps.market.putHeartbeat({ source: HEARTBEAT_SOURCE, time: t + 4_000, lastCandle: {}, messages: 1, lagMs: 0 });
  await run.signal(at('signal', t), lambdaContext('signal'));
  env.clock.set(t + 30_000);
  await run.metrics(at('metrics', t), lambdaContext('metrics'));
  await run.reconcile(at('reconcile', t), lambdaContext('reconcile'));
}

async function putSwitch(change: Parameters<typeof tripKillSwitch>[0] extends infer S ? (s: S) => ReturnType<typeof tripKillSwitch> : never) {
  const current = await env.deps.state.getKillSwitch();
  expect(await env.deps.state.putKillSwitch(change(current?.value), current?.version ?? 0)).toBe(true);
}

beforeAll(async () => {
  env = await startPipelineEnv(PREFIX, T);
  await env.deps.policies.write({ symbols: ['BTC/USDT'] }, { by: 'test', at: T });
  status = await import('../../../shared/cli/status-command.js');
  const [s, m, c] = await Promise.all([
    import('../../../functions/signal/handler.js'), import('../../../functions/metrics/handler.js'), import('../../../functions/reconcile/handler.js'),
  ]);
  run = { signal: s.createSignalHandler(env.deps) as never, metrics: m.createMetricsHandler(env.deps) as never, reconcile: c.createReconcileHandler(env.deps) as never };
}, 60_000);
afterAll(async () => env?.stop());
beforeEach(() => { inAlarm = []; });

describe('stratus status on dynalite + fauxqs', () => {
  it('is OK, exit 0, when the switch is armed, the stream fresh, every scheduled run on time and every DLQ empty', async () => {
    await healthyMinute(T);
    const r = await checkHealth(deps());
    expect(r.checks.filter((c) => c.state !== 'OK')).toEqual([]);
    expect(r.verdict).toBe('OK');
    expect(line(r, 'signal run').detail).toMatch(/^last ok 30s ago/);
    expect(r.checks.map((c) => c.name)).toEqual(expect.arrayContaining([
      'kill switch', 'market stream', 'signal run', 'metrics run', 'reconcile', `dlq ${PREFIX}-signals-dlq.fifo`,
      `dlq ${PREFIX}-orders-dlq.fifo`, 'circuit breaker', 'unresolved orders', 'alarms', 'policy',
    ]));
  });

  it('is DEGRADED, exit 1, when the signal function has not run for more than two cadences', async () => {
    await healthyMinute(T + 60_000);
    env.clock.set(T + 60_000 + 185_000);
    await env.deps.market.putHeartbeat({ source: HEARTBEAT_SOURCE, time: env.clock.now(), lastCandle: {}, messages: 1, lagMs: 0 });
    const r = await checkHealth(deps());
    expect(line(r, 'signal run')).toMatchObject({ state: 'DEGRADED' });
    expect(line(r, 'metrics run')).toMatchObject({ state: 'DEGRADED' });
    expect(r.verdict).toBe('DEGRADED');
  });

  it('is DEGRADED on an open circuit breaker, a pending policy rejection, a COOLDOWN switch and an order SUBMITTING for 5 minutes', async () => {
    const t = T + 10 * 60_000;
    await healthyMinute(t);
    const { policy } = await env.deps.policies.load();
    let h = undefined;
    for (let i = 0; i < policy.circuitBreaker.failureThreshold; i++) h = recordFailure(h, t + 30_000, policy);
    expect(await env.deps.state.putExchangeHealth(h!, 0)).toBe(true);
    expect(line(await checkHealth(deps()), 'circuit breaker').state).toBe('DEGRADED');

    await env.deps.policies.write({ symbols: ['BTC/USDT'], mode: 'NOT_A_MODE' }, { by: 'test', at: t });
    const rejected = await checkHealth(deps());
    expect(line(rejected, 'policy')).toMatchObject({ state: 'DEGRADED', detail: expect.stringMatching(/rejected/) });
    await env.deps.policies.write({ symbols: ['BTC/USDT'] }, { by: 'test', at: t });

    await putSwitch((s) => tripKillSwitch(s, { reason: 'test', by: 'op', at: t }));
    await putSwitch((s) => resetKillSwitch(s, { reason: 'ok', by: 'op', at: t + 1_000, cooldownSeconds: 600 }));
    const order = { ...orderRequest('a'.repeat(32)), createdAt: t - 5 * 60_000 };
    const created = await env.deps.state.createOrder(newOrderRecord(order, t - 5 * 60_000));
    expect(await env.deps.state.updateOrder(transitionOrder(created.value, 'SUBMITTING', t + 30_000 - 5 * 60_000), created.version)).toBe(true);

    const r = await checkHealth(deps());
    expect(line(r, 'kill switch')).toMatchObject({ state: 'DEGRADED', detail: expect.stringMatching(/^COOLDOWN/) });
    expect(line(r, 'unresolved orders')).toMatchObject({ state: 'DEGRADED', detail: '1 SUBMITTING, oldest 300s' });
    expect(r.verdict).toBe('DEGRADED');
  });

  it('is CRITICAL, exit 2, on a TRIPPED switch, a message in a DLQ, an alarm in ALARM and an order unresolved past execution.unresolvedAlertSeconds', async () => {
    const t = T + 60 * 60_000;
    await healthyMinute(t);
    await env.deps.state.putExchangeHealth({ consecutiveFailures: 0, recentErrors: [], updatedAt: t }, 1);
    const sent = t + 30_000 - 1_300_000;
    const created = await env.deps.state.createOrder(newOrderRecord({ ...orderRequest('b'.repeat(32)), createdAt: sent }, sent));
    expect(await env.deps.state.updateOrder(transitionOrder(created.value, 'SUBMITTING', sent), created.version)).toBe(true);
    const healthy = await checkHealth(deps());
    const unresolved = line(healthy, 'unresolved orders');
    expect(unresolved.state).toBe('CRITICAL');
    expect(Number(/oldest (\d+)s$/.exec(unresolved.detail)?.[1])).toBeGreaterThanOrEqual(1300); // past unresolvedAlertSeconds (1200)
    expect(line(healthy, 'kill switch').state).toBe('OK'); // its cooldown has ended

    await env.sqs.send(new SendMessageCommand({
      QueueUrl: env.provisioned.queues.orders.dlqUrl, MessageBody: '{}', MessageGroupId: 'g', MessageDeduplicationId: 'd',
    }));
    inAlarm = [`${PREFIX}-FunctionsSignalErrors`];
    await putSwitch((s) => tripKillSwitch(s, { reason: 'drawdown', by: 'metrics', at: t + 30_000 }));
    const r = await checkHealth(deps());
    expect(line(r, 'kill switch')).toMatchObject({ state: 'CRITICAL', detail: 'TRIPPED (drawdown, by metrics), trips 2' });
    expect(line(r, `dlq ${PREFIX}-orders-dlq.fifo`)).toMatchObject({ state: 'CRITICAL', detail: '1 message(s)' });
    expect(line(r, `dlq ${PREFIX}-signals-dlq.fifo`).state).toBe('OK');
    expect(line(r, 'alarms')).toMatchObject({ state: 'CRITICAL', detail: `in ALARM: ${PREFIX}-FunctionsSignalErrors` });
    expect(r.verdict).toBe('CRITICAL');

    const out: string[] = [];
    const ctx = { state: () => env.deps.state, policies: () => env.deps.policies as OperatorPolicyStore, clock: env.clock, out: (s: string) => out.push(s), err: () => undefined } as unknown as CliContext;
    const { alarms: _none, ...probes } = deps();
    expect(await status.statusCommand(ctx, {}, () => probes)).toBe(2);
    expect(out.join('')).toMatch(/^stratus status: CRITICAL/);
    expect(out.join('')).toMatch(/alarms +NOT_CHECKED +not checked/);
    out.length = 0;
    expect(await status.statusCommand(ctx, { json: '-' }, () => probes)).toBe(2);
    expect((JSON.parse(out.join('')) as HealthReport).verdict).toBe('CRITICAL');
  });
});

function orderRequest(orderId: string): OrderRequest {
  return {
    orderId, clientOrderId: `stx-${orderId.slice(0, 20)}`, intentId: 'i', strategy: 'momentum', symbol: 'BTC/USDT', side: 'buy', kind: 'entry',
    type: 'market', quantity: '0.001', referencePrice: '40000', reservedNotional: '40', mode: 'PAPER', policyHash: 'h', createdAt: T,
  };
}
