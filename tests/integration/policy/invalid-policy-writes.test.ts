/**
 * The operator's raw way to change the policy — `aws dynamodb put-item` of the ACTIVE item — with a
 * series of invalid documents, on dynalite + fauxqs with the real handlers' dependencies. None may take
 * effect: the last valid policy stays in force (same hash), each version gets one rejection record and
 * exactly one POLICY_REJECTED alert through SNS → SQS, and the signal cycle keeps trading under it.
 */
import { DynamoDBClient, PutItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { DeleteMessageCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoPolicyStore } from '../../../shared/adapters/dynamo-policy-store.js';
import { dynamoDocumentClient } from '../../../shared/adapters/aws-clients.js';
import type { Intent } from '../../../shared/domain/intent.js';
import { lambdaContext } from '../../../shared/local/lambda-context.js';
import type { Alert } from '../../../shared/ports.js';
import type { ScheduledInvocation } from '../../../shared/resources.js';
import { alertPolicyRejection } from '../../../shared/services/policy-alerts.js';
import { seedMarket, startPipelineEnv, trendingCandles, type PipelineEnv } from '../../support/pipeline-env.js';

const T = Date.UTC(2021, 4, 19, 12, 0, 0);
const MIN = 60_000;
const VALID = { symbols: ['BTC/USDT'], risk: { stakePct: 1 } };

/** Invalid ACTIVE documents as DynamoDB JSON (what `aws dynamodb put-item --item` takes), with a problem each must report. */
const INVALID: [string, AttributeValue | undefined, string, string][] = [
  ['wrong types', { S: '{"symbols":["BTC/USDT"],"risk":{"stakePct":"2"}}' }, 'risk.stakePct', 'SCHEMA'],
  ['wrong types in a map (M)', { M: { symbols: { L: [{ S: 'BTC/USDT' }] }, risk: { M: { maxOpenPositions: { S: 'five' } } } } }, 'risk.maxOpenPositions', 'SCHEMA'],
  ['an unknown key (a typo)', { S: '{"symbols":["BTC/USDT"],"risk":{"stakPct":1}}' }, 'risk.stakPct', 'UNKNOWN_KEY'],
  ['a contradiction', { S: '{"symbols":["BTC/USDT"],"lossLimits":{"dailyStopPct":-8,"weeklyStopPct":-7}}' }, 'lossLimits.dailyStopPct', 'DAILY_LOOSER_THAN_WEEKLY'],
  ['an unsafe value', { S: '{"symbols":["BTC/USDT"],"marketQuality":{"maxSpreadBps":5000}}' }, 'marketQuality.maxSpreadBps', 'SPREAD_TOLERANCE_ABSURD'],
  ['a garbage string', { S: 'stake everything on BTC' }, '(root)', 'UNREADABLE_DOCUMENT'],
  ['truncated JSON', { S: '{"mode":"PAPER","risk":{"stakePct":' }, '(root)', 'UNREADABLE_DOCUMENT'],
  ['a truncated item (no document)', undefined, '(root)', 'UNREADABLE_DOCUMENT'],
  ['a LIVE policy without confirmation', { S: '{"mode":"LIVE","symbols":["BTC/USDT"]}' }, 'liveTradingConfirmed', 'LIVE_NOT_CONFIRMED'],
  ['a confirmed LIVE policy on a deployment without exchange keys', { S: '{"mode":"LIVE","liveTradingConfirmed":true,"symbols":["BTC/USDT"]}' }, 'mode', 'LIVE_WITHOUT_KEYS'],
];

let env: PipelineEnv;
let ddb: DynamoDBClient;
let signal: (event: ScheduledInvocation, context: Context) => Promise<{ intents: number; evaluated: number }>;
/** Another function's loader (a separate container): shares the table, not the cache. */
let otherLoader: DynamoPolicyStore;
let validHash: string;
const alerts: Alert[] = [];

beforeAll(async () => {
  env = await startPipelineEnv(`ipw${process.pid}`, T + 5_000);
  const e = env.emulators;
  ddb = new DynamoDBClient({ region: e.region, credentials: e.credentials, endpoint: e.dynamoEndpoint });
  otherLoader = new DynamoPolicyStore({
    tableName: env.provisioned.tables.policy, clock: env.clock, validation: { exchangeKeysConfigured: false },
    client: dynamoDocumentClient({ region: e.region, credentials: e.credentials, endpoint: e.dynamoEndpoint }),
  });
  signal = (await import('../../../functions/signal/handler.js')).createSignalHandler(env.deps) as never;
}, 60_000);
afterAll(async () => {
  ddb?.destroy();
  await env?.stop();
});

/** Puts the ACTIVE item exactly as `aws dynamodb put-item` would. */
async function putActive(version: number, document: AttributeValue | undefined): Promise<void> {
  const Item: Record<string, AttributeValue> = { pk: { S: 'POLICY' }, sk: { S: 'ACTIVE' }, version: { N: String(version) } };
  if (document) Item['document'] = document;
  await ddb.send(new PutItemCommand({ TableName: env.provisioned.tables.policy, Item }));
}

/** Receives and deletes every message on a queue until a receive (long-polling `waitSeconds`) comes back empty. */
async function drain(queueUrl: string, waitSeconds = 0): Promise<string[]> {
  const bodies: string[] = [];
  for (;;) {
    const r = await env.sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: waitSeconds }));
    if (!r.Messages?.length) return bodies;
    for (const m of r.Messages) {
      bodies.push(m.Body!);
      await env.sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle! }));
    }
  }
}

