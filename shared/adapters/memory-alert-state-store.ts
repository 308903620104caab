/** Where the dedup layer keeps one episode per (kind, key): the port, and an in-memory store for tests and the backtest. */
import type { AlertEpisode } from '../domain/alert-dedup.js';
import type { Versioned } from '../ports.js';

/** Episodes of alert instances, written only by single-item conditional writes. */
export interface AlertStateStore {
  get(kind: string, key: string): Promise<Versioned<AlertEpisode> | undefined>;
  /** Stores the episode as version expected + 1 if the stored version is still `expected` (0: none yet); false otherwise. */
  put(episode: AlertEpisode, expected: number): Promise<boolean>;
  /** Open episodes whose escalateAt is at or before `now`. */
  dueEscalations(now: number): Promise<AlertEpisode[]>;
}

/** AlertStateStore in a Map (copies in and out, like a table). */
export class MemoryAlertStateStore implements AlertStateStore {
  readonly #items = new Map<string, Versioned<string>>();

  async get(kind: string, key: string): Promise<Versioned<AlertEpisode> | undefined> {
    const item = this.#items.get(`${kind}#${key}`);
    return item && { value: JSON.parse(item.value) as AlertEpisode, version: item.version };
  }

  async put(episode: AlertEpisode, expected: number): Promise<boolean> {
    const id = `${episode.kind}#${episode.key}`;
    if ((this.#items.get(id)?.version ?? 0) !== expected) return false;
    this.#items.set(id, { value: JSON.stringify(episode), version: expected + 1 });
    return true;
  }

  async dueEscalations(now: number): Promise<AlertEpisode[]> {
    return [...this.#items.values()].map((i) => JSON.parse(i.value) as AlertEpisode)
      .filter((e) => e.resolvedAt === undefined && e.escalateAt !== undefined && e.escalateAt <= now);
  }
}
