/**
 * The alert matrix in the deployed handlers' wiring (buildDeps on dynalite + fauxqs): the signal cycle's
 * MARKET_DATA_STALE is sent once per window and resolved once by a fresh heartbeat; the metrics cycle
 * re-sends a critical alert unresolved after 2 minutes, marked ESCALATED; reconcile resolves a drift that is gone.
 */
import type { Context } from 'aws-lambda';
import { DeleteMessageBatchCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lambdaContext } from '../../../shared/local/lambda-context.js';
import type { Alert } from '../../../shared/ports.js';
import { HEARTBEAT_SOURCE, type ScheduledInvocation } from '../../../shared/resources.js';
import { startPipelineEnv, type PipelineEnv } from '../../support/pipeline-env.js';

const T = Date.UTC(2024, 2, 4, 9, 0, 0);
let env: PipelineEnv;
let signal: (e: unknown, c: Context) => Promise<unknown>;
let metrics: (e: unknown, c: Context) => Promise<unknown>;
let reconcile: (e: unknown, c: Context) => Promise<unknown>;
const scheduled = (job: ScheduledInvocation['job']): ScheduledInvocation => ({
  source: 'stratus.scheduler', job, scheduledTime: new Date(env.clock.now()).toISOString(),
});

beforeAll(async () => {
  env = await startPipelineEnv(`al${process.pid}`, T);
  await env.deps.policies.write({ symbols: ['BTC/USDT'] }, { by: 'test', at: T });
  const [s, m, r] = await Promise.all([
    import('../../../functions/signal/handler.js'), import('../../../functions/metrics/handler.js'), import('../../../functions/reconcile/handler.js'),
  ]);
  signal = s.createSignalHandler(env.deps) as never;
  metrics = m.createMetricsHandler(env.deps) as never;
  reconcile = r.createReconcileHandler(env.deps) as never;
}, 60_000);
afterAll(async () => env?.stop());

async function inbox(): Promise<Alert[]> {
  const url = env.provisioned.alertInboxUrl;
  const r = await env.sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
  const messages = r.Messages ?? [];
  if (messages.length) await env.sqs.send(new DeleteMessageBatchCommand({ QueueUrl: url, Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })) }));
  return messages.map((m) => JSON.parse(m.Body!) as Alert);
}

const heartbeat = (time: number) => env.deps.market.putHeartbeat({ source: HEARTBEAT_SOURCE, time, lastCandle: {}, messages: 1, lagMs: 0 });

describe('alerts from the deployed handlers', () => {
  it('signal: MARKET_DATA_STALE once while stale, then exactly one RESOLVED when the heartbeat is fresh again', async () => {
    await heartbeat(T - 5 * 60_000);
    for (let minute = 0; minute < 5; minute++) {
      env.clock.set(T + minute * 60_000 + 5_000);
      await signal(scheduled('signal'), lambdaContext('signal'));
    }
    expect((await inbox()).map((a) => [a.kind, a.severity])).toEqual([['MARKET_DATA_STALE', 'warning']]);

    env.clock.set(T + 6 * 60_000 + 5_000);
    await heartbeat(env.clock.now());
    await signal(scheduled('signal'), lambdaContext('signal'));
    env.clock.set(T + 7 * 60_000 + 5_000);
    await heartbeat(env.clock.now());
    await signal(scheduled('signal'), lambdaContext('signal'));
    const [resolved, ...more] = await inbox();
    expect(more).toEqual([]);
    expect(resolved).toMatchObject({ kind: 'MARKET_DATA_STALE', resolved: true, severity: 'info', suppressed: { count: 4, since: T + 65_000 } });
  });

  it('metrics: a critical alert still unresolved 2 minutes on is re-sent ESCALATED by the metrics cycle, once', async () => {
    const at = env.clock.now();
    await env.deps.alerts.publish({ severity: 'critical', kind: 'STATE_UNREADABLE', at, title: 'State unreadable: new orders stopped', message: 'm' });
    await env.deps.alerts.publish({ severity: 'critical', kind: 'STATE_UNREADABLE', at: at + 1_000, title: 'State unreadable: new orders stopped', message: 'm' });
    expect(await inbox()).toHaveLength(1);
    for (const minute of [1, 2, 3]) {
      env.clock.set(at + minute * 60_000);
      await heartbeat(env.clock.now());
      await metrics(scheduled('metrics'), lambdaContext('metrics'));
    }
    const escalated = (await inbox()).filter((a) => a.kind === 'STATE_UNREADABLE');
    expect(escalated.map((a) => [a.escalated, a.suppressed?.count])).toEqual([[true, 1]]);
  });

  it('reconcile: a run that finds the exchange and the ledger agreeing resolves an open RECONCILE_DRIFT, once', async () => {
    const at = env.clock.now();
    await env.deps.alerts.publish({ severity: 'warning', kind: 'RECONCILE_DRIFT', at, title: 'Exchange and ledger disagree', message: 'USDT -12' });
    for (const minutes of [5, 10]) {
      env.clock.set(at + minutes * 60_000);
      await reconcile(scheduled('reconcile'), lambdaContext('reconcile', { timeoutSeconds: 30 }));
    }
    expect((await inbox()).map((a) => [a.kind, a.resolved ?? false])).toEqual([['RECONCILE_DRIFT', false], ['RECONCILE_DRIFT', true]]);
  });
});