/** Moves to minute `i` (past the policy cache TTL), with fresh trending candles, and runs one signal cycle. */
async function signalCycle(i: number): Promise<Intent[]> {
  env.clock.set(T + i * MIN + 5_000);
  await seedMarket(env, trendingCandles('BTC/USDT', T + i * MIN, 40, 40_000 + i), String(40_000 + i));
  const out = await signal({ source: 'stratus.scheduler', job: 'signal', scheduledTime: new Date(T + i * MIN).toISOString() }, lambdaContext('signal'));
  expect(out).toMatchObject({ evaluated: 1, intents: 1 });
  const intents = (await drain(env.provisioned.queues.signals.url)).map((b) => JSON.parse(b) as Intent);
  alerts.push(...(await drain(env.provisioned.alertInboxUrl)).map((b) => JSON.parse(b) as Alert));
  return intents;
}

describe('invalid policy items written straight to the policy table', () => {
  it('puts the valid policy in force first', async () => {
    await env.deps.policies.write(VALID, { by: 'operator', at: T });
    const intents = await signalCycle(0);
    const loaded = await env.deps.policies.load();
    expect(loaded).toMatchObject({ version: 1, source: 'active', policy: { risk: { stakePct: 1 } } });
    validHash = loaded.hash;
    expect(intents.map((i) => [i.policyHash, i.policyVersion])).toEqual([[validHash, 1]]);
  }, 30_000);

  it.each(INVALID.map((c, i) => [...c, i + 2] as const))(
    'never lets %s take effect: rejection recorded, trading continues under the last valid policy',
    async (_label, document, path, code, version) => {
      await putActive(version, document);
      const intents = await signalCycle(version);
      expect(intents.map((i) => [i.policyHash, i.policyVersion])).toEqual([[validHash, 1]]);

      const inForce = await env.deps.policies.load();
      expect(inForce).toMatchObject({ hash: validHash, version: 1, source: 'last-valid', rejected: { version } });
      expect(inForce.rejected!.problems).toContainEqual(expect.objectContaining({ path, code }));

      const elsewhere = await otherLoader.load();
      expect(elsewhere).toMatchObject({ hash: validHash, rejected: { version, firstSeen: false } });
      await alertPolicyRejection(env.deps.alerts, elsewhere, env.clock.now());

      const [rejection] = await otherLoader.rejections(1);
      expect(rejection).toMatchObject({ version, at: T + version * MIN + 5_000 });
      expect(rejection!.problems).toContainEqual(expect.objectContaining({ path, code }));
    },
    30_000,
  );

  it('sent exactly one POLICY_REJECTED alert per invalid version, naming the problem', async () => {
    alerts.push(...(await drain(env.provisioned.alertInboxUrl, 1)).map((b) => JSON.parse(b) as Alert));
    const rejected = alerts.filter((a) => a.kind === 'POLICY_REJECTED');
    const versions = rejected.map((a) => a.details!['rejectedVersion']);
    expect(versions).toEqual(INVALID.map((_, i) => i + 2));
    rejected.forEach((a, i) => {
      expect(a).toMatchObject({ severity: 'critical', details: { inForceVersion: 1, policyHash: validHash } });
      expect(a.message).toContain(`${INVALID[i]![2]}:`);
    });
    expect((await otherLoader.rejections()).map((r) => r.version)).toEqual(INVALID.map((_, i) => i + 2).reverse());
    expect(await otherLoader.history()).toHaveLength(1);
  }, 30_000);

  it('puts the next valid write into effect, under its own hash', async () => {
    const version = INVALID.length + 2;
    await putActive(version, { S: JSON.stringify({ ...VALID, risk: { stakePct: 2 } }) });
    const intents = await signalCycle(version);
    const loaded = await env.deps.policies.load();
    expect(loaded).toMatchObject({ version, source: 'active', policy: { risk: { stakePct: 2 } } });
    expect(loaded.hash).not.toBe(validHash);
    expect(intents.map((i) => [i.policyHash, i.policyVersion])).toEqual([[loaded.hash, version]]);
    expect((await otherLoader.history()).map((v) => [v.version, v.writtenBy])).toEqual([[version, 'direct write to ACTIVE'], [1, 'operator']]);
    expect(alerts.filter((a) => a.kind === 'POLICY_REJECTED')).toHaveLength(INVALID.length);
  }, 30_000);
});
