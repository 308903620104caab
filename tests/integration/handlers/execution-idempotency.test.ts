/**
 * The execution function's outer idempotency guard knows the invocation's remaining time: an in-progress record left by
 * an invocation that died mid-order expires with that invocation's timeout, so the order's redelivery can resume it,
 * instead of being refused as "already in progress" for the record's whole hour until the message lands in its DLQ.
 */
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Context, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lambdaContext } from '../../../shared/local/lambda-context.js';
import { SqsEventSource } from '../../../shared/local/sqs-event-source.js';
import { QUEUES } from '../../../shared/resources.js';
import { decideIntent } from '../../../shared/services/decide-intent.js';
import { evaluateSignals } from '../../../shared/services/evaluate-signals.js';
import { seedMarket, startPipelineEnv, trendingCandles, type PipelineEnv } from '../../support/pipeline-env.js';

const T = Date.UTC(2021, 4, 19, 12, 0, 0);
let env: PipelineEnv;

beforeAll(async () => {
  env = await startPipelineEnv(`idem${process.pid}`, T + 5_000);
  await env.deps.policies.write({ symbols: ['BTC/USDT'] }, { by: 'test', at: T });
  await seedMarket(env, trendingCandles('BTC/USDT', T, 40, 40_000), '40000');
  const [intent] = (await evaluateSignals(env.deps)).intents;
  expect((await decideIntent(env.deps, intent!)).approved).toBe(true);
}, 60_000);
afterAll(async () => env?.stop());

describe('execution idempotency guard', () => {
  it('stamps the in-progress record with the invocation\'s remaining time, and warns nothing', async () => {
    const execution = (await import('../../../functions/execution/handler.js')).createExecutionHandler(env.deps) as (e: SQSEvent, c: Context) => Promise<unknown>;
    const warnings: string[] = [];
    const warn = console.warn;
    console.warn = (...args: unknown[]) => { warnings.push(args.map(String).join(' ')); };
    const started = Date.now();
    try {
      const q = env.provisioned.queues.orders;
      await new SqsEventSource({
        sqs: env.sqs, queueUrl: q.url, queueArn: q.arn, batchSize: QUEUES.orders.batchSize, region: env.emulators.region,
        functionName: 'execution', handler: ((e: SQSEvent) => execution(e, lambdaContext('execution', { timeoutSeconds: QUEUES.orders.consumerTimeoutSeconds }))) as never,
      }).pollOnce();
    } finally {
      console.warn = warn;
    }
    const e = env.emulators;
    const ddb = new DynamoDBClient({ region: e.region, credentials: e.credentials, endpoint: e.dynamoEndpoint });
    const items = (await ddb.send(new ScanCommand({ TableName: env.provisioned.tables.idempotency }))).Items ?? [];
    ddb.destroy();
    expect(items).toHaveLength(1);
    const inProgressUntil = Number(items[0]!.in_progress_expiration?.N);
    expect(inProgressUntil).toBeGreaterThan(started);
    expect(inProgressUntil).toBeLessThan(started + QUEUES.orders.consumerTimeoutSeconds * 1000 + 60_000);
    expect(warnings.filter((w) => w.includes('registerLambdaContext'))).toEqual([]);
  });
});
