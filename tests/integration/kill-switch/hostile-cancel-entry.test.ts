/**
 * cancel-entry instructions nobody's trip sent, through the deployed execution handler on dynalite + fauxqs: an
 * instruction for a trip that never happened, or an old trip's for an entry decided after the re-arm, changes nothing.
 */
import type { Context, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { intentIdFor } from '../../../shared/domain/intent.js';
import { resetKillSwitch, tripKillSwitch, type KillSwitchState } from '../../../shared/domain/kill-switch.js';
import { clientOrderIdFor, newOrderRecord, orderIdFor, type OrderRequest } from '../../../shared/domain/order.js';
import { lambdaContext } from '../../../shared/local/lambda-context.js';
import { recordApprovedDecision } from '../../support/approved-decision.js';
import { seedMarket, startPipelineEnv, trendingCandles, type PipelineEnv } from '../../support/pipeline-env.js';

const BTC = 'BTC/USDT';
const T = Date.UTC(2021, 4, 19, 12, 0, 0);
type BatchHandler = (e: SQSEvent, c: Context) => Promise<{ batchItemFailures: { itemIdentifier: string }[] }>;

let env: PipelineEnv;
let execution: BatchHandler;
let n = 0;

beforeAll(async () => {
  env = await startPipelineEnv(`hce${process.pid}`, T + 5_000);
  await env.deps.policies.write({ symbols: [BTC] }, { by: 'test', at: T });
  await seedMarket(env, trendingCandles(BTC, T, 40, 40_000), '40000');
  execution = (await import('../../../functions/execution/handler.js')).createExecutionHandler(env.deps) as never;
}, 60_000);
afterAll(async () => env?.stop());

function event(body: unknown): SQSEvent {
  const id = `m-${++n}`;
  return {
    Records: [{
      messageId: id, receiptHandle: id, body: JSON.stringify(body), md5OfBody: '', eventSource: 'aws:sqs', awsRegion: env.emulators.region,
      eventSourceARN: env.provisioned.queues.orders.arn, attributes: { MessageGroupId: BTC, MessageDeduplicationId: id } as never, messageAttributes: {},
    }],
  };
}

/** An approved entry whose record is NEW (its delivery died after creating it). */
async function storedEntry(): Promise<OrderRequest> {
  const intentId = intentIdFor('momentum', BTC, 'buy', T + ++n * 60_000);
  const orderId = orderIdFor(intentId);
  const request: OrderRequest = {
    orderId, clientOrderId: clientOrderIdFor(orderId), intentId, strategy: 'momentum', symbol: BTC, side: 'buy', kind: 'entry', type: 'market',
    quantity: '0.001', referencePrice: '40000', reservedNotional: '40.04', mode: 'PAPER', policyHash: 'h', createdAt: env.clock.now(),
  };
  await recordApprovedDecision(env.deps.state, request, env.clock.now());
  await env.deps.state.createOrder(newOrderRecord(request, env.clock.now()));
  return request;
}

async function editSwitch(change: (s: KillSwitchState | undefined) => KillSwitchState): Promise<void> {
  const ks = await env.deps.state.getKillSwitch();
  await env.deps.state.putKillSwitch(change(ks?.value), ks?.version ?? 0);
}

const cancelOf = (o: OrderRequest, tripCount: number) =>
  ({ instruction: 'cancel-entry', orderId: o.orderId, clientOrderId: o.clientOrderId, symbol: o.symbol, tripCount, requestedAt: env.clock.now() });

describe('cancel-entry instructions for trips that do not cover the entry', () => {
  it('acks and ignores a cancel naming trip 0 on a switch that never tripped: the entry stays NEW', async () => {
    const entry = await storedEntry();
    expect((await execution(event(cancelOf(entry, 0)), lambdaContext('execution'))).batchItemFailures).toEqual([]);
    expect((await env.deps.state.getOrder(entry.orderId))?.value.status).toBe('NEW');
  });

  it('acks and ignores an old trip\'s cancel for an entry decided after the operator re-armed the switch', async () => {
    await editSwitch((s) => tripKillSwitch(s, { reason: 'test', by: 'operator', at: env.clock.now() }));
    await editSwitch((s) => resetKillSwitch(s, { reason: 'fixed', by: 'operator', at: env.clock.now(), cooldownSeconds: 0 }));
    env.clock.advance(60_000);
    const entry = await storedEntry();
    expect((await execution(event(cancelOf(entry, 1)), lambdaContext('execution'))).batchItemFailures).toEqual([]);
    expect((await env.deps.state.getOrder(entry.orderId))?.value.status).toBe('NEW');
  });
});
