/**
 * OpsRecordStore on the state table: RUN#<job> items (LAST = last successful run, FAILED = last failed
 * run; one put per run) and ALERT#<YYYY-MM-DD> items (one per published alert, sorted by time, TTL 40 days).
 */
import { createHash } from 'node:crypto';
import { PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Alert } from '../ports.js';
import type { AlertRecord, OpsRecordStore, RunRecord } from '../services/ops-records.js';
import { dynamoDocumentClient } from './aws-clients.js';
import { pad13 } from './codec.js';
import { translateAwsErrors } from './errors.js';

const DAY_MS = 86_400_000;
/** Alert items expire this long after they were published (DynamoDB TTL, epoch seconds in expiresAt). */
export const ALERT_RETENTION_MS = 40 * DAY_MS;

/** Partition key of the alerts published on the UTC day containing `at`. */
export const alertPk = (at: number): string => `ALERT#${new Date(Math.floor(at / DAY_MS) * DAY_MS).toISOString().slice(0, 10)}`;

/** OpsRecordStore on DynamoDB (or dynalite). */
export class DynamoOpsRecords implements OpsRecordStore {
  readonly #client: DynamoDBDocumentClient;
  readonly #table: string;

  constructor(props: { readonly tableName: string; readonly client?: DynamoDBDocumentClient }) {
    this.#client = props.client ?? dynamoDocumentClient();
    this.#table = props.tableName;
  }

  async getRuns(job: string): Promise<{ ok?: RunRecord; failed?: RunRecord }> {
    const out = await translateAwsErrors('getRuns', () => this.#client.send(new QueryCommand({
      TableName: this.#table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `RUN#${job}` }, ConsistentRead: true,
    })));
    const runs: { ok?: RunRecord; failed?: RunRecord } = {};
    for (const item of out.Items ?? []) {
      const { pk: _pk, sk, ...run } = item;
      if (typeof run.at !== 'number' || typeof run.ok !== 'boolean') continue;
      if (sk === 'LAST') runs.ok = run as unknown as RunRecord;
      if (sk === 'FAILED') runs.failed = run as unknown as RunRecord;
    }
    return runs;
  }

  async putRun(run: RunRecord): Promise<void> {
    await translateAwsErrors('putRun', () => this.#client.send(new PutCommand({
      TableName: this.#table, Item: { pk: `RUN#${run.job}`, sk: run.ok ? 'LAST' : 'FAILED', ...run },
    })));
  }

  async putAlert(alert: Alert): Promise<void> {
    const id = createHash('sha256').update(`${alert.kind}|${alert.title}|${alert.message}`).digest('hex').slice(0, 12);
    await translateAwsErrors('putAlert', () => this.#client.send(new PutCommand({
      TableName: this.#table,
      Item: {
        pk: alertPk(alert.at), sk: `${pad13(alert.at)}#${alert.kind}#${id}`,
        at: alert.at, severity: alert.severity, kind: alert.kind, title: alert.title.slice(0, 200),
        expiresAt: Math.floor((alert.at + ALERT_RETENTION_MS) / 1000),
      },
    })));
  }

  async listAlerts(from: number, to: number): Promise<AlertRecord[]> {
    const out: AlertRecord[] = [];
    for (let day = Math.floor(from / DAY_MS) * DAY_MS; day < to; day += DAY_MS) {
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await translateAwsErrors('listAlerts', () => this.#client.send(new QueryCommand({
          TableName: this.#table,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
          ExpressionAttributeValues: { ':pk': alertPk(day), ':from': pad13(Math.max(from, day)), ':to': `${pad13(Math.min(to, day + DAY_MS) - 1)}~` },
          ExclusiveStartKey: startKey,
        })));
        for (const i of page.Items ?? []) out.push({ at: Number(i.at), severity: i.severity, kind: String(i.kind), title: String(i.title) });
        startKey = page.LastEvaluatedKey;
      } while (startKey);
    }
    return out;
  }
}

/** Alerts that also keep a compact ALERT# record of each alert they publish (for the daily report); recording never blocks the alert. */
export function recordingAlerts<A extends { publish(alert: Alert): Promise<void> }>(inner: A, records: Pick<OpsRecordStore, 'putAlert'>): A {
  async function publishAndRecord(alert: Alert): Promise<void> {
    await inner.publish(alert);
    await records.putAlert(alert).catch(() => undefined);
  }
  return new Proxy(inner, {
    get(target, prop) {
      if (prop === 'publish') return publishAndRecord;
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}
