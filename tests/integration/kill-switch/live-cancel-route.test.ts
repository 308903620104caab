/**
 * Cancel-on-trip in LIVE, on dynalite + fauxqs + the fake Binance: the functions that trip the kill switch
 * (metrics, risk) cannot read the exchange secret (tests/infra: least privilege), so they hand each open
 * entry's cancel to execution on orders.fifo; execution, which holds the keys, cancels it on the exchange.
 * The trippers' venue here is ccxt on the fake without keys, as those functions are on AWS.
 */
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import type { Context, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CcxtExchange, createCcxtClient } from '../../../shared/adapters/ccxt-exchange.js';
import { DynamoPolicyStore } from '../../../shared/adapters/dynamo-policy-store.js';
import { intentIdFor, type Intent } from '../../../shared/domain/intent.js';
import { reserve } from '../../../shared/domain/ledger.js';
import { dec } from '../../../shared/domain/money.js';
import { clientOrderIdFor, orderIdFor, type OrderRequest } from '../../../shared/domain/order.js';
import { dynamoDocumentClient } from '../../../shared/adapters/aws-clients.js';
import { lambdaContext } from '../../../shared/local/lambda-context.js';
import { SqsEventSource } from '../../../shared/local/sqs-event-source.js';
import type { Exchange, PolicyStore } from '../../../shared/ports.js';
import { QUEUES } from '../../../shared/resources.js';
import type { Deps } from '../../../shared/runtime/deps.js';
import { loadLedger } from '../../../shared/services/portfolio.js';
import { recordApprovedDecision } from '../../support/approved-decision.js';
import { FakeBinance } from '../../support/fake-binance.js';
import { seedMarket, startPipelineEnv, trendingCandles, type PipelineEnv } from '../../support/pipeline-env.js';

const BTC = 'BTC/USDT';
const T = Date.UTC(2024, 5, 3, 12, 0, 0);
const KEYS = { apiKey: 'live-key', secret: 'live-secret' };
type BatchHandler = (e: SQSEvent, c: Context) => Promise<{ batchItemFailures: { itemIdentifier: string }[] }>;

let env: PipelineEnv;
let fake: FakeBinance;
let policies: PolicyStore;
let run = 0;

/** ccxt on the fake; without keys, as a function that cannot read the exchange secret has it. */
function venue(keys?: typeof KEYS): Exchange {
  return new CcxtExchange(createCcxtClient('binance', keys, { restOrigin: fake.origin, rateLimit: false }), {
    retry: { maxRetries: 1, retryBaseDelayMs: 1, retryMaxDelayMs: 2 },
  });
}

/** The deployed Deps with a LIVE policy and the given venue: the keyed one for execution, the keyless one for the trippers. */
function depsWith(exchange: Exchange): Deps {
  return { ...env.deps, policies, exchangeFor: () => exchange };
}

function executionConsumer(handler: BatchHandler) {
  const q = env.provisioned.queues.orders;
  return new SqsEventSource({
    sqs: env.sqs, queueUrl: q.url, queueArn: q.arn, batchSize: QUEUES.orders.batchSize, region: env.emulators.region,
    functionName: 'execution', handler: handler as never,
  });
}

/** A LIVE buy limit resting below the market, approved as the risk function leaves it (decision + reservation), sent on orders.fifo. */
async function restingEntry(): Promise<OrderRequest> {
  const intentId = intentIdFor('momentum', BTC, 'buy', T + ++run * 60_000);
  const orderId = orderIdFor(intentId);
  const request: OrderRequest = {
    orderId, clientOrderId: clientOrderIdFor(orderId), intentId, strategy: 'momentum', symbol: BTC, side: 'buy', kind: 'entry',
    type: 'limit', limitPrice: '30000', quantity: '0.002', referencePrice: '30000', reservedNotional: '60.06', mode: 'LIVE',
    policyHash: (await policies.load()).hash, createdAt: env.clock.now(),
  };
  const ledger = await loadLedger(env.deps.state, (await policies.load()).policy, env.clock.now());
  await env.deps.state.putLedger(reserve(ledger.value, {
    orderId, symbol: BTC, side: 'buy', notional: dec('60.06'), createdAt: env.clock.now(), strategy: 'momentum', kind: 'entry',
  }), ledger.version);
  await recordApprovedDecision(env.deps.state, request, env.clock.now());
  await env.sqs.send(new SendMessageCommand({
    QueueUrl: env.provisioned.queues.orders.url, MessageBody: JSON.stringify(request), MessageGroupId: BTC, MessageDeduplicationId: orderId,
  }));
  return request;
}

/** Five exchange errors just now: the ERROR_BURST trigger is due. */
async function errorBurst(): Promise<void> {
  const now = env.clock.now();
  const stored = await env.deps.state.getExchangeHealth();
  await env.deps.state.putExchangeHealth({ consecutiveFailures: 0, recentErrors: [1, 2, 3, 4, 5].map((i) => now - i * 1000), updatedAt: now }, stored?.version ?? 0);
}

