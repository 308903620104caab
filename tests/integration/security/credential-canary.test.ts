/**
 * Canary: a known API key and secret go through the real credential path (Secrets Manager JSON parsed by
 * exchange-credentials.ts) into the ccxt venue on the fake Binance, and the pipeline's handlers run on
 * dynalite + fauxqs while the exchange times out, resets, loses responses and answers with errors that echo
 * the signed request and the API key. Every log line (stdout/stderr), every alert (through SNS to the inbox
 * queue), every stored item (a scan of every table) and every thrown error (util.inspect: message, stack,
 * cause chain) is captured; none may contain the key, the secret or a request signature.
 */
import { inspect } from 'node:util';
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Context, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoDocumentClient } from '../../../shared/adapters/aws-clients.js';
import { CcxtExchange, createCcxtClient } from '../../../shared/adapters/ccxt-exchange.js';
import { clearExchangeCredentialsCache, loadExchangeCredentials } from '../../../shared/adapters/exchange-credentials.js';
import { lambdaContext } from '../../../shared/local/lambda-context.js';
import { SqsEventSource } from '../../../shared/local/sqs-event-source.js';
import type { Exchange } from '../../../shared/ports.js';
import { ENV, QUEUES, type ScheduledInvocation } from '../../../shared/resources.js';
import type { Deps } from '../../../shared/runtime/deps.js';
import { logger } from '../../../shared/runtime/observability.js';
import { tripKillSwitchNow } from '../../../shared/services/trip-kill-switch.js';
import { FakeBinance, fault, type FakeRequest, type Fault } from '../../support/fake-binance.js';
import { seedMarket, startPipelineEnv, trendingCandles, type PipelineEnv } from '../../support/pipeline-env.js';
import { startFakeSecretsManager, type FakeSecretsManager } from './fake-secrets-manager.js';

const T = Date.UTC(2021, 4, 19, 12, 0, 0);
const API_KEY = 'CANARYKEY7f3a9c21d4e8b6057a1c9e3f';
const SECRET = 'CANARYSECRETb5d04e7a2c9f183e6d0b4a7c';
const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:stratus/exchange-canary';
const TIMEOUT_MS = 300;
const ORDER = 'POST /api/v3/order';
const QUERY = 'GET /api/v3/order';
const CANCEL = 'DELETE /api/v3/order';
const ACCOUNT = 'GET /api/v3/account';
const OPEN_ORDERS = 'GET /api/v3/openOrders';

/** A hostile error answer in Binance's wire format, echoing the signed request, the API key header and the HMAC key back. */
function echoing(code: number, msg: string, status = 400): (r: FakeRequest) => Fault {
  return (r) => fault.reject(code, `${msg} request=${new URLSearchParams(r.params).toString()} `
    + `headers=${JSON.stringify({ 'X-MBX-APIKEY': r.headers['x-mbx-apikey'] })} apiKey: ${String(r.headers['x-mbx-apikey'])} (HMAC key ${SECRET})`, status);
}

/** A hook that injects `f` on the first `times` calls matching `when`, then lets calls through. */
function firstCalls(when: (r: FakeRequest) => boolean, f: (r: FakeRequest) => Fault, times = 1) {
  let left = times;
  return (r: FakeRequest): Fault | undefined => (when(r) && left-- > 0 ? f(r) : undefined);
}

const symbolIs = (s: string) => (r: FakeRequest) => r.params.symbol === s;

let env: PipelineEnv;
let fake: FakeBinance;
let sm: FakeSecretsManager;
let venue: Exchange;
let deps: Deps;
const output: string[] = [];
const thrown: string[] = [];
let restore: () => void = () => undefined;

/** Captures everything the process writes (Powertools writes each log line to process.stdout/stderr). */
function captureOutput(): () => void {
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  const keep = (chunk: unknown) => { output.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8')); return true; };
  process.stdout.write = keep as typeof process.stdout.write;
  process.stderr.write = keep as typeof process.stderr.write;
  return () => { process.stdout.write = out; process.stderr.write = err; };
}

async function settle<T>(p: Promise<T>): Promise<T | undefined> {
  try {
    return await p;
  } catch (error) {
    thrown.push(inspect(error, { depth: 12 }));
    logger.warn('call failed', { error: error as Error });
    return undefined;
  }
}

function consumer(id: 'signals' | 'orders', handler: (e: SQSEvent, c: Context) => Promise<unknown>) {
  const q = env.provisioned.queues[id];
  return new SqsEventSource({
    sqs: env.sqs, queueUrl: q.url, queueArn: q.arn, batchSize: QUEUES[id].batchSize, region: env.emulators.region,
    functionName: id === 'signals' ? 'risk' : 'execution', handler: handler as never,
  });
}

async function pollUntilIdle(source: SqsEventSource, polls: number): Promise<void> {
  for (let i = 0; i < polls; i++) {
    const r = await source.pollOnce();
    if (r.error !== undefined) thrown.push(inspect(r.error, { depth: 12 }));
    if (r.received === 0 && (await source.pending()) === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 1_100));
  }
}

