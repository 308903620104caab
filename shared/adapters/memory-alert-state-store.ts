/** Where the dedup layer keeps one episode per (kind, key): the port, and an in-memory store for tests and the backtest. */
import type { AlertEpisode } from '../domain/alert-dedup.js';
import type { Versioned } from '../ports.js';

/** Episodes of alert instances, written only by single-item conditional writes on their version. */
export interface AlertStateStore {
  get(kind: string, key: string): Promise<Versioned<AlertEpisode> | undefined>;
  /** Stores `next` as version prev.version + 1 if the item is still at prev.version (undefined: no item yet). */
  put(next: AlertEpisode, prev: Versioned<AlertEpisode> | undefined): Promise<boolean>;
  /** Open episodes whose escalateAt is at or before `now`. */
  dueEscalations(now: number): Promise<AlertEpisode[]>;
}

/** AlertStateStore in a Map (copies in and out, like a table). */
export class MemoryAlertStateStore implements AlertStateStore {
  readonly #items = new Map<string, Versioned<AlertEpisode>>();

  async get(kind: string, key: string): Promise<Versioned<AlertEpisode> | undefined> {
    const item = this.#items.get(`${kind}#${key}`);
    return item && structuredClone(item);
  }

  async put(next: AlertEpisode, prev: Versioned<AlertEpisode> | undefined): Promise<boolean> {
    const id = `${next.kind}#${next.key}`;
    const current = this.#items.get(id);
    if ((current?.version ?? 0) !== (prev?.version ?? 0)) return false;
    this.#items.set(id, { value: structuredClone(next), version: (prev?.version ?? 0) + 1 });
    return true;
  }

  async dueEscalations(now: number): Promise<AlertEpisode[]> {
    return [...this.#items.values()].map((i) => structuredClone(i.value))
      .filter((e) => e.resolvedAt === undefined && e.escalateAt !== undefined && e.escalateAt <= now);
  }
}
