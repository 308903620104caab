/**
 * PolicyStore on the policy table. The operator writes one item, pk POLICY sk
 * ACTIVE, with `version` (N) and `document` (a JSON string or a map). load()
 * validates it; a valid one is copied to LAST_VALID (and to history, V#…), an
 * invalid one is recorded once per version (pk POLICY_REJECTION) and never takes
 * effect. Rules: policy-codec.ts.
 */
import { BatchGetCommand, GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { LoadedPolicy, ValidationContext } from '../domain/policy.js';
import type { ReadinessFacts } from '../domain/readiness.js';
import type { Clock, PolicyStore } from '../ports.js';
import { dynamoDocumentClient } from './aws-clients.js';
import { DynamoReadinessStore } from './dynamo-readiness-store.js';
import type { Item } from './codec.js';
import {
  hashIfValidWith, historyItem, lastValidItem, policyDocumentAttribute, policyKeys, promotedHistoryItem, readHistoryItem,
  readRejectionItem, rejectionItem, resolvePolicyWith, versionOf,
  type PolicyRecords, type PolicyResolution, type ValidationSource, type PolicyRejection, type PolicyVersion,
} from './policy-codec.js';
import { PolicyWriteConflictError, conditionalWrite, translateAwsErrors } from './errors.js';

const systemClock: Clock = { now: () => Date.now() };
/** BatchGetItem rounds for unprocessed keys before falling back to two GetItems. */
const MAX_BATCH_ROUNDS = 3;

/**
 * PolicyStore on DynamoDB (or dynalite). Loaders need write access too: they maintain LAST_VALID, history
 * and rejections. `validation` holds the deployment facts documents are checked against (e.g. exchange keys).
 */
export class DynamoPolicyStore implements PolicyStore, PolicyRecords {
  readonly #client: DynamoDBDocumentClient;
  readonly #table: string;
  readonly #clock: Clock;
  readonly #validation: ValidationSource;
  /** Rejections this container could not record, so each is still reported as first seen only once. */
  readonly #unrecorded = new Set<string>();
  /** The last resolution and the raw items it came from: unchanged items are not parsed and validated again. */
  #last: { readonly key: string; readonly resolution: PolicyResolution } | undefined;
  /** The go-live records (GOLIVE items of this table) when the gate is on, and the facts the last LIVE validation read. */
  readonly #goLive: DynamoReadinessStore | undefined;
  #facts: ReadinessFacts | undefined;

  constructor(props: {
    readonly tableName: string; readonly client?: DynamoDBDocumentClient; readonly clock?: Clock; readonly validation?: ValidationSource;
    /** Check LIVE documents against the go-live records (LIVE_NOT_READY) and stamp liveSince: on in every deployed reader. */
    readonly goLiveGate?: boolean;
  }) {
    this.#client = props.client ?? dynamoDocumentClient();
    this.#table = props.tableName;
    this.#clock = props.clock ?? systemClock;
    this.#goLive = props.goLiveGate ? new DynamoReadinessStore({ tableName: props.tableName, client: this.#client }) : undefined;
    this.#validation = this.#goLive ? withReadiness(props.validation ?? {}, () => this.#readFacts()) : (props.validation ?? {});
  }

  /** The policy in force; sets `rejected` (firstSeen on the load that recorded it) when ACTIVE is invalid; `liveSince` for LIVE under the gate. */
  async load(): Promise<LoadedPolicy> {
    return this.#stampLiveSince(await this.#load(), true);
  }

  async #load(): Promise<LoadedPolicy> {
    const [active, lastValid] = await this.#getPair();
    const resolution = await this.#resolve(active, lastValid);
    const { promote, reject } = resolution;
    if (promote && active) {
      await conditionalWrite('policy last-valid', () => this.#client.send(new PutCommand({
        TableName: this.#table, Item: lastValidItem(promote, this.#clock.now()),
        ConditionExpression: 'attribute_not_exists(pk) OR NOT attribute_type(#v, :number) OR #v < :v OR (#v = :v AND #h <> :h)',
        ExpressionAttributeNames: { '#v': 'version', '#h': 'hash' },
        ExpressionAttributeValues: { ':number': 'N', ':v': promote.version, ':h': promote.hash },
      })));
      await conditionalWrite('policy history', () => this.#client.send(new PutCommand({
        TableName: this.#table, Item: promotedHistoryItem(active, promote, this.#clock.now()), ConditionExpression: 'attribute_not_exists(pk)',
      })));
    }
    if (reject && active && resolution.loaded.rejected) {
      const { firstSeen, recorded } = await this.#recordRejection(reject, active);
      return { ...resolution.loaded, rejected: { ...resolution.loaded.rejected, firstSeen, ...(recorded ? {} : { recorded }) } };
    }
    return resolution.loaded;
  }

  /**
   * Writes the rejection record once per key; if the put fails, retries with a minimal record. If that fails too, the
   * rejection is still reported (firstSeen once per container, recorded: false): a failed record never stops the loader.
   */
  async #recordRejection(reject: NonNullable<PolicyResolution['reject']>, active: Item): Promise<{ firstSeen: boolean; recorded: boolean }> {
    const put = (minimal: boolean) => conditionalWrite('policy rejection', () => this.#client.send(new PutCommand({
      TableName: this.#table, Item: rejectionItem(reject, active, this.#clock.now(), minimal), ConditionExpression: 'attribute_not_exists(pk)',
    })));
    try {
      return { firstSeen: await put(false), recorded: true };
    } catch {
      try {
        return { firstSeen: await put(true), recorded: true };
      } catch {
        const id = `${reject.key.pk}/${reject.key.sk}`;
        const firstSeen = !this.#unrecorded.has(id);
        this.#unrecorded.add(id);
        return { firstSeen, recorded: false };
      }
    }
  }

  /**
   * The policy in force, read-only: no LAST_VALID or rejection record is written and `rejected.firstSeen`
   * stays unset. For readers that do not alert (CLI `policy show`, the market stream), so they never
   * consume the one first-seen flag the alerting functions rely on.
   */
  async peek(): Promise<LoadedPolicy> {
    const [active, lastValid] = await this.#getPair();
    return this.#stampLiveSince((await this.#resolve(active, lastValid)).loaded, false);
  }

  /** The go-live facts for a LIVE validation; unreadable records refuse LIVE (fail closed), they never throw. */
  async #readFacts(): Promise<ReadinessFacts> {
    const facts = await this.#goLive!.records().catch((err: unknown): ReadinessFacts => ({ signoffs: [], unreadable: String((err as Error)?.message ?? err) }));
    this.#facts = { ...facts, readAt: this.#clock.now() };
    return this.#facts;
  }

  /** A LIVE policy in force under the gate carries liveSince; the loader that first sees one in force records it. */
  async #stampLiveSince(loaded: LoadedPolicy, mark: boolean): Promise<LoadedPolicy> {
    if (!this.#goLive || loaded.policy.mode !== 'LIVE') return loaded;
    const known = this.#facts?.liveSince;
    const liveSince = known ?? (mark ? await this.#goLive.markLiveSince(this.#clock.now()) : undefined);
    return liveSince === undefined ? loaded : { ...loaded, liveSince };
  }

  /**
   * Stores `document` as ACTIVE at the next version (above every version seen), conditional on the
   * ACTIVE item being unchanged since it was read; throws PolicyWriteConflictError when another writer won.
   */
  async write(document: unknown, meta: { by: string; at: number }): Promise<{ version: number }> {
    const stored = policyDocumentAttribute(document);
    const [active, lastValid, newest] = await Promise.all([
      this.#get(policyKeys.active), this.#get(policyKeys.lastValid), this.#query(policyKeys.active.pk, policyKeys.historyPrefix, 1),
    ]);
    const version = Math.max(versionOf(active), versionOf(lastValid), versionOf(newest[0])) + 1;
    const body = { version, document: stored, updatedBy: meta.by, updatedAt: meta.at };
    const won = await conditionalWrite('policy write', () => this.#client.send(new PutCommand({
      TableName: this.#table, Item: { ...policyKeys.active, ...body }, ...unchangedSince(active),
    })));
    if (!won) throw new PolicyWriteConflictError(versionOf(active));
    const history = historyItem(version, stored, meta, await hashIfValidWith(stored, this.#validation));
    await translateAwsErrors('policy history', () => this.#client.send(new PutCommand({ TableName: this.#table, Item: history })));
    return { version };
  }

  /** The deployment facts a LIVE document is validated against here (exchange keys, go-live records), for the CLI's pre-check. */
  async liveValidation(): Promise<ValidationContext> {
    return typeof this.#validation === 'function' ? this.#validation() : this.#validation;
  }

  /** Written versions (V#… items), newest first. */
  async history(limit?: number): Promise<PolicyVersion[]> {
    return (await this.#query(policyKeys.active.pk, policyKeys.historyPrefix, limit)).map(readHistoryItem);
  }

  /** Rejection records, newest version first. */
  async rejections(limit?: number): Promise<PolicyRejection[]> {
    return (await this.#query(policyKeys.rejection(0).pk, '', limit)).map(readRejectionItem);
  }

  /**
   * resolvePolicyWith, reusing the previous resolution when both raw items are the same as last time (a pure function
   * of them) — never for items that mention LIVE, whose check of the exchange keys is asked again on every load.
   */
  async #resolve(active: Item | undefined, lastValid: Item | undefined): Promise<PolicyResolution> {
    const raw = rawKey([active ?? null, lastValid ?? null]);
    const key = raw?.includes('LIVE') ? undefined : raw;
    if (key !== undefined && this.#last?.key === key) return this.#last.resolution;
    const resolution = await resolvePolicyWith(active, lastValid, this.#validation);
    this.#last = key === undefined ? undefined : { key, resolution };
    return resolution;
  }

  /** ACTIVE and LAST_VALID in one consistent BatchGetItem (retrying unprocessed keys), as two GetItems would read them. */
  async #getPair(): Promise<[Item | undefined, Item | undefined]> {
    const found: Item[] = [];
    let keys: Record<string, unknown>[] = [policyKeys.active, policyKeys.lastValid];
    for (let round = 0; keys.length > 0; round++) {
      if (round >= MAX_BATCH_ROUNDS) return Promise.all([this.#get(policyKeys.active), this.#get(policyKeys.lastValid)]);
      const out = await translateAwsErrors('policy read', () => this.#client.send(new BatchGetCommand({
        RequestItems: { [this.#table]: { Keys: keys, ConsistentRead: true } },
      })));
      found.push(...(out.Responses?.[this.#table] ?? []));
      keys = out.UnprocessedKeys?.[this.#table]?.Keys ?? [];
    }
    const pick = (key: { pk: string; sk: string }) => found.find((item) => item['pk'] === key.pk && item['sk'] === key.sk);
    return [pick(policyKeys.active), pick(policyKeys.lastValid)];
  }

  async #get(key: { pk: string; sk: string }): Promise<Item | undefined> {
    const out = await translateAwsErrors('policy read', () =>
      this.#client.send(new GetCommand({ TableName: this.#table, Key: key, ConsistentRead: true })));
    return out.Item;
  }

  /** Items of one partition whose sort key starts with `prefix`, descending, up to `limit` (all when absent). */
  async #query(pk: string, prefix: string, limit?: number): Promise<Item[]> {
    const out: Item[] = [];
    if (limit !== undefined && !(limit > 0)) return out;
    let start: Record<string, unknown> | undefined;
    do {
      const page = await translateAwsErrors('policy query', () => this.#client.send(new QueryCommand({
        TableName: this.#table,
        KeyConditionExpression: prefix ? 'pk = :pk AND begins_with(sk, :prefix)' : 'pk = :pk',
        ExpressionAttributeValues: { ':pk': pk, ...(prefix ? { ':prefix': prefix } : {}) },
        ScanIndexForward: false, ConsistentRead: true, ExclusiveStartKey: start,
        ...(limit === undefined ? {} : { Limit: limit - out.length }),
      })));
      out.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start && (limit === undefined || out.length < limit));
    return out;
  }
}

/** `source` with the go-live facts added for LIVE documents (a lazy source stays lazy: asked only for LIVE). */
function withReadiness(source: ValidationSource, facts: () => Promise<ReadinessFacts>): ValidationSource {
  return async () => ({ ...(typeof source === 'function' ? await source() : source), liveReadiness: await facts() });
}

/** The items as exact JSON, or undefined when they hold a value JSON cannot tell apart (sets, binary, bigint, -0, ±Infinity). */
function rawKey(items: unknown): string | undefined {
  try {
    return JSON.stringify(items, (_key, value: unknown) => {
      const odd = value instanceof Set || value instanceof Uint8Array || typeof value === 'bigint'
        || (typeof value === 'number' && (!Number.isFinite(value) || Object.is(value, -0)));
      if (odd) throw new TypeError('not plain JSON');
      return value;
    });
  } catch {
    return undefined;
  }
}

/** Condition that the ACTIVE item is still the one read: absent, or with the same raw version attribute. */
function unchangedSince(active: Item | undefined) {
  if (!active) return { ConditionExpression: 'attribute_not_exists(pk)' };
  const names = { '#v': 'version' };
  if (!('version' in active)) return { ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(#v)', ExpressionAttributeNames: names };
  return { ConditionExpression: '#v = :seen', ExpressionAttributeNames: names, ExpressionAttributeValues: { ':seen': active['version'] } };
}
