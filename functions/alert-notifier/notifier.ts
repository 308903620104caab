import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { SNSEvent } from 'aws-lambda';
import { redactDeep } from '../../shared/adapters/redaction.js';
import { StratusError } from '../../shared/domain/errors.js';
import { ALERT_ENV } from '../../shared/resources.js';
import { logger, metrics } from '../../shared/runtime/observability.js';
import { SLACK_WEBHOOK_PLACEHOLDER } from './placeholder.js';
import { parseNotice, slackMention, toSlackPayload } from './slack-message.js';

/** Slack did not accept a message. Retryable for 429 and 5xx (Lambda retries the async invoke). */
export class SlackDeliveryError extends StratusError {
  override readonly name = 'SlackDeliveryError';
  constructor(readonly status: number, options?: { cause?: unknown }) {
    super('SLACK_DELIVERY_FAILED', `Slack webhook answered ${status || 'nothing'}`, status === 0 || status === 429 || status >= 500, options);
  }
}

/** Optional environment variable of the notifier: who ESCALATED alerts mention (see slackMention). */
export const SLACK_MENTION_ENV = ALERT_ENV.slackMention;

/** What the notifier needs from outside: the webhook URL (resolved once per environment) and an HTTP client. */
export interface NotifierDeps {
  readonly webhookUrl: () => Promise<string>;
  readonly fetch?: typeof fetch;
  /** @default 5000 */
  readonly timeoutMs?: number;
  /** Who ESCALATED messages mention (slackMention: here, channel, U…/W… user, S… group); @channel by default. */
  readonly mention?: string;
}

/** Outcome of one invocation. */
export interface NotifierResult {
  readonly posted: number;
  readonly skipped: number;
}

/** Builds the SNS subscriber: each record → one Slack message; skips (and says so) while the webhook is unset. */
export function createAlertNotifier(deps: NotifierDeps) {
  const post = deps.fetch ?? fetch;
  const timeoutMs = deps.timeoutMs ?? 5000;
  const mention = slackMention(deps.mention);
  return async function notifySlack(event: SNSEvent): Promise<NotifierResult> {
    const url = await deps.webhookUrl();
    if (!isUsableWebhook(url)) {
      logger.warn('Slack webhook secret is not set (still the placeholder or not a URL); alert not forwarded', { records: event.Records.length });
      metrics.addMetric('alertsSkipped', MetricUnit.Count, event.Records.length);
      return { posted: 0, skipped: event.Records.length };
    }
    for (const record of event.Records) {
      const notice = parseNotice(record.Sns.Subject, record.Sns.Message);
      let status = 0;
      try {
        const res = await post(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(redactDeep(toSlackPayload(notice, mention))),
          signal: AbortSignal.timeout(timeoutMs),
        });
        status = res.status;
        await res.body?.cancel();
      } catch (cause) {
        throw new SlackDeliveryError(0, { cause });
      }
      if (status < 200 || status >= 300) throw new SlackDeliveryError(status);
      logger.info('alert forwarded to Slack', { kind: notice.kind, severity: notice.severity, messageId: record.Sns.MessageId });
    }
    metrics.addMetric('alertsForwarded', MetricUnit.Count, event.Records.length);
    return { posted: event.Records.length, skipped: 0 };
  };
}

/** True when `value` is an http(s) URL rather than the placeholder the secret is created with. */
export function isUsableWebhook(value: string): boolean {
  if (value.trim() === '' || value === SLACK_WEBHOOK_PLACEHOLDER) return false;
  try {
    const u = new URL(value);
    return u.protocol === 'https:' || u.protocol === 'http:';
  } catch {
    return false;
  }
}
