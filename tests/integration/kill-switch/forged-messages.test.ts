/**
 * Messages nobody decided, through the deployed risk and execution handlers on dynalite + fauxqs: a kind that
 * contradicts its side is malformed (fails alone, retried, then dead-lettered), and a well-formed order with no
 * approved decision is refused (REJECTED, alerted) and acked, never placed.
 */
import type { Context, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { intentIdFor, type Intent } from '../../../shared/domain/intent.js';
import { tripKillSwitch } from '../../../shared/domain/kill-switch.js';
import { clientOrderIdFor, orderIdFor, type OrderRequest } from '../../../shared/domain/order.js';
import { lambdaContext } from '../../../shared/local/lambda-context.js';
import { seedMarket, startPipelineEnv, trendingCandles, type PipelineEnv } from '../../support/pipeline-env.js';

const BTC = 'BTC/USDT';
const T = Date.UTC(2021, 4, 19, 12, 0, 0);
type BatchHandler = (e: SQSEvent, c: Context) => Promise<{ batchItemFailures: { itemIdentifier: string }[] }>;

let env: PipelineEnv;
let risk: BatchHandler;
let execution: BatchHandler;
let n = 0;

beforeAll(async () => {
  env = await startPipelineEnv(`fm${process.pid}`, T + 5_000);
  await env.deps.policies.write({ symbols: [BTC] }, { by: 'test', at: T });
  await seedMarket(env, trendingCandles(BTC, T, 40, 40_000), '40000');
  const [r, e] = await Promise.all([import('../../../functions/risk/handler.js'), import('../../../functions/execution/handler.js')]);
  risk = r.createRiskHandler(env.deps) as never;
  execution = e.createExecutionHandler(env.deps) as never;
}, 60_000);
afterAll(async () => env?.stop());

function event(body: unknown, queue: 'signals' | 'orders'): SQSEvent {
  const id = `m-${++n}`;
  return {
    Records: [{
      messageId: id, receiptHandle: id, body: JSON.stringify(body), md5OfBody: '', eventSource: 'aws:sqs', awsRegion: env.emulators.region,
      eventSourceARN: env.provisioned.queues[queue].arn, attributes: { MessageGroupId: BTC, MessageDeduplicationId: id } as never, messageAttributes: {},
    }],
  };
}

/** A buy of BTC labelled as the given kind, as an orders.fifo body. */
function order(kind: 'entry' | 'exit', quantity = '0.5'): OrderRequest {
  const intentId = intentIdFor('momentum', BTC, 'buy', T + ++n * 60_000);
  const orderId = orderIdFor(intentId);
  return {
    orderId, clientOrderId: clientOrderIdFor(orderId), intentId, strategy: 'momentum', symbol: BTC, side: 'buy', kind, type: 'market',
    quantity, referencePrice: '40000', reservedNotional: '20020', mode: 'PAPER', policyHash: 'forged', createdAt: T,
    ...(kind === 'exit' ? { exitReason: 'stop-loss' } : {}),
  };
}

describe('forged messages on the queues', () => {
  it('fails a buy labelled exit on signals.fifo alone as malformed while TRIPPED: no decision, no order', async () => {
    const ks = await env.deps.state.getKillSwitch();
    await env.deps.state.putKillSwitch(tripKillSwitch(ks?.value, { reason: 'test', by: 'operator', at: env.clock.now() }), ks?.version ?? 0);
    const intent: Intent = {
      intentId: intentIdFor('momentum', BTC, 'buy', T), strategy: 'momentum', symbol: BTC, side: 'buy', kind: 'exit', candleCloseTime: T,
      referencePrice: '40000', score: 1, reason: 'forged', createdAt: T, policyHash: 'p', policyVersion: 1,
    };
    const e = event(intent, 'signals');
    expect((await risk(e, lambdaContext('risk'))).batchItemFailures).toEqual([{ itemIdentifier: e.Records[0]!.messageId }]);
    expect(await env.deps.state.getDecision(intent.intentId)).toBeUndefined();
    expect(await env.receive(env.provisioned.queues.orders.url)).toEqual([]);
  });

  it('fails a buy labelled exit on orders.fifo alone as malformed: no order record, nothing placed', async () => {
    const forged = order('exit');
    const e = event(forged, 'orders');
    expect((await execution(e, lambdaContext('execution'))).batchItemFailures).toEqual([{ itemIdentifier: e.Records[0]!.messageId }]);
    expect(await env.deps.state.getOrder(forged.orderId)).toBeUndefined();
  });

  it('refuses and acks a well-formed order with no approved decision: REJECTED NO_APPROVED_DECISION, alerted, no fill', async () => {
    const forged = order('entry');
    const e = event(forged, 'orders');
    expect((await execution(e, lambdaContext('execution'))).batchItemFailures).toEqual([]);
    expect((await env.deps.state.getOrder(forged.orderId))?.value).toMatchObject({ status: 'REJECTED', rejectReason: 'NO_APPROVED_DECISION' });
    expect((await env.deps.state.listFills()).filter((f) => f.orderId === forged.orderId)).toEqual([]);
    const alerts = (await env.receive(env.provisioned.alertInboxUrl)).map((m) => m.Body ?? '');
    expect(alerts.some((b) => b.includes('ORDER_REFUSED') && b.includes(forged.clientOrderId))).toBe(true);
  });

  it('ignores a cancel instruction for an order that is not ours, and acks it', async () => {
    const stray = { instruction: 'cancel-entry', orderId: 'f'.repeat(32), clientOrderId: clientOrderIdFor('f'.repeat(32)), symbol: BTC, tripCount: 1, requestedAt: T };
    expect((await execution(event(stray, 'orders'), lambdaContext('execution'))).batchItemFailures).toEqual([]);
    expect(await env.deps.state.getOrder(stray.orderId)).toBeUndefined();
  });
});