let handlers: { execution: BatchHandler; risk: BatchHandler; metrics: (e: unknown, c: Context) => Promise<{ tripped: boolean }> };

beforeAll(async () => {
  env = await startPipelineEnv(`ks${process.pid}`, T);
  fake = await FakeBinance.start({ ...KEYS, balances: { USDT: '10000', BTC: '0', ETH: '0' }, now: () => env.clock.now() });
  const client = dynamoDocumentClient({ endpoint: env.emulators.dynamoEndpoint, region: env.emulators.region, credentials: env.emulators.credentials });
  policies = new DynamoPolicyStore({ tableName: env.provisioned.tables.policy, client, clock: env.clock, validation: { exchangeKeysConfigured: true } });
  await policies.write({ mode: 'LIVE', liveTradingConfirmed: true, symbols: [BTC] }, { by: 'test', at: T });
  const [e, r, m] = await Promise.all([
    import('../../../functions/execution/handler.js'), import('../../../functions/risk/handler.js'), import('../../../functions/metrics/handler.js'),
  ]);
  const keyless = depsWith(venue());
  handlers = {
    execution: e.createExecutionHandler(depsWith(venue(KEYS))) as never, risk: r.createRiskHandler(keyless) as never,
    metrics: m.createMetricsHandler(keyless) as never,
  };
}, 60_000);
afterAll(async () => {
  await fake?.stop();
  await env?.stop();
});

beforeEach(async () => {
  const ks = await env.deps.state.getKillSwitch();
  if (ks && ks.value.status !== 'ARMED') {
    await env.deps.state.putKillSwitch({ ...ks.value, status: 'ARMED', cooldownUntil: undefined }, ks.version);
  }
});

describe('LIVE cancel-on-trip goes through execution', () => {
  it('a trip by the metrics function cancels a resting LIVE entry on the exchange', async () => {
    const exec = executionConsumer(handlers.execution);
    const entry = await restingEntry();
    expect(await exec.pollOnce()).toMatchObject({ received: 1, failed: 0 });
    expect((await env.deps.state.getOrder(entry.orderId))?.value.status).toBe('OPEN');
    expect(fake.ordersByClientId(entry.clientOrderId).map((o) => o.status)).toEqual(['NEW']);

    await errorBurst();
    const snap = await handlers.metrics({ source: 'stratus.scheduler', job: 'metrics', scheduledTime: new Date(T).toISOString() }, lambdaContext('metrics'));
    expect(snap.tripped).toBe(true);
    expect(fake.ordersByClientId(entry.clientOrderId).map((o) => o.status)).toEqual(['NEW']); // metrics holds no keys: it only asked

    expect(await exec.pollOnce()).toMatchObject({ received: 1, failed: 0 });
    expect(fake.ordersByClientId(entry.clientOrderId).map((o) => o.status)).toEqual(['CANCELED']);
    expect((await env.deps.state.getOrder(entry.orderId))?.value.status).toBe('CANCELED');
    expect((await env.deps.state.getLedger())?.value.reservations[entry.orderId]).toBeUndefined();
  });

  it('a trip by the risk function at decision time cancels a resting LIVE entry on the exchange and refuses the new entry', async () => {
    await seedMarket(env, trendingCandles(BTC, T, 40, 40_000), '40000');
    const exec = executionConsumer(handlers.execution);
    const entry = await restingEntry();
    expect(await exec.pollOnce()).toMatchObject({ received: 1, failed: 0 });
    expect((await env.deps.state.getOrder(entry.orderId))?.value.status).toBe('OPEN');

    await errorBurst();
    const close = T + 600_000;
    const intent: Intent = {
      intentId: intentIdFor('momentum', BTC, 'buy', close), strategy: 'momentum', symbol: BTC, side: 'buy', kind: 'entry', candleCloseTime: close,
      referencePrice: '40000', score: 1, reason: 'test', createdAt: close, policyHash: 'p', policyVersion: 1,
    };
    const out = await handlers.risk({ Records: [sqsRecord(intent)] } as SQSEvent, lambdaContext('risk'));
    expect(out.batchItemFailures).toEqual([]);
    expect((await env.deps.state.getDecision(intent.intentId))?.reasons.map((r) => r.code)).toContain('KILL_SWITCH_NOT_ARMED');

    expect(await exec.pollOnce()).toMatchObject({ received: 1, failed: 0 });
    expect(fake.ordersByClientId(entry.clientOrderId).map((o) => o.status)).toEqual(['CANCELED']);
    expect((await env.deps.state.getOrder(entry.orderId))?.value.status).toBe('CANCELED');
  });
});

function sqsRecord(body: unknown) {
  return {
    messageId: `m-${++run}`, receiptHandle: 'r', body: JSON.stringify(body), md5OfBody: '', eventSource: 'aws:sqs', awsRegion: 'us-east-1',
    eventSourceARN: env.provisioned.queues.signals.arn, attributes: { MessageGroupId: BTC, MessageDeduplicationId: `d-${run}` } as never, messageAttributes: {},
  };
}
