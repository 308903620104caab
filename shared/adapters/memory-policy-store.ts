/**
 * PolicyStore in memory, for service unit tests and the backtester. Holds the
 * same items as DynamoPolicyStore and applies the same rules (codec.ts
 * resolvePolicy) and the same conditional writes.
 */
import type { LoadedPolicy } from '../domain/policy.js';
import type { Clock, PolicyStore } from '../ports.js';
import type { Item } from './codec.js';
import { lastValidItem, policyDocumentAttribute, policyKeys, rejectionItem, resolvePolicy, versionOf } from './policy-codec.js';
import { PolicyWriteConflictError } from './errors.js';

/** PolicyStore in memory; `clock` stamps the LAST_VALID and rejection records (default: the wall clock). */
export class MemoryPolicyStore implements PolicyStore {
  readonly #items = new Map<string, Item>();
  readonly #clock: Clock;

  constructor(props: { readonly clock?: Clock } = {}) {
    this.#clock = props.clock ?? { now: () => Date.now() };
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
    const resolution = resolvePolicy(active, this.rawItem(policyKeys.lastValid.pk, policyKeys.lastValid.sk));
    const { promote, reject, loaded } = resolution;
    if (promote) {
      const lv = this.#items.get(id(policyKeys.lastValid));
      const v = lv?.['version'];
      if (!lv || typeof v !== 'number' || v < promote.version || (v === promote.version && lv['hash'] !== promote.hash)) {
        this.plantItem(lastValidItem(promote, this.#clock.now()));
      }
    }
    if (reject && active && loaded.rejected) {
      const item = rejectionItem(reject, active, this.#clock.now());
      const firstSeen = !this.#items.has(id(item));
      if (firstSeen) this.plantItem(item);
      return { ...loaded, rejected: { ...loaded.rejected, firstSeen } };
    }
    return loaded;
  }

  /** The policy in force, read-only: nothing is recorded and `rejected.firstSeen` stays unset (see DynamoPolicyStore.peek). */
  async peek(): Promise<LoadedPolicy> {
    return resolvePolicy(this.rawItem(policyKeys.active.pk, policyKeys.active.sk),
      this.rawItem(policyKeys.lastValid.pk, policyKeys.lastValid.sk)).loaded;
  }

  /** Stores `document` as ACTIVE at the next version; PolicyWriteConflictError when another writer won meanwhile. */
  async write(document: unknown, meta: { by: string; at: number }): Promise<{ version: number }> {
    const stored = policyDocumentAttribute(document);
    const active = this.rawItem(policyKeys.active.pk, policyKeys.active.sk);
    const history = [...this.#items.values()]
      .filter((i) => i['pk'] === policyKeys.active.pk && String(i['sk']).startsWith(policyKeys.historyPrefix));
    const version = Math.max(versionOf(active), versionOf(this.rawItem(policyKeys.lastValid.pk, policyKeys.lastValid.sk)),
      ...history.map(versionOf)) + 1;
    // The reads and the conditional write are separate round trips on DynamoDB; let other writers interleave here too.
    await Promise.resolve();
    const current = this.#items.get(id(policyKeys.active));
    const unchanged = active === undefined ? current === undefined : current !== undefined && current['version'] === active['version'];
    if (!unchanged) throw new PolicyWriteConflictError(versionOf(active));
    const body = { version, document: stored, updatedBy: meta.by, updatedAt: meta.at };
    this.plantItem({ ...policyKeys.active, ...body });
    this.plantItem({ ...policyKeys.history(version), ...body });
    return { version };
  }
}

function id(key: { pk?: unknown; sk?: unknown }): string {
  return `${String(key.pk)}\u0000${String(key.sk)}`;
}
