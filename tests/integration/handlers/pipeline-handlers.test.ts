import type { Context, SQSEvent } from 'aws-lambda';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lambdaContext } from '../../../shared/local/lambda-context.js';
import { SqsEventSource } from '../../../shared/local/sqs-event-source.js';
import { QUEUES, type ScheduledInvocation } from '../../../shared/resources.js';
import type { Intent } from '../../../shared/domain/intent.js';
import type { OrderRequest } from '../../../shared/domain/order.js';
import { seedMarket, startPipelineEnv, trendingCandles, type PipelineEnv } from '../../support/pipeline-env.js';

const T = Date.UTC(2021, 4, 19, 12, 0, 0);
let env: PipelineEnv;
let handlers: {
  signal: (e: unknown, c: Context) => Promise<{ intents: number }>;
  risk: (e: SQSEvent, c: Context) => Promise<{ batchItemFailures: { itemIdentifier: string }[] }>;
  execution: (e: SQSEvent, c: Context) => Promise<{ batchItemFailures: { itemIdentifier: string }[] }>;
  metrics: (e: unknown, c: Context) => Promise<Record<string, unknown>>;
  reconcile: (e: unknown, c: Context) => Promise<{ drift: Record<string, string>; unknownOpenOrders: string[] }>;
};
const scheduled = (job: ScheduledInvocation['job']): ScheduledInvocation => ({ source: 'stratus.scheduler', job, scheduledTime: new Date(T).toISOString() });

beforeAll(async () => {
  env = await startPipelineEnv(`h${process.pid}`, T + 5_000);
  await env.deps.policies.write({ symbols: ['BTC/USDT'], lossLimits: { maxDrawdownPct: 1 } }, { by: 'test', at: T });
  await seedMarket(env, trendingCandles('BTC/USDT', T, 40, 40_000), '40000');
  const [s, r, e, m, c] = await Promise.all([
    import('../../../functions/signal/handler.js'), import('../../../functions/risk/handler.js'),
    import('../../../functions/execution/handler.js'), import('../../../functions/metrics/handler.js'),
    import('../../../functions/reconcile/handler.js'),
  ]);
  handlers = {
    signal: s.createSignalHandler(env.deps) as never, risk: r.createRiskHandler(env.deps) as never,
    execution: e.createExecutionHandler(env.deps) as never, metrics: m.createMetricsHandler(env.deps) as never,
    reconcile: c.createReconcileHandler(env.deps) as never,
  };
}, 60_000);
afterAll(async () => env?.stop());

function consumer(id: 'signals' | 'orders', handler: (e: SQSEvent, c: Context) => Promise<unknown>) {
  const q = env.provisioned.queues[id];
  return new SqsEventSource({
    sqs: env.sqs, queueUrl: q.url, queueArn: q.arn, batchSize: QUEUES[id].batchSize, region: env.emulators.region,
    functionName: id === 'signals' ? 'risk' : 'execution', handler: handler as never,
  });
}

