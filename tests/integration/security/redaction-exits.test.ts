/**
 * Each exit text takes on its own: the Powertools logger (stdout), SNS alerts (fauxqs, to the inbox queue),
 * memory alerts, and the Slack notifier (a loopback webhook). Secrets are registered the way production
 * registers them: by parsing the exchange secret (exchange-credentials.ts) and reading the webhook secret.
 */
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SNSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAlertNotifier } from '../../../functions/alert-notifier/notifier.js';
import { webhookFromSecret } from '../../../functions/alert-notifier/webhook-secret.js';
import { snsClient, sqsClient } from '../../../shared/adapters/aws-clients.js';
import { parseExchangeCredentials } from '../../../shared/adapters/exchange-credentials.js';
import { MemoryAlerts } from '../../../shared/adapters/memory-alerts.js';
import { redactingAlerts } from '../../../shared/adapters/redaction.js';
import { SnsAlerts } from '../../../shared/adapters/sns-alerts.js';
import { startEmulators, type Emulators } from '../../../shared/local/emulators.js';
import { provision, type Provisioned } from '../../../shared/local/provision.js';
import type { Alert } from '../../../shared/ports.js';
import { logger } from '../../../shared/runtime/observability.js';
import { startFakeSecretsManager, type FakeSecretsManager } from './fake-secrets-manager.js';

const KEY = 'CANARYKEYq2w3e4r5t6y7u8i9o0p1a2s3';
const SECRET = 'CANARYSECRETz9x8c7v6b5n4m3l2k1j0h';
const SIG = '9575ee92fee755988a89a57ff6ad611c82b7f0d3c2a1b4e5f60718293a4b5c6d';
const SIGNED = `binance GET https://api.binance.com/api/v3/account?timestamp=1700000000000&recvWindow=10000&signature=${SIG} request timed out (10000 ms)`;
const SLACK = 'https://hooks.slack.com/services/T0CANARY/B0CANARY/CanaryWebhookToken123';
const LEAKS = [KEY, SECRET, SIG, 'T0CANARY', 'CanaryWebhookToken123', 'timestamp=1700000000000'];

/** The fragments of LEAKS found in text. */
const leaked = (text: string) => LEAKS.filter((s) => text.includes(s));

/** An alert as a service would build it from a failed exchange call. */
function hostileAlert(): Alert {
  return {
    severity: 'critical', kind: 'KILL_SWITCH_CANCEL_FAILED', at: 1, title: `cancel failed for key ${KEY}`,
    message: `${SIGNED}; exchange said: invalid signature for HMAC key ${SECRET}; see ${SLACK}`,
    details: { headers: { 'X-MBX-APIKEY': KEY }, failures: [{ clientOrderId: 'stx1', error: SIGNED }] },
  };
}

let e: Emulators;
let p: Provisioned;
let sm: FakeSecretsManager;
let webhook: Server;
let webhookUrl: string;
const posted: string[] = [];

beforeAll(async () => {
  parseExchangeCredentials('arn:aws:secretsmanager:us-east-1:000000000000:secret:exchange', JSON.stringify({ apiKey: KEY, secret: SECRET }));
  e = await startEmulators();
  p = await provision(e, 'redactexits');
  webhook = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    posted.push(Buffer.concat(chunks).toString('utf8'));
    res.writeHead(200).end('ok');
  });
  webhook.listen(0, '127.0.0.1');
  await once(webhook, 'listening');
  webhookUrl = `http://127.0.0.1:${(webhook.address() as AddressInfo).port}/services/T0CANARY/B0CANARY/CanaryWebhookToken123`;
  sm = await startFakeSecretsManager({ slack: JSON.stringify({ webhookUrl }) });
});
afterAll(async () => {
  await new Promise<void>((resolve) => webhook.close(() => resolve()));
  await sm.stop();
  await e.stop();
});

describe('credentials never leave the process', () => {
  it('the logger redacts a signed URL, the key header and a loaded key and secret from the message, attributes and an error cause chain', () => {
    const lines: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    const writeErr = process.stderr.write.bind(process.stderr);
    process.stdout.write = ((chunk: string) => { lines.push(String(chunk)); return true; }) as typeof process.stdout.write;
    process.stderr.write = process.stdout.write;
    try {
      logger.error(`lookup failed: ${SIGNED}`, {
        error: new Error('fetchOrder failed', { cause: new Error(SIGNED) }),
        request: { headers: { 'X-MBX-APIKEY': KEY }, body: `symbol=BTCUSDT&timestamp=1700000000000&signature=${SIG}` },
        note: `exchange rejected key ${KEY} signed with ${SECRET}`, webhook: SLACK,
      });
      logger.warn('credentials', { apiKey: KEY, secret: SECRET });
    } finally {
      process.stdout.write = write;
      process.stderr.write = writeErr;
    }
    const out = lines.join('');
    expect(out).toContain('lookup failed');
    expect(out).toContain('[REDACTED]');
    expect(leaked(out)).toEqual([]);
  });

  it('SNS alerts reach their subscribers without the key, the secret, a signature or a webhook URL', async () => {
    const sqs = sqsClient({ region: e.region, credentials: e.credentials, endpoint: e.sqsEndpoint });
    const sns = snsClient({ region: e.region, credentials: e.credentials, endpoint: e.snsEndpoint });
    await new SnsAlerts({ topicArn: p.alertTopicArn, client: sns }).publish(hostileAlert());
    sns.destroy();
    let body = '';
    for (let i = 0; i < 10 && !body; i++) {
      const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl: p.alertInboxUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
      body = (r.Messages ?? []).map((m) => m.Body ?? '').join('\n');
    }
    sqs.destroy();
    expect(JSON.parse(body)).toMatchObject({ kind: 'KILL_SWITCH_CANCEL_FAILED', severity: 'critical' });
    expect(leaked(body)).toEqual([]);
  });

  it('memory alerts keep what SNS would have sent', async () => {
    const alerts = new MemoryAlerts();
    await alerts.publish(hostileAlert());
    expect(alerts.published).toHaveLength(1);
    expect(leaked(JSON.stringify(alerts.published))).toEqual([]);
  });

  it('a publisher wrapped by redactingAlerts hands its inner layers (dedup and record stores) only the redacted alert', async () => {
    const seen: Alert[] = [];
    const chain = { publish: async (a: Alert) => { seen.push(a); }, escalateDue: async () => 7 };
    const wrapped = redactingAlerts(chain);
    await wrapped.publish(hostileAlert());
    expect(seen).toHaveLength(1);
    expect(seen[0]!.kind).toBe('KILL_SWITCH_CANCEL_FAILED');
    expect(leaked(JSON.stringify(seen))).toEqual([]);
    expect(await wrapped.escalateDue()).toBe(7);
  });

  it('the Slack notifier forwards an alert without credentials, whatever its text carries', async () => {
    const url = webhookFromSecret('slack', new SecretsManagerClient({ endpoint: sm.endpoint, region: e.region, credentials: e.credentials }));
    const notify = createAlertNotifier({ webhookUrl: url });
    const event = { Records: [{ Sns: { MessageId: 'm-1', Subject: null, Message: JSON.stringify(hostileAlert()) } }] } as unknown as SNSEvent;
    expect(await notify(event)).toEqual({ posted: 1, skipped: 0 });
    expect(posted).toHaveLength(1);
    expect(posted[0]).toContain('KILL_SWITCH_CANCEL_FAILED');
    expect(leaked(posted[0]!)).toEqual([]);
  });
});
