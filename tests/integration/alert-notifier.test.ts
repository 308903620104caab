import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SNSEvent } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAlertNotifier, isUsableWebhook, SlackDeliveryError } from '../../functions/alert-notifier/notifier.js';
import { SLACK_WEBHOOK_PLACEHOLDER } from '../../functions/alert-notifier/placeholder.js';
import { parseNotice, slackMention, toSlackPayload } from '../../functions/alert-notifier/slack-message.js';
import { parseWebhookSecret } from '../../functions/alert-notifier/webhook-secret.js';
import type { Alert } from '../../shared/ports.js';

interface Received {
  readonly method: string;
  readonly url: string;
  readonly contentType: string | undefined;
  readonly body: { text: string; blocks: { type: string; text?: { text: string }; elements?: { text: string }[]; fields?: { text: string }[] }[] };
}

/** A stand-in for Slack's incoming-webhook endpoint on loopback; answers with `status`. */
let server: Server;
let baseUrl: string;
let received: Received[] = [];
let status = 200;

beforeAll(async () => {
  server = createServer(async (req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    received.push({ method: req.method ?? '', url: req.url ?? '', contentType: req.headers['content-type'], body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
    res.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'ok' : 'no_service');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  received = [];
  status = 200;
});

function snsEvent(message: string, subject: string | null = null): SNSEvent {
  return {
    Records: [{
      EventSource: 'aws:sns', EventVersion: '1.0', EventSubscriptionArn: 'arn:aws:sns:eu-west-1:123456789012:alerts:sub',
      Sns: {
        Type: 'Notification', MessageId: 'm-1', TopicArn: 'arn:aws:sns:eu-west-1:123456789012:alerts', Subject: subject, Message: message,
        Timestamp: '2025-01-01T00:00:00.000Z', SignatureVersion: '1', Signature: 'x', SigningCertUrl: 'x', UnsubscribeUrl: 'x',
        MessageAttributes: {},
      },
    }],
  } as SNSEvent;
}

const killSwitch: Alert = {
  severity: 'critical', kind: 'KILL_SWITCH_TRIPPED', title: 'Kill switch tripped', message: 'Daily loss 5.2% exceeded maxDailyLossPct 5%',
  details: { drawdownPct: 5.2, by: 'metrics' }, at: Date.UTC(2025, 0, 1, 12, 0, 0),
};

describe('alert notifier against a local webhook server', () => {
  it('posts a Stratus alert as one Slack message with severity, kind, title, message and details', async () => {
    const notify = createAlertNotifier({ webhookUrl: async () => `${baseUrl}/services/T0/B0/x` });
    const result = await notify(snsEvent(JSON.stringify(killSwitch), '[CRITICAL] Kill switch tripped'));

    expect(result).toEqual({ posted: 1, skipped: 0 });
    expect(received).toHaveLength(1);
    const [req] = received;
    expect(req).toMatchObject({ method: 'POST', url: '/services/T0/B0/x', contentType: 'application/json' });
    expect(req!.body.text).toContain('[CRITICAL] KILL_SWITCH_TRIPPED: Kill switch tripped');
    const all = JSON.stringify(req!.body.blocks);
    expect(req!.body.blocks[0]).toMatchObject({ type: 'header', text: { text: '🚨 Kill switch tripped' } });
    expect(all).toContain('Daily loss 5.2% exceeded maxDailyLossPct 5%');
    expect(all).toContain('*CRITICAL*');
    expect(all).toContain('2025-01-01T12:00:00.000Z');
    expect(all).toContain('*drawdownPct*\\n5.2');
  });

  it('posts a CloudWatch alarm notification as a critical alarm message', async () => {
    const notify = createAlertNotifier({ webhookUrl: async () => baseUrl });
    const alarm = { AlarmName: 'Stratus-OrdersDlqAlarm', NewStateValue: 'ALARM', NewStateReason: 'Threshold Crossed: 1 datapoint [1.0]', AlarmDescription: 'orders DLQ' };
    await notify(snsEvent(JSON.stringify(alarm), 'ALARM: "Stratus-OrdersDlqAlarm"'));

    expect(received).toHaveLength(1);
    expect(received[0]!.body.text).toContain('[CRITICAL] ALARM_ALARM: Alarm: Stratus-OrdersDlqAlarm');
    expect(JSON.stringify(received[0]!.body.blocks)).toContain('Threshold Crossed');
  });

  it('mentions @channel in an ESCALATED alert, and in no other', async () => {
    const notify = createAlertNotifier({ webhookUrl: async () => baseUrl });
    await notify(snsEvent(JSON.stringify({ ...killSwitch, title: 'ESCALATED: Kill switch tripped', escalated: true })));
    await notify(snsEvent(JSON.stringify(killSwitch)));

    expect(received).toHaveLength(2);
    expect(received[0]!.body.text).toMatch(/^<!channel> 🚨 \[CRITICAL\] KILL_SWITCH_TRIPPED: ESCALATED: Kill switch tripped/);
    expect(JSON.stringify(received[0]!.body.blocks)).toContain('<!channel> *ESCALATED*: still unresolved');
    expect(JSON.stringify(received[0]!.body.blocks)).toContain('*ESCALATED*  ·  *CRITICAL*');
    expect(JSON.stringify(received[1]!.body)).not.toContain('<!channel>');
  });

  it('mentions the configured user group or user instead of @channel', async () => {
    await createAlertNotifier({ webhookUrl: async () => baseUrl, mention: 'S0123ABC' })(snsEvent(JSON.stringify({ ...killSwitch, escalated: true })));
    await createAlertNotifier({ webhookUrl: async () => baseUrl, mention: 'U42' })(snsEvent(JSON.stringify({ ...killSwitch, escalated: true })));
    expect(received.map((r) => r.body.text.split(' ')[0])).toEqual(['<!subteam^S0123ABC>', '<@U42>']);
  });

  it('marks a RESOLVED alert, and an alarm back to OK, as RESOLVED without a mention', async () => {
    const notify = createAlertNotifier({ webhookUrl: async () => baseUrl });
    await notify(snsEvent(JSON.stringify({ ...killSwitch, severity: 'info', title: 'RESOLVED: Market data is stale', resolved: true })));
    await notify(snsEvent(JSON.stringify({ AlarmName: 'Stratus-OrdersDlqAlarm', NewStateValue: 'OK', NewStateReason: 'back to 0' })));
    for (const r of received) {
      expect(JSON.stringify(r.body.blocks)).toContain('*RESOLVED*  ·  *INFO*');
      expect(r.body.text).not.toContain('<!');
    }
  });

  it('skips without any request while the secret still holds the placeholder', async () => {
    const notify = createAlertNotifier({ webhookUrl: async () => SLACK_WEBHOOK_PLACEHOLDER });
    const result = await notify(snsEvent(JSON.stringify(killSwitch)));

    expect(result).toEqual({ posted: 0, skipped: 1 });
    expect(received).toHaveLength(0);
  });

  it('throws a retryable SlackDeliveryError when the webhook answers 5xx, so Lambda retries the delivery', async () => {
    status = 503;
    const notify = createAlertNotifier({ webhookUrl: async () => baseUrl });
    const error = await notify(snsEvent(JSON.stringify(killSwitch))).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(SlackDeliveryError);
    expect(error).toMatchObject({ status: 503, retryable: true, code: 'SLACK_DELIVERY_FAILED' });
    expect(received).toHaveLength(1);
  });

  it('throws a permanent SlackDeliveryError when the webhook is revoked (404)', async () => {
    status = 404;
    const notify = createAlertNotifier({ webhookUrl: async () => baseUrl });
    await expect(notify(snsEvent(JSON.stringify(killSwitch)))).rejects.toMatchObject({ status: 404, retryable: false });
  });

  it('throws a retryable SlackDeliveryError when nothing listens at the webhook', async () => {
    const closed = createServer();
    closed.listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const deadUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise<void>((resolve) => closed.close(() => resolve()));

    const notify = createAlertNotifier({ webhookUrl: async () => deadUrl });
    await expect(notify(snsEvent(JSON.stringify(killSwitch)))).rejects.toMatchObject({ name: 'SlackDeliveryError', status: 0, retryable: true });
  });
});

describe('Slack message formatting', () => {
  it('escapes Slack control characters so alert text cannot ping channels or inject links', () => {
    const payload = toSlackPayload(parseNotice(null, JSON.stringify({ ...killSwitch, message: 'bad <!channel> & <http://evil|click>' })));
    const section = JSON.stringify(payload.blocks);
    expect(section).toContain('bad &lt;!channel&gt; &amp; &lt;http://evil|click&gt;');
    expect(section).not.toContain('<!channel>');
  });

  it.each([
    ['plain text with its subject', 'disk is full', 'Ops notice', { severity: 'warning', kind: 'NOTICE', title: 'Ops notice', message: 'disk is full' }],
    ['plain text without a subject', 'hello', null, { title: 'Stratus notification', message: 'hello' }],
    ['an alarm back to OK', JSON.stringify({ AlarmName: 'A', NewStateValue: 'OK', NewStateReason: 'fine' }), null, { severity: 'info', kind: 'ALARM_OK', title: 'Resolved: A' }],
    ['an alert with an unknown severity', JSON.stringify({ ...killSwitch, severity: 'panic' }), null, { severity: 'warning', kind: 'KILL_SWITCH_TRIPPED' }],
  ])('reads %s', (_name, body, subject, expected) => {
    expect(parseNotice(subject, body)).toMatchObject(expected);
  });

  it('keeps the header within Slack’s 150-character limit', () => {
    const payload = toSlackPayload(parseNotice(null, JSON.stringify({ ...killSwitch, title: 'x'.repeat(400) })));
    expect((payload.blocks[0] as { text: { text: string } }).text.text.length).toBeLessThanOrEqual(150);
  });
});

describe('escalation mention', () => {
  it.each([
    [undefined, '<!channel>'],
    ['', '<!channel>'],
    ['here', '<!here>'],
    ['S0123ABC', '<!subteam^S0123ABC>'],
    ['U024BE7LH', '<@U024BE7LH>'],
    ['<!subteam^S1|oncall>', '<!subteam^S1|oncall>'],
  ])('turns %j into %s', (target, mention) => {
    expect(slackMention(target)).toBe(mention);
  });

  it('refuses a target that is not a Slack id, so a typo does not silently mention nobody', () => {
    expect(() => slackMention('oncall team')).toThrow(RangeError);
  });
});

describe('webhook secret', () => {
  it.each([
    ['a bare URL', ' https://hooks.slack.com/services/A/B/C\n', 'https://hooks.slack.com/services/A/B/C'],
    ['JSON with webhookUrl', '{"webhookUrl":"https://hooks.slack.com/services/A/B/C"}', 'https://hooks.slack.com/services/A/B/C'],
    ['JSON with url', '{"url":"https://hooks.slack.com/x"}', 'https://hooks.slack.com/x'],
    ['JSON without a URL', '{"token":"abc"}', ''],
    ['broken JSON', '{"url":', ''],
  ])('parses %s', (_name, secret, url) => {
    expect(parseWebhookSecret(secret)).toBe(url);
  });

  it.each([
    [SLACK_WEBHOOK_PLACEHOLDER, false],
    ['', false],
    ['not a url', false],
    ['ftp://hooks.slack.com/x', false],
    ['https://hooks.slack.com/services/A/B/C', true],
  ])('treats %j as usable: %s', (value, usable) => {
    expect(isUsableWebhook(value)).toBe(usable);
  });
});