/** Every message on a queue (received, so left in flight), as raw bodies. */
async function drainBodies(queueUrl: string): Promise<string[]> {
  const bodies: string[] = [];
  for (;;) {
    const r = await env.sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, MessageAttributeNames: ['All'] }));
    if (!r.Messages?.length) return bodies;
    bodies.push(...r.Messages.map((m) => JSON.stringify(m)));
  }
}

async function scanAll(): Promise<string[]> {
  const client = dynamoDocumentClient({ endpoint: env.emulators.dynamoEndpoint, region: env.emulators.region, credentials: env.emulators.credentials });
  const items: string[] = [];
  for (const table of Object.values(env.provisioned.tables)) {
    let start: Record<string, unknown> | undefined;
    do {
      const page = await client.send(new ScanCommand({ TableName: table, ExclusiveStartKey: start }));
      items.push(...(page.Items ?? []).map((i) => JSON.stringify(i)));
      start = page.LastEvaluatedKey;
    } while (start);
  }
  client.destroy();
  return items;
}

beforeAll(async () => {
  clearExchangeCredentialsCache();
  sm = await startFakeSecretsManager({ [SECRET_ARN]: JSON.stringify({ apiKey: API_KEY, secret: SECRET }) });
  process.env[ENV.exchangeSecretArn] = SECRET_ARN;
  process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER = sm.endpoint;
  env = await startPipelineEnv(`canary${process.pid}`, T + 5_000);
  logger.setLogLevel('DEBUG');
  fake = await FakeBinance.start({ apiKey: API_KEY, secret: SECRET, balances: { USDT: '10000', BTC: '0', ETH: '0' } });
  const secrets = new SecretsManagerClient({ endpoint: sm.endpoint, region: env.emulators.region, credentials: env.emulators.credentials });
  let live: Promise<CcxtExchange> | undefined;
  const get = () => (live ??= loadExchangeCredentials(SECRET_ARN, secrets).then((c) => new CcxtExchange(
    createCcxtClient('binance', c, { restOrigin: fake.origin, rateLimit: false, timeoutMs: TIMEOUT_MS }),
    { retry: { maxRetries: 0, retryBaseDelayMs: 1, retryMaxDelayMs: 1 }, sleep: async () => undefined },
  )));
  // As deps.ts builds the LIVE venue: API keys read from the secret on first use, pointed at the fake.
  venue = {
    id: 'binance',
    loadMarket: async (symbol) => (await get()).loadMarket(symbol),
    placeOrder: async (request) => (await get()).placeOrder(request),
    fetchOrderByClientId: async (symbol, id) => (await get()).fetchOrderByClientId(symbol, id),
    fetchOpenOrders: async (symbol) => (await get()).fetchOpenOrders(symbol),
    cancelOrder: async (symbol, id) => (await get()).cancelOrder(symbol, id),
    fetchBalances: async () => (await get()).fetchBalances(),
  };
  deps = { ...env.deps, exchangeFor: () => venue };
  await deps.policies.write({
    mode: 'LIVE', liveTradingConfirmed: true, symbols: ['BTC/USDT', 'ETH/USDT'], lossLimits: { maxDrawdownPct: 1 },
    execution: { orderType: 'limit', limitOffsetBps: 10 }, pacing: { minSecondsBetweenTrades: 0, perSymbolCooldownSeconds: 0 },
  }, { by: 'test', at: T });
  await seedMarket(env, trendingCandles('BTC/USDT', T, 40, 40_000), '40000');
  await seedMarket(env, trendingCandles('ETH/USDT', T, 40, 2_900), '2900');
}, 60_000);

afterAll(async () => {
  restore();
  await env?.stop();
  await fake?.stop();
  await sm?.stop();
  delete process.env[ENV.exchangeSecretArn];
  delete process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER;
});

