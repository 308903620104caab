/** Alerts on an SNS topic: email/Slack subscribers read the subject, filters match severity and kind. */
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { Alert, AlertKind, Alerts } from '../ports.js';
import { snsClient } from './aws-clients.js';
import { translateAwsErrors } from './errors.js';
import { redactDeep } from './redaction.js';

/** SNS rejects a Subject longer than this. */
export const SNS_SUBJECT_MAX = 100;

/**
 * The email subject of an alert: "[CRITICAL] title", printable ASCII on one line (SNS rules),
 * cut to SNS_SUBJECT_MAX characters.
 */
export function alertSubject(alert: Pick<Alert, 'severity' | 'title' | 'kind'>): string {
  const clean = (s: string) => s.replace(/[\r\n\t]+/g, ' ').replace(/[^\x20-\x7e]/g, '?').trim();
  const subject = `[${alert.severity.toUpperCase()}] ${clean(alert.title) || clean(alert.kind)}`;
  return subject.length <= SNS_SUBJECT_MAX ? subject : `${subject.slice(0, SNS_SUBJECT_MAX - 3)}...`;
}

/** Publishes each alert, credentials redacted (redaction.ts), as JSON with `severity` and `kind` message attributes. */
export class SnsAlerts implements Alerts {
  /** The given client, else the shared one, built on the first send (a cold start that sends nothing never builds it). */
  readonly #client: () => SNSClient;
  readonly #topicArn: string;

  constructor(props: { readonly topicArn: string; readonly client?: SNSClient }) {
    const given = props.client;
    this.#client = given ? () => given : () => snsClient();
    this.#topicArn = props.topicArn;
  }

  async publish(raw: Alert): Promise<void> {
    const alert = redactDeep(raw);
    await translateAwsErrors(`publish ${alert.kind}`, () => this.#client().send(new PublishCommand({
      TopicArn: this.#topicArn,
      Subject: alertSubject(alert),
      Message: JSON.stringify(alert),
      MessageAttributes: {
        severity: { DataType: 'String', StringValue: alert.severity },
        kind: { DataType: 'String', StringValue: alert.kind },
      },
    })));
  }

  /** Stateless: with no record that the condition was alerted, no RESOLVED can be sent exactly once (DedupingAlerts does). */
  async resolve(_kind: AlertKind, _key: string | undefined, _at: number): Promise<void> {}

  /** Stateless: nothing to escalate (DedupingAlerts does). */
  async escalateDue(): Promise<number> {
    return 0;
  }
}
