/**
 * Alert dedup episodes in the state table: one item per (kind, key), pk ALERT#{kind}#{key}, sk ALERT, the
 * episode as JSON, `version` (N) for conditional writes and `expiresAt` (epoch s, TTL) a week after the
 * episode's last activity. An episode due to escalate is also on the byType index (gsi1pk ALERT_ESCALATION,
 * gsi1sk its escalateAt), so the sweep is one Query. Single-item conditional Put only: works on dynalite.
 */
import { GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AlertEpisode } from '../domain/alert-dedup.js';
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

/** Partition key of the episode item of (kind, key). */
export function alertStatePk(kind: string, key: string): string {
  return `${ALERT_STATE_TYPE}#${kind}#${key}`;
}

/** AlertStateStore on DynamoDB (or dynalite): the state table named in the config. */
export class DynamoAlertStateStore implements AlertStateStore {
  readonly #client: DynamoDBDocumentClient;
  readonly #table: string;

  constructor(props: { readonly tableName: string; readonly client?: DynamoDBDocumentClient }) {
    this.#client = props.client ?? dynamoDocumentClient();
    this.#table = props.tableName;
  }

  async get(kind: string, key: string): Promise<Versioned<AlertEpisode> | undefined> {
    const out = await translateAwsErrors(`get alert state ${kind}`, () => this.#client.send(new GetCommand({
      TableName: this.#table, Key: { [KEY.pk]: alertStatePk(kind, key), [KEY.sk]: ALERT_STATE_TYPE }, ConsistentRead: true,
    })));
    const item = out.Item;
    return item ? { value: JSON.parse(String(item.episode)) as AlertEpisode, version: Number(item.version) } : undefined;
  }

  async put(episode: AlertEpisode, expected: number): Promise<boolean> {
    const lastActivity = Math.max(episode.lastSeenAt, episode.escalateAt ?? 0, episode.resolvedAt ?? 0);
    const item = {
      [KEY.pk]: alertStatePk(episode.kind, episode.key), [KEY.sk]: ALERT_STATE_TYPE,
      episode: JSON.stringify(episode), version: expected + 1,
      [TABLES.state.ttlAttribute!]: Math.ceil((lastActivity + ALERT_STATE_RETAIN_MS) / 1000),
      ...(episode.escalateAt === undefined || episode.resolvedAt !== undefined ? {} : {
        [STATE_BY_TYPE_INDEX.pk]: ALERT_ESCALATION_TYPE, [STATE_BY_TYPE_INDEX.sk]: pad13(episode.escalateAt),
      }),
    };
    return conditionalWrite(`put alert state ${episode.kind}`, () => this.#client.send(new PutCommand({
      TableName: this.#table, Item: item,
      ...(expected === 0
        ? { ConditionExpression: 'attribute_not_exists(#pk)', ExpressionAttributeNames: { '#pk': KEY.pk } }
        : { ConditionExpression: '#v = :v', ExpressionAttributeNames: { '#v': 'version' }, ExpressionAttributeValues: { ':v': expected } }),
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
      episodes.push(...(out.Items ?? []).map((i) => JSON.parse(String(i.episode)) as AlertEpisode));
      startKey = out.LastEvaluatedKey;
    } while (startKey);
    return episodes;
  }
}