describe('credential canary', () => {
  it('leaks no API key, secret or request signature into any log line, alert, stored record or thrown error, whatever the exchange answers', async () => {
    const [s, r, e, m, c] = await Promise.all([
      import('../../../functions/signal/handler.js'), import('../../../functions/risk/handler.js'),
      import('../../../functions/execution/handler.js'), import('../../../functions/metrics/handler.js'),
      import('../../../functions/reconcile/handler.js'),
    ]);
    const scheduled = (job: ScheduledInvocation['job']): ScheduledInvocation => ({ source: 'stratus.scheduler', job, scheduledTime: new Date(T).toISOString() });
    restore = captureOutput();

    // BTC: the first placement is executed but its response is lost; a redelivery finds it by client order id.
    const btcPlacement = firstCalls(symbolIs('BTCUSDT'), () => fault.responseLost());
    // ETH: every placement is refused with an echo of the signed form body and the key header (stored as rejectReason, alerted).
    fake.faults[ORDER] = (req) => (symbolIs('ETHUSDT')(req) ? echoing(-1022, 'Signature for this request is not valid.')(req) : btcPlacement(req));
    fake.faults[CANCEL] = firstCalls(() => true, echoing(-2011, 'Unknown order sent.'), 3);
    fake.faults[ACCOUNT] = firstCalls(() => true, echoing(-2015, 'Invalid API-key, IP, or permissions for action.', 401));
    fake.faults[OPEN_ORDERS] = firstCalls(() => true, () => fault.reset());

    await settle(s.createSignalHandler(deps)(scheduled('signal') as never, lambdaContext('signal')));
    await pollUntilIdle(consumer('signals', r.createRiskHandler(deps) as never), 3);
    await pollUntilIdle(consumer('orders', e.createExecutionHandler(deps) as never), 6);
    await settle(m.createMetricsHandler(deps)(scheduled('metrics') as never, lambdaContext('metrics')));
    await settle(tripKillSwitchNow(deps, { reason: 'canary', by: 'test' }));
    await pollUntilIdle(consumer('orders', e.createExecutionHandler(deps) as never), 3);
    await settle(c.createReconcileHandler(deps)(scheduled('reconcile') as never, lambdaContext('reconcile')));
    await settle(c.createReconcileHandler(deps)(scheduled('reconcile') as never, lambdaContext('reconcile')));
    // Direct calls: a reset and a timeout on a signed lookup, an echoing refusal of a signed read.
    fake.script(QUERY, fault.reset(), fault.slow(TIMEOUT_MS * 3, 'after'));
    await settle(venue.fetchOrderByClientId('BTC/USDT', 'stx-canary-1'));
    await settle(venue.fetchOrderByClientId('BTC/USDT', 'stx-canary-2'));
    fake.faults[ACCOUNT] = firstCalls(() => true, echoing(-2015, 'Invalid API-key, IP, or permissions for action.', 401));
    await settle(venue.fetchBalances());
    logger.error('exchange call failed', { error: new Error(`GET ${fake.origin}/api/v3/account?timestamp=1&signature=${'ab'.repeat(32)}`) });
    restore();

    const alerts = await drainBodies(env.provisioned.alertInboxUrl);
    const records = await scanAll();
    const signatures = [...new Set(fake.requests.map((q) => q.params.signature).filter((x): x is string => !!x)), 'ab'.repeat(32)];
    const injected = fake.injected.map((i) => i.route);

    // The canary reached every surface: the secret was read, signed requests were refused, timed out and reset.
    expect(sm.reads).toContain(SECRET_ARN);
    expect(signatures.length).toBeGreaterThan(3);
    expect(injected).toEqual(expect.arrayContaining([ORDER, QUERY, ACCOUNT]));
    expect(output.join('').length).toBeGreaterThan(0);
    expect(alerts.length).toBeGreaterThan(0);
    expect(thrown.length).toBeGreaterThan(2);
    expect(records.some((x) => x.includes('REJECTED'))).toBe(true);

    const surfaces = { logs: output.join(''), alerts: alerts.join('\n'), records: records.join('\n'), errors: thrown.join('\n') };
    const leaks = Object.entries(surfaces).flatMap(([where, text]) => [
      ...(text.includes(API_KEY) ? [`${where}: api key`] : []),
      ...(text.includes(SECRET) ? [`${where}: secret`] : []),
      ...signatures.filter((sig) => text.includes(sig)).map((sig) => `${where}: signature ${sig.slice(0, 8)}…`),
      ...(/signature=(?!\[REDACTED\])|timestamp=\d/.test(text) ? [`${where}: signed query string`] : []),
    ]);
    expect(leaks).toEqual([]);
    expect(Object.values(surfaces).join('\n')).toContain('[REDACTED]');
  }, 90_000);
});
