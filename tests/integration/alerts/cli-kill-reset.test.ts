/**
 * `stratus kill` and `stratus reset` alert through the functions' path: the CLI context built from the
 * environment (tables on dynalite, the topic on fauxqs) sends KILL_SWITCH_TRIPPED (code MANUAL, by the
 * operator) and KILL_SWITCH_RESET through the dedup layer, and says plainly when no topic is configured.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeleteMessageBatchCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { processContext, type CliContext } from '../../../shared/cli/cli-context.js';
import { runCli } from '../../../shared/cli/run-cli.js';
import { emulatorEnv, startEmulators, type Emulators } from '../../../shared/local/emulators.js';
import { provision, type Provisioned } from '../../../shared/local/provision.js';
import type { Alert } from '../../../shared/ports.js';
import { ENV } from '../../../shared/resources.js';

let e: Emulators;
let p: Provisioned;
let sqs: SQSClient;
const saved = { ...process.env };

beforeAll(async () => {
  e = await startEmulators();
  p = await provision(e, 'clialerts');
  Object.assign(process.env, emulatorEnv(e), p.env);
  sqs = new SQSClient({ region: e.region, credentials: e.credentials, endpoint: e.sqsEndpoint });
});
afterAll(async () => {
  process.env = saved;
  sqs?.destroy();
  await e?.stop();
});

async function run(env: NodeJS.ProcessEnv, ...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const ctx: CliContext = { ...processContext(env), out: (t) => { out += t; }, err: (t) => { err += t; } };
  const code = await runCli(argv, ctx);
  return { code, out, err };
}

async function inbox(): Promise<Alert[]> {
  const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl: p.alertInboxUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
  const messages = r.Messages ?? [];
  if (messages.length) {
    await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: p.alertInboxUrl, Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })) }));
  }
  return messages.map((m) => JSON.parse(m.Body!) as Alert);
}

describe('stratus kill and reset send alerts', () => {
  it('kill sends KILL_SWITCH_TRIPPED by the operator with code MANUAL; a second kill sends nothing', async () => {
    const r = await run(process.env, 'kill', '--reason', 'exchange incident', '--by', 'alice');
    expect(r).toMatchObject({ code: 0, err: '' });
    expect(r.out).toContain('alert KILL_SWITCH_TRIPPED published');
    const [tripped, ...more] = await inbox();
    expect(more).toEqual([]);
    expect(tripped).toMatchObject({
      kind: 'KILL_SWITCH_TRIPPED', severity: 'critical', key: 'kill-switch', title: 'Kill switch tripped: MANUAL by alice',
      details: { by: 'alice', code: 'MANUAL', tripCount: 1 },
    });
    expect(tripped!.message).toMatch(/^exchange incident\. No order that opens/);

    const again = await run(process.env, 'kill', '--reason', 'again', '--by', 'bob');
    expect(again.out).toContain('already TRIPPED: no new alert');
    expect(await inbox()).toEqual([]);
  });

  it('reset sends KILL_SWITCH_RESET, marked as resolving the trip', async () => {
    const r = await run(process.env, 'reset', '--by', 'alice', '--reason', 'incident closed');
    expect(r).toMatchObject({ code: 0, err: '' });
    expect(r.out).toContain('alert KILL_SWITCH_RESET published');
    const [reset, ...more] = await inbox();
    expect(more).toEqual([]);
    expect(reset).toMatchObject({ kind: 'KILL_SWITCH_RESET', title: 'Kill switch reset by alice', resolved: true, details: { by: 'alice' } });
    expect(reset!.message).toMatch(/^incident closed\. (Cooling down \d+s before entries resume|Armed)\./);
  });

  it('says so when no topic is configured, and still trips', async () => {
    const { [ENV.alertTopicArn]: _, ...noTopic } = process.env;
    const r = await run(noTopic, 'kill', '--reason', 'no topic', '--by', 'carol');
    expect(r.code).toBe(0);
    expect(r.out).toContain('kill switch TRIPPED');
    expect(r.out).toContain('no alert sent: ALERT_TOPIC_ARN is not set (stack output AlertTopicArn)');
    expect(await inbox()).toEqual([]);
  });
});
