/**
 * Hostile ACTIVE items written the raw way (`aws dynamodb put-item`) on dynalite + fauxqs with the real signal and
 * metrics handlers: a 5,000-problem document, a stale version, a 300 KB key name. None may stop the pipeline, even
 * past the policy cache's maximum age: the last valid policy stays in force and one bounded POLICY_REJECTED alert
 * goes out per version.
 */
import { DynamoDBClient, PutItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { DeleteMessageCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Intent } from '../../../shared/domain/intent.js';
import { lambdaContext } from '../../../shared/local/lambda-context.js';
import type { Alert } from '../../../shared/ports.js';
import type { ScheduledInvocation } from '../../../shared/resources.js';
import { FIVE_THOUSAND_PROBLEMS } from '../../support/policy-records-contract.js';
import { seedMarket, startPipelineEnv, trendingCandles, type PipelineEnv } from '../../support/pipeline-env.js';

const T = Date.UTC(2021, 4, 19, 12, 0, 0);
const MIN = 60_000;
/** Past the policy cache's maximum age (POLICY_MAX_AGE_SECONDS, 300 s) by two minutes. */
const PAST_MAX_AGE = 7;

let env: PipelineEnv;
let ddb: DynamoDBClient;
type Scheduled = (event: ScheduledInvocation, context: Context) => Promise<unknown>;
let signal: Scheduled;
let metrics: Scheduled;
let validHash: string;
let minute = 0;
const alerts: Alert[] = [];

beforeAll(async () => {
  env = await startPipelineEnv(`hpw${process.pid}`, T + 5_000);
  const e = env.emulators;
  ddb = new DynamoDBClient({ region: e.region, credentials: e.credentials, endpoint: e.dynamoEndpoint });
  signal = (await import('../../../functions/signal/handler.js')).createSignalHandler(env.deps) as never;
  metrics = (await import('../../../functions/metrics/handler.js')).createMetricsHandler(env.deps) as never;
}, 60_000);
afterAll(async () => {
  ddb?.destroy();
  await env?.stop();
});

async function putActive(version: number, document: AttributeValue): Promise<void> {
  await ddb.send(new PutItemCommand({
    TableName: env.provisioned.tables.policy, Item: { pk: { S: 'POLICY' }, sk: { S: 'ACTIVE' }, version: { N: String(version) }, document },
  }));
}

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

/** The next minute: fresh candles, one metrics run and one signal cycle; returns the intents it sent. */
async function cycle(): Promise<Intent[]> {
  const i = ++minute;
  env.clock.set(T + i * MIN + 5_000);
  await seedMarket(env, trendingCandles('BTC/USDT', T + i * MIN, 40, 40_000 + i), String(40_000 + i));
  const job = (name: 'signal' | 'metrics'): ScheduledInvocation => ({ source: 'stratus.scheduler', job: name, scheduledTime: new Date(T + i * MIN).toISOString() });
  await metrics(job('metrics'), lambdaContext('metrics'));
  await signal(job('signal'), lambdaContext('signal'));
  alerts.push(...(await drain(env.provisioned.alertInboxUrl)).map((b) => JSON.parse(b) as Alert));
  return (await drain(env.provisioned.queues.signals.url)).map((b) => JSON.parse(b) as Intent);
}

const rejectedAlerts = (version: number) => alerts.filter((a) => a.kind === 'POLICY_REJECTED' && a.details?.['rejectedVersion'] === version);

describe('hostile policy items written straight to the policy table', () => {
  it('puts the valid policy in force first', async () => {
    await env.deps.policies.write({ symbols: ['BTC/USDT'], risk: { stakePct: 1 } }, { by: 'operator', at: T });
    const intents = await cycle();
    validHash = (await env.deps.policies.load()).hash;
    expect(intents.map((i) => [i.policyHash, i.policyVersion])).toEqual([[validHash, 1]]);
  }, 30_000);

  it('keeps signal and metrics running past the cache maximum age under a 5,000-problem document, with one bounded alert', async () => {
    await putActive(2, { S: FIVE_THOUSAND_PROBLEMS });
    for (let n = 0; n < PAST_MAX_AGE; n++) {
      const intents = await cycle();
      expect(intents.every((i) => i.policyHash === validHash && i.policyVersion === 1)).toBe(true);
    }
    expect(await env.deps.policies.load()).toMatchObject({ hash: validHash, version: 1, rejected: { version: 2, problemCount: 5000 } });
    alerts.push(...(await drain(env.provisioned.alertInboxUrl, 1)).map((b) => JSON.parse(b) as Alert));
    const [alert, ...more] = rejectedAlerts(2);
    expect(more).toEqual([]);
    expect(alert).toMatchObject({ severity: 'critical', details: { inForceVersion: 1, problemCount: 5000 } });
    expect(Buffer.byteLength(JSON.stringify(alert))).toBeLessThan(16 * 1024);
    expect(alert!.message).toContain('exits.roi.0.afterMinutes:');
    expect(alert!.message).toContain('5000 problems in all');
  }, 60_000);

  it('rejects a valid document written with a version not above the one in force (STALE_VERSION), alerts once, trades on', async () => {
    await putActive(1, { S: '{"symbols":["BTC/USDT"],"risk":{"stakePct":2}}' });
    const intents = await cycle();
    expect(intents.map((i) => [i.policyHash, i.policyVersion])).toEqual([[validHash, 1]]);
    await cycle();
    alerts.push(...(await drain(env.provisioned.alertInboxUrl, 1)).map((b) => JSON.parse(b) as Alert));
    expect(rejectedAlerts(1).map((a) => a.message)).toEqual([expect.stringContaining('version: version 1 is not above version 1 in force')]);
  }, 30_000);

  it('rejects a document with a 300 KB key name with a bounded alert, and trades on', async () => {
    await putActive(3, { S: `{"symbols":["BTC/USDT"],"${'k'.repeat(300 * 1024)}":1}` });
    const intents = await cycle();
    expect(intents.map((i) => i.policyHash)).toEqual([validHash]);
    alerts.push(...(await drain(env.provisioned.alertInboxUrl, 1)).map((b) => JSON.parse(b) as Alert));
    const [alert] = rejectedAlerts(3);
    expect(alert!.message).toMatch(/^\(root\): document is \d+ characters; at most 65536$/);
  }, 30_000);
});
