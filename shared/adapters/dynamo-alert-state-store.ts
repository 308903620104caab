/**
 * Alert dedup episodes in the state table: one item per (kind, key), pk ALERT#STATE#{kind}#{key}, sk ALERT, the
 * episode's decision state as JSON with its counters (`seen`, `suppressed`) and latest report beside it,
 * `version` (N, moved by every write) and `expiresAt` (epoch s, TTL) a week after the episode's last activity. An episode due to
 * escalate is also on the byType index (gsi1pk ALERT_ESCALATION, gsi1sk its escalateAt), so the sweep is one
 * Query. Single-item conditional Put only (PutItem is all a read-only function is granted on ALERT# keys): works on dynalite.
 */
import { GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AlertEpisode, Alert } from '../domain/alert-dedup.js';
import type { Versioned } from '../ports.js';
import { KEY, STATE_BY_TYPE_INDEX, TABLES } from '../resources.js';
import { dynamoDocumentClient } from './aws-clients.js';
import { pad13 } from './codec.js';
import { conditionalWrite, translateAwsErrors } from './errors.js';
import type { AlertStateStore } from './memory-alert-state-store.js';

/** Sort key of alert episode items. */
export const ALERT_STATE_TYPE = 'ALERT';

/** byType index partition of the episodes waiting to escalate. */
export const ALERT_ESCALATION_TYPE = 'ALERT_ESCALATION';

/** How long an episode item outlives its last activity before TTL removes it. */
export const ALERT_STATE_RETAIN_MS = 7 * 86_400_000;

/** Partition key of the episode item of (kind, key); under ALERT#, beside the daily ALERT#<day> records (one IAM prefix). */
export function alertStatePk(kind: string, key: string): string {
  return `ALERT#STATE#${kind}#${key}`;
}

const TTL = TABLES.state.ttlAttribute!;

/** TTL (epoch s): a week after the episode's last activity. */
function expiresAt(e: AlertEpisode, lastSeenAt: number): number {
  return Math.ceil((Math.max(lastSeenAt, e.escalateAt ?? 0, e.resolvedAt ?? 0) + ALERT_STATE_RETAIN_MS) / 1000);
}

/** The episode of an item: the decision state (JSON) with the counters kept as their own attributes. */
function fromItem(item: Record<string, unknown>): AlertEpisode {
  const episode = JSON.parse(String(item.episode)) as Omit<AlertEpisode, 'seen' | 'suppressed' | 'suppressedSince' | 'lastSeenAt' | 'last'>;
  return {
    ...episode, seen: Number(item.seen), suppressed: Number(item.suppressed), lastSeenAt: Number(item.lastSeenAt),
    last: JSON.parse(String(item.last)) as Alert, ...(item.suppressedSince === undefined ? {} : { suppressedSince: Number(item.suppressedSince) }),
  };
}

/** AlertStateStore on DynamoDB (or dynalite): the state table named in the config. */
export class DynamoAlertStateStore implements AlertStateStore {
  readonly #client: DynamoDBDocumentClient;
  readonly #table: string;

  constructor(props: { readonly tableName: string; readonly client?: DynamoDBDocumentClient }) {
    this.#client = props.client ?? dynamoDocumentClient();
    this.#table = props.tableName;
  }

  #key(kind: string, key: string) {
    return { [KEY.pk]: alertStatePk(kind, key), [KEY.sk]: ALERT_STATE_TYPE };
  }

  async get(kind: string, key: string): Promise<Versioned<AlertEpisode> | undefined> {
    const out = await translateAwsErrors(`get alert state ${kind}`, () => this.#client.send(new GetCommand({
      TableName: this.#table, Key: this.#key(kind, key), ConsistentRead: true,
    })));
    return out.Item ? { value: fromItem(out.Item), version: Number(out.Item.version) } : undefined;
  }

  async put(next: AlertEpisode, prev: Versioned<AlertEpisode> | undefined): Promise<boolean> {
    const { seen, suppressed, suppressedSince, lastSeenAt, last, ...episode } = next;
    const item = {
      ...this.#key(next.kind, next.key), episode: JSON.stringify(episode), version: (prev?.version ?? 0) + 1,
      seen, suppressed, lastSeenAt, last: JSON.stringify(last), ...(suppressedSince === undefined ? {} : { suppressedSince }),
      [TTL]: expiresAt(next, lastSeenAt),
      ...(next.escalateAt === undefined || next.resolvedAt !== undefined ? {} : {
        [STATE_BY_TYPE_INDEX.pk]: ALERT_ESCALATION_TYPE, [STATE_BY_TYPE_INDEX.sk]: pad13(next.escalateAt),
      }),
    };
    return conditionalWrite(`put alert state ${next.kind}`, () => this.#client.send(new PutCommand({
      TableName: this.#table, Item: item,
      ...(prev === undefined
        ? { ConditionExpression: 'attribute_not_exists(#pk)', ExpressionAttributeNames: { '#pk': KEY.pk } }
        : {
          ConditionExpression: '#v = :v', ExpressionAttributeNames: { '#v': 'version' }, ExpressionAttributeValues: { ':v': prev.version },
        }),
    })));
  }

  async dueEscalations(now: number): Promise<AlertEpisode[]> {
    const episodes: AlertEpisode[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const out = await translateAwsErrors('list due alert escalations', () => this.#client.send(new QueryCommand({
        TableName: this.#table, IndexName: STATE_BY_TYPE_INDEX.name,
        KeyConditionExpression: '#gpk = :type AND #gsk <= :now',
        ExpressionAttributeNames: { '#gpk': STATE_BY_TYPE_INDEX.pk, '#gsk': STATE_BY_TYPE_INDEX.sk },
        ExpressionAttributeValues: { ':type': ALERT_ESCALATION_TYPE, ':now': pad13(Math.max(0, Math.floor(now))) },
        ExclusiveStartKey: startKey,
      })));
      episodes.push(...(out.Items ?? []).map(fromItem));
      startKey = out.LastEvaluatedKey;
    } while (startKey);
    return episodes;
  }
}
