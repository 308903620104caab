/**
 * PolicyStore in memory, for service unit tests and the backtester. Holds the
 * same items as DynamoPolicyStore and applies the same rules (policy-codec.ts
 * resolvePolicyWith) and the same conditional writes.
 */
import type { LoadedPolicy } from '../domain/policy.js';
import type { Clock, PolicyStore } from '../ports.js';
import type { Item } from './codec.js';
import {
  hashIfValidWith, historyItem, lastValidItem, policyDocumentAttribute, policyKeys, promotedHistoryItem, readHistoryItem,
  readRejectionItem, rejectionItem, resolvePolicyWith, versionOf,
  type PolicyRecords, type PolicyRejection, type ValidationSource, type PolicyVersion,
} from './policy-codec.js';
import { PolicyWriteConflictError } from './errors.js';

/** PolicyStore in memory; `clock` stamps the LAST_VALID and rejection records (default: the wall clock). */
export class MemoryPolicyStore implements PolicyStore, PolicyRecords {
  readonly #items = new Map<string, Item>();
  readonly #clock: Clock;
  readonly #validation: ValidationSource;

  constructor(props: { readonly clock?: Clock; readonly validation?: ValidationSource } = {}) {
    this.#clock = props.clock ?? { now: () => Date.now() };
    this.#validation = props.validation ?? {};
  }

  /** Test hook: stores a raw item exactly as given, e.g. an ACTIVE item as `aws dynamodb put-item` would write it. */
  plantItem(item: Item): void {
    this.#items.set(id(item), structuredClone(item));
  }

  /** Test hook: a copy of the raw item under pk/sk. */
  rawItem(pk: string, sk: string): Item | undefined {
    const item = this.#items.get(id({ pk, sk }));
    return item && structuredClone(item);
  }

  async load(): Promise<LoadedPolicy> {
    const active = this.rawItem(policyKeys.active.pk, policyKeys.active.sk);
    const resolution = await resolvePolicyWith(active, this.rawItem(policyKeys.lastValid.pk, policyKeys.lastValid.sk), this.#validation);
    const { promote, reject, loaded } = resolution;
    if (promote && active) {
      const lv = this.#items.get(id(policyKeys.lastValid));
      const v = lv?.['version'];
      if (!lv || typeof v !== 'number' || v < promote.version || (v === promote.version && lv['hash'] !== promote.hash)) {
        this.plantItem(lastValidItem(promote, this.#clock.now()));
      }
      const history = promotedHistoryItem(active, promote, this.#clock.now());
      if (!this.#items.has(id(history))) this.plantItem(history);
    }
    if (reject && active && loaded.rejected) {
      const firstSeen = !this.#items.has(id(reject.key));
      if (firstSeen) this.plantItem(rejectionItem(reject, active, this.#clock.now()));
      return { ...loaded, rejected: { ...loaded.rejected, firstSeen } };
    }
    return loaded;
  }

  /** The policy in force, read-only: nothing is recorded and `rejected.firstSeen` stays unset (see DynamoPolicyStore.peek). */
  async peek(): Promise<LoadedPolicy> {
    return (await resolvePolicyWith(this.rawItem(policyKeys.active.pk, policyKeys.active.sk),
      this.rawItem(policyKeys.lastValid.pk, policyKeys.lastValid.sk), this.#validation)).loaded;
  }

  /** Stores `document` as ACTIVE at the next version; PolicyWriteConflictError when another writer won meanwhile. */
  async write(document: unknown, meta: { by: string; at: number }): Promise<{ version: number }> {
    const stored = policyDocumentAttribute(document);
    const active = this.rawItem(policyKeys.active.pk, policyKeys.active.sk);
    const version = Math.max(versionOf(active), versionOf(this.rawItem(policyKeys.lastValid.pk, policyKeys.lastValid.sk)),
      ...this.#query(policyKeys.active.pk, policyKeys.historyPrefix).map(versionOf)) + 1;
    const hash = await hashIfValidWith(stored, this.#validation);
    // The reads and the conditional write are separate round trips on DynamoDB; let other writers interleave here too.
    await Promise.resolve();
    const current = this.#items.get(id(policyKeys.active));
    const unchanged = active === undefined ? current === undefined : current !== undefined && current['version'] === active['version'];
    if (!unchanged) throw new PolicyWriteConflictError(versionOf(active));
    const body = { version, document: stored, updatedBy: meta.by, updatedAt: meta.at };
    this.plantItem({ ...policyKeys.active, ...body });
    this.plantItem(historyItem(version, stored, meta, hash));
    return { version };
  }

  /** Written versions (V#… items), newest first. */
  async history(limit?: number): Promise<PolicyVersion[]> {
    return this.#query(policyKeys.active.pk, policyKeys.historyPrefix, limit).map(readHistoryItem);
  }

  /** Rejection records, newest version first. */
  async rejections(limit?: number): Promise<PolicyRejection[]> {
    return this.#query(policyKeys.rejection(0).pk, '', limit).map(readRejectionItem);
  }

  /** Copies of the items of one partition whose sort key starts with `prefix`, sort key descending, up to `limit`. */
  #query(pk: string, prefix: string, limit?: number): Item[] {
    const items = [...this.#items.values()]
      .filter((i) => i['pk'] === pk && String(i['sk']).startsWith(prefix))
      .sort((a, b) => (String(a['sk']) < String(b['sk']) ? 1 : -1));
    return structuredClone(limit === undefined ? items : items.slice(0, Math.max(0, limit)));
  }
}

function id(key: { pk?: unknown; sk?: unknown }): string {
  return `${String(key.pk)}\u0000${String(key.sk)}`;
}
