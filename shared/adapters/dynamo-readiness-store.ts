/**
 * The go-live records, on the policy table under pk GOLIVE (every function that loads the policy already reads that
 * table, so the gate needs no new IAM grant): VERDICT#<at> (each recorded go-live-check), SIGNOFF#<at>#<role>#<by>,
 * OVERRIDE#<at>, EVIDENCE#WALK_FORWARD / EVIDENCE#COST_SWEEP (the latest recorded research summaries) — written by the
 * operator only (IAM denies the functions writes to pk GOLIVE, lib/go-live-grants.ts) — and, under pk POLICY, LIVE_SINCE
 * (when the first LIVE policy took effect; written once, by the loader that first sees it). Readers are tolerant: an
 * odd item is skipped, never thrown on.
 */
import { GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { CostSweepEvidence, WalkForwardEvidence } from '../domain/readiness-checks.js';
import { GOLIVE_PK, type GoLiveOverride, type ReadinessCheck, type ReadinessFacts, type ReadinessVerdict, type SignOff } from '../domain/readiness.js';
import { dynamoDocumentClient } from './aws-clients.js';
import { pad13, type Item } from './codec.js';
import { conditionalWrite, translateAwsErrors } from './errors.js';

/** Key of the first-LIVE mark: in the POLICY partition, which the loaders may write (GOLIVE they may not). */
export const LIVE_SINCE_KEY = { pk: 'POLICY', sk: 'LIVE_SINCE' } as const;

/** Everything recorded for the gate: the facts the functions read plus the research evidence go-live-check reads. */
export interface GoLiveRecords extends ReadinessFacts {
  readonly walkForward?: WalkForwardEvidence;
  readonly costSweep?: CostSweepEvidence;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** The go-live records on DynamoDB (or dynalite). */
export class DynamoReadinessStore {
  readonly #client: DynamoDBDocumentClient;
  readonly #table: string;

  constructor(props: { readonly tableName: string; readonly client?: DynamoDBDocumentClient }) {
    this.#client = props.client ?? dynamoDocumentClient();
    this.#table = props.tableName;
  }

  /** Every go-live record: one consistent Query of the GOLIVE partition (paged) and the LIVE_SINCE item. */
  async records(): Promise<GoLiveRecords> {
    const [items, since] = await Promise.all([
      this.#partition(),
      translateAwsErrors('go-live live-since', () => this.#client.send(new GetCommand({ TableName: this.#table, Key: LIVE_SINCE_KEY, ConsistentRead: true }))),
    ]);
    return fromItems(since.Item ? [...items, { ...since.Item, sk: 'LIVE_SINCE' }] : items);
  }

  async #partition(): Promise<Item[]> {
    const items: Item[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await translateAwsErrors('go-live records', () => this.#client.send(new QueryCommand({
        TableName: this.#table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': GOLIVE_PK },
        ConsistentRead: true, ExclusiveStartKey: start,
      })));
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    return items;
  }

  /** Records a go-live-check run. */
  async putVerdict(v: ReadinessVerdict): Promise<void> {
    await this.#put({ sk: `VERDICT#${pad13(v.at)}`, at: v.at, passed: v.passed, by: v.by, checks: v.checks.map((c) => ({ ...c })) });
  }

  /** Records one sign-off (never overwritten: one item per time, role and signer). */
  async putSignoff(s: SignOff): Promise<void> {
    await this.#put({ sk: `SIGNOFF#${pad13(s.at)}#${s.role}#${s.by}`, ...s });
  }

  /** Records an override of the checklist (it counts only once signed off in role override by someone else). */
  async putOverride(o: GoLiveOverride): Promise<void> {
    await this.#put({ sk: `OVERRIDE#${pad13(o.at)}`, ...o });
  }

  /** Records the latest walk-forward or cost-sweep summary (replacing the previous one). */
  async putEvidence(e: { kind: 'walkForward'; value: WalkForwardEvidence } | { kind: 'costSweep'; value: CostSweepEvidence }): Promise<void> {
    await this.#put({ sk: e.kind === 'walkForward' ? 'EVIDENCE#WALK_FORWARD' : 'EVIDENCE#COST_SWEEP', value: JSON.stringify(e.value) });
  }

  /** Marks when the first LIVE policy took effect (conditional: the first mark stays); returns the mark in force. */
  async markLiveSince(at: number): Promise<number> {
    const won = await conditionalWrite('go-live live-since', () => this.#client.send(new PutCommand({
      TableName: this.#table, Item: { ...LIVE_SINCE_KEY, at }, ConditionExpression: 'attribute_not_exists(pk)',
    })));
    return won ? at : ((await this.records()).liveSince ?? at);
  }

  async #put(item: Item): Promise<void> {
    await translateAwsErrors('go-live record', () => this.#client.send(new PutCommand({ TableName: this.#table, Item: { pk: GOLIVE_PK, ...item } })));
  }
}

/** The records of the GOLIVE items: the newest verdict and override, every sign-off (oldest first), the evidence. */
export function fromItems(items: readonly Item[]): GoLiveRecords {
  const signoffs: SignOff[] = [];
  let verdict: ReadinessVerdict | undefined;
  let override: GoLiveOverride | undefined;
  let liveSince: number | undefined;
  let walkForward: WalkForwardEvidence | undefined;
  let costSweep: CostSweepEvidence | undefined;
  for (const i of [...items].sort((a, b) => String(a['sk']).localeCompare(String(b['sk'])))) {
    const sk = String(i['sk']);
    const at = num(i['at']);
    if (sk.startsWith('VERDICT#') && at !== undefined && typeof i['passed'] === 'boolean') {
      verdict = { at, passed: i['passed'], by: str(i['by']) ?? 'unknown', checks: Array.isArray(i['checks']) ? (i['checks'] as unknown[]).filter(isCheck) : [] };
    } else if (sk.startsWith('SIGNOFF#') && at !== undefined && str(i['role']) && str(i['by'])) {
      signoffs.push({ role: str(i['role'])!, by: str(i['by'])!, at, note: str(i['note']) ?? '' });
    } else if (sk.startsWith('OVERRIDE#') && at !== undefined && str(i['by'])) {
      override = { by: str(i['by'])!, reason: str(i['reason']) ?? '', at };
    } else if (sk === 'LIVE_SINCE' && at !== undefined) liveSince = at;
    else if (sk === 'EVIDENCE#WALK_FORWARD') walkForward = parsed(i['value']) as WalkForwardEvidence | undefined;
    else if (sk === 'EVIDENCE#COST_SWEEP') costSweep = parsed(i['value']) as CostSweepEvidence | undefined;
  }
  return {
    signoffs, ...(verdict ? { verdict } : {}), ...(override ? { override } : {}), ...(liveSince !== undefined ? { liveSince } : {}),
    ...(walkForward ? { walkForward } : {}), ...(costSweep ? { costSweep } : {}),
  };
}

/** A stored check of the right shape (an odd entry is dropped, so its code counts as not passed). */
function isCheck(c: unknown): c is ReadinessCheck {
  const o = c as Record<string, unknown> | null;
  return typeof o === 'object' && o !== null && typeof o['code'] === 'string' && typeof o['status'] === 'string' && typeof o['evidence'] === 'string';
}

function parsed(v: unknown): unknown {
  try { return typeof v === 'string' ? JSON.parse(v) : undefined; } catch { return undefined; }
}
