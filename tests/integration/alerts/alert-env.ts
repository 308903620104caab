/** The alert path on the emulators: the state table (dynalite) and the topic with its inbox queue (fauxqs). */
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DeleteMessageBatchCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SNSEvent } from 'aws-lambda';
import { afterAll, beforeAll } from 'vitest';
import { dynamoDocumentClient, snsClient, sqsClient } from '../../../shared/adapters/aws-clients.js';
import { DedupingAlerts } from '../../../shared/adapters/deduping-alerts.js';
import { DynamoAlertStateStore } from '../../../shared/adapters/dynamo-alert-state-store.js';
import { SnsAlerts } from '../../../shared/adapters/sns-alerts.js';
import type { AlertOverrides } from '../../../shared/domain/alert-catalog.js';
import { startEmulators, type Emulators } from '../../../shared/local/emulators.js';
import { provision, type Provisioned } from '../../../shared/local/provision.js';
import type { Alert } from '../../../shared/ports.js';

/** One test file's emulators; read the fields inside hooks and tests. */
export interface AlertEnv {
  readonly e: Emulators;
  readonly p: Provisioned;
  readonly sqs: SQSClient;
  readonly sns: SNSClient;
  readonly ddb: DynamoDBDocumentClient;
  /** A dedup layer as one Lambda builds it: its own SDK clients on the shared table and topic. */
  alerts(overrides?: AlertOverrides): DedupingAlerts;
  /** Every message now in the inbox (removed from it), as SNS delivered it. */
  drain(): Promise<{ subject: string | undefined; alert: Alert; body: string }[]>;
}

/** Registers the emulator lifecycle for the calling file; `prefix` names its tables and topic. */
export function useAlertEnv(prefix: string): AlertEnv {
  const env = {} as { e: Emulators; p: Provisioned; sqs: SQSClient; sns: SNSClient; ddb: DynamoDBDocumentClient };
  const clients: { destroy(): void }[] = [];
  beforeAll(async () => {
    env.e = await startEmulators();
    env.p = await provision(env.e, prefix);
    const o = { region: env.e.region, credentials: env.e.credentials };
    env.sqs = sqsClient({ ...o, endpoint: env.e.sqsEndpoint });
    env.sns = snsClient({ ...o, endpoint: env.e.snsEndpoint });
    env.ddb = dynamoDocumentClient({ ...o, endpoint: env.e.dynamoEndpoint });
    clients.push(env.sqs, env.sns, env.ddb);
  });
  afterAll(async () => {
    clients.forEach((c) => c.destroy());
    await env.e?.stop();
  });
  return {
    get e() { return env.e; },
    get p() { return env.p; },
    get sqs() { return env.sqs; },
    get sns() { return env.sns; },
    get ddb() { return env.ddb; },
    alerts(overrides) {
      const o = { region: env.e.region, credentials: env.e.credentials };
      const sns = snsClient({ ...o, endpoint: env.e.snsEndpoint });
      const ddb = dynamoDocumentClient({ ...o, endpoint: env.e.dynamoEndpoint });
      clients.push(sns, ddb);
      return new DedupingAlerts({
        inner: new SnsAlerts({ topicArn: env.p.alertTopicArn, client: sns }),
        store: new DynamoAlertStateStore({ tableName: env.p.tables.state, client: ddb }), ...(overrides ? { overrides } : {}),
      });
    },
    async drain() {
      const out: { subject: string | undefined; alert: Alert; body: string }[] = [];
      for (;;) {
        const r = await env.sqs.send(new ReceiveMessageCommand({ QueueUrl: env.p.alertInboxUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
        const messages = r.Messages ?? [];
        if (!messages.length) return out;
        for (const m of messages) out.push({ subject: undefined, alert: JSON.parse(m.Body!) as Alert, body: m.Body! });
        await env.sqs.send(new DeleteMessageBatchCommand({
          QueueUrl: env.p.alertInboxUrl, Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
        }));
      }
    },
  };
}

/** The SNS event Lambda would hand the notifier for these message bodies. */
export function snsEventOf(bodies: readonly string[]): SNSEvent {
  return {
    Records: bodies.map((Message, i) => ({
      EventSource: 'aws:sns', EventVersion: '1.0', EventSubscriptionArn: 'arn:aws:sns:eu-west-1:000000000000:alerts:sub',
      Sns: {
        Type: 'Notification', MessageId: `m-${i}`, TopicArn: 'arn:aws:sns:eu-west-1:000000000000:alerts', Subject: null, Message,
        Timestamp: '2025-01-01T00:00:00.000Z', SignatureVersion: '1', Signature: 'x', SigningCertUrl: 'x', UnsubscribeUrl: 'x', MessageAttributes: {},
      },
    })),
  } as unknown as SNSEvent;
}

/** A stand-in for Slack's incoming webhook on loopback, recording each posted payload. */
export function useSlackStandIn(): { readonly url: string; readonly posts: { text: string; blocks: unknown[] }[] } {
  let server: Server;
  const state = { url: '', posts: [] as { text: string; blocks: unknown[] }[] };
  beforeAll(async () => {
    server = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      state.posts.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      res.writeHead(200).end('ok');
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/services/T/B/x`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return state;
}