describe('the deployed handlers on dynalite + fauxqs', () => {
  it('signal: a scheduler event produces an intent on signals.fifo grouped by symbol and deduplicated by intent id', async () => {
    const out = await handlers.signal(scheduled('signal'), lambdaContext('signal'));
    expect(out.intents).toBe(1);
    const [msg] = await env.receive(env.provisioned.queues.signals.url);
    const intent = JSON.parse(msg!.Body!) as Intent;
    expect(intent).toMatchObject({ symbol: 'BTC/USDT', side: 'buy', kind: 'entry', candleCloseTime: T });
    expect(msg!.Attributes).toMatchObject({ MessageGroupId: 'BTC/USDT', MessageDeduplicationId: intent.intentId });
  });

  it('signal: rejects a payload that is not a scheduler invocation', async () => {
    await expect(handlers.signal({ source: 'elsewhere', job: 'signal' }, lambdaContext('signal'))).rejects.toThrow(/malformed/);
  });

  it('risk: approves the intent, records the decision and sends the order; a malformed record fails alone', async () => {
    await env.sqs.send(new SendMessageCommand({
      QueueUrl: env.provisioned.queues.signals.url, MessageBody: '{"not":"an intent"}', MessageGroupId: 'ETH/USDT', MessageDeduplicationId: 'bad-1',
    }));
    const risk = consumer('signals', handlers.risk);
    await new Promise((r) => setTimeout(r, 1_100)); // the first test left its message in flight for the 1 s visibility timeout
    const first = await risk.pollOnce();
    const second = await risk.pollOnce();
    expect(first.received + second.received).toBe(2);
    expect(first.failed + second.failed).toBe(1);
    const decisions = await env.deps.state.listDecisions();
    expect(decisions).toHaveLength(1);
    expect(decisions[0]).toMatchObject({ approved: true, symbol: 'BTC/USDT', reasons: [] });
    expect(decisions[0]!.policyHash).toMatch(/^[0-9a-f]{64}$/);
    const [msg] = await env.receive(env.provisioned.queues.orders.url);
    const order = JSON.parse(msg!.Body!) as OrderRequest;
    expect(order.clientOrderId).toBe(decisions[0]!.order!.clientOrderId);
    expect(msg!.Attributes).toMatchObject({ MessageGroupId: 'BTC/USDT', MessageDeduplicationId: order.orderId });
  });

  it('execution: fills the order once, books it in the ledger, and a redelivered record changes nothing', async () => {
    await new Promise((r) => setTimeout(r, 1_100));
    const exec = consumer('orders', handlers.execution);
    const run = await exec.pollOnce();
    expect(run).toMatchObject({ received: 1, failed: 0 });
    const [order] = await env.deps.state.listOrders();
    expect(order).toMatchObject({ status: 'FILLED' });
    const fills = await env.deps.state.listFills();
    expect(fills).toHaveLength(1);
    // From the book, not the order: ask 40000 × (1 + 5 bps fixed + 0.1 × √(0.005 BTC / 10 BTC candle volume))
    // = 40000 × 1.0027360680 = 40109.4427 → rounded against us to the 0.01 tick.
    expect(fills[0]!.price).toBe('40109.45');
    const before = await env.deps.state.getLedger();
    await env.sqs.send(new SendMessageCommand({
      QueueUrl: env.provisioned.queues.orders.url, MessageBody: JSON.stringify(order), MessageGroupId: 'BTC/USDT', MessageDeduplicationId: 'redelivery',
    }));
    expect(await exec.pollOnce()).toMatchObject({ received: 1, failed: 0 });
    expect(await env.deps.state.listFills()).toHaveLength(1);
    expect((await env.deps.state.getLedger())!.version).toBe(before!.version);
  });

  it('metrics: reports equity and exposure, and trips the kill switch with an SNS alert when drawdown exceeds the limit', async () => {
    const ok = await handlers.metrics(scheduled('metrics'), lambdaContext('metrics'));
    expect(ok).toMatchObject({ openPositions: 1, killSwitch: 'ARMED', tripped: false });
    await env.deps.market.putTopOfBook({ symbol: 'BTC/USDT', bid: '1000', ask: '1000', time: env.clock.now() });
    const crashed = await handlers.metrics(scheduled('metrics'), lambdaContext('metrics'));
    expect(crashed).toMatchObject({ killSwitch: 'TRIPPED', tripped: true });
    const alerts = await env.receive(env.provisioned.alertInboxUrl);
    expect(alerts.map((a: { Body?: string }) => JSON.parse(a.Body!).kind)).toContain('KILL_SWITCH_TRIPPED');
  });

  it('reconcile: the paper venue and the ledger agree', async () => {
    const report = await handlers.reconcile(scheduled('reconcile'), lambdaContext('reconcile'));
    expect(report.drift).toEqual({});
    expect(report.unknownOpenOrders).toEqual([]);
  });
});
