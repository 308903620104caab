import { CreateQueueCommand, DeleteMessageBatchCommand, GetQueueAttributesCommand, ReceiveMessageCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';
import { SubscribeCommand, type SNSClient } from '@aws-sdk/client-sns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { snsClient, sqsClient } from '../../../shared/adapters/aws-clients.js';
import { MemoryAlerts } from '../../../shared/adapters/memory-alerts.js';
import { SNS_SUBJECT_MAX, SnsAlerts, alertSubject } from '../../../shared/adapters/sns-alerts.js';
import { startEmulators, type Emulators } from '../../../shared/local/emulators.js';
import { provision, type Provisioned } from '../../../shared/local/provision.js';
import type { Alert } from '../../../shared/ports.js';

let e: Emulators;
let p: Provisioned;
let sqs: SQSClient;
let sns: SNSClient;

beforeAll(async () => {
  e = await startEmulators();
  p = await provision(e, 'snsalerts');
  const o = { region: e.region, credentials: e.credentials };
  sqs = sqsClient({ ...o, endpoint: e.sqsEndpoint });
  sns = snsClient({ ...o, endpoint: e.snsEndpoint });
});
afterAll(async () => {
  sqs.destroy();
  sns.destroy();
  await e.stop();
});

async function receiveOne(url: string, attributes = false): Promise<Message> {
  for (;;) {
    const r = await sqs.send(new ReceiveMessageCommand({
      QueueUrl: url, MaxNumberOfMessages: 1, WaitTimeSeconds: 1, ...(attributes ? { MessageAttributeNames: ['All'] } : {}),
    }));
    const m = r.Messages?.[0];
    if (m) {
      await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: url, Entries: [{ Id: '0', ReceiptHandle: m.ReceiptHandle! }] }));
      return m;
    }
  }
}

const alert = (over: Partial<Alert> = {}): Alert => ({
  severity: 'critical', kind: 'KILL_SWITCH_TRIPPED', title: 'Kill switch tripped: daily loss 5.2% > 5%',
  message: 'No new orders until reset.', details: { lossPct: '5.2', policyHash: 'abc' }, at: 1_700_000_000_000, ...over,
});

describe('SnsAlerts', () => {
  it('delivers the alert as JSON with severity and kind attributes to an SQS subscriber', async () => {
    const sent = alert();
    await new SnsAlerts({ topicArn: p.alertTopicArn, client: sns }).publish(sent);

    const m = await receiveOne(p.alertInboxUrl, true);
    expect(JSON.parse(m.Body!)).toEqual(sent);
    expect(m.MessageAttributes?.severity?.StringValue).toBe('critical');
    expect(m.MessageAttributes?.kind?.StringValue).toBe('KILL_SWITCH_TRIPPED');
  });

  it('lets a subscriber filter on severity: an info alert skips a critical-only queue', async () => {
    const q = await sqs.send(new CreateQueueCommand({ QueueName: 'critical-only' }));
    const arn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: q.QueueUrl!, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
    await sns.send(new SubscribeCommand({
      TopicArn: p.alertTopicArn, Protocol: 'sqs', Endpoint: arn,
      Attributes: { RawMessageDelivery: 'true', FilterPolicy: JSON.stringify({ severity: ['critical'] }) },
    }));
    const alerts = new SnsAlerts({ topicArn: p.alertTopicArn, client: sns });
    await alerts.publish(alert({ severity: 'info', kind: 'DAILY_REPORT', title: 'Daily report' }));
    await alerts.publish(alert({ kind: 'RECONCILE_DRIFT', title: 'Balance drift' }));

    const first = await receiveOne(q.QueueUrl!);
    expect(JSON.parse(first.Body!).kind).toBe('RECONCILE_DRIFT');
    const depth = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: q.QueueUrl!, AttributeNames: ['ApproximateNumberOfMessages'] }));
    expect(depth.Attributes?.ApproximateNumberOfMessages).toBe('0');
    // The unfiltered inbox got both.
    const inbox = [await receiveOne(p.alertInboxUrl), await receiveOne(p.alertInboxUrl)].map((m) => JSON.parse(m.Body!).kind);
    expect(inbox.sort()).toEqual(['DAILY_REPORT', 'RECONCILE_DRIFT']);
  });
});

// fauxqs does not validate Subject (AWS does: <= 100 printable ASCII, one line), so the rules are checked here.
describe('alertSubject', () => {
  it('prefixes the severity and keeps a short title as is', () => {
    expect(alertSubject(alert())).toBe('[CRITICAL] Kill switch tripped: daily loss 5.2% > 5%');
  });

  it('cuts to 100 printable ASCII characters on one line', () => {
    const subject = alertSubject(alert({ title: `Ledger drift\nfor ${'BTC/USDT '.repeat(30)} — ✓` }));
    expect(subject.length).toBe(SNS_SUBJECT_MAX);
    expect(subject).toMatch(/^\[CRITICAL\] Ledger drift for BTC\/USDT [\x20-\x7e]+\.\.\.$/);
  });

  it('falls back to the kind when the title is empty', () => {
    expect(alertSubject(alert({ title: ' ' }))).toBe('[CRITICAL] KILL_SWITCH_TRIPPED');
  });
});

describe('MemoryAlerts', () => {
  it('records alerts in order, as the JSON a subscriber would get', async () => {
    const alerts = new MemoryAlerts();
    await alerts.publish(alert({ kind: 'ORDER_REJECTED', details: { when: undefined, n: 1 } }));
    await alerts.publish(alert({ kind: 'RECONCILE_DRIFT' }));
    expect(alerts.published.map((a) => a.kind)).toEqual(['ORDER_REJECTED', 'RECONCILE_DRIFT']);
    expect(Object.keys(alerts.ofKind('ORDER_REJECTED')[0]?.details ?? {})).toEqual(['n']);
  });
});
