/** Where the dedup layer keeps one episode per (kind, key): the port, and an in-memory store for tests and the backtest. */
import type { AlertEpisode, AlertLike } from '../domain/alert-dedup.js';
import type { Versioned } from '../ports.js';

/**
 * Episodes of alert instances, written only by single-item conditional writes. A send decision (put) holds
 * only if neither the version nor the report count moved since `prev` was read; counting a suppressed
 * repeat (suppress) needs only the version, so concurrent repeats never conflict with each other.
 */
export interface AlertStateStore {
  get(kind: string, key: string): Promise<Versioned<AlertEpisode> | undefined>;
  /** Stores `next` as version prev.version + 1 if the item is still as `prev` was read (undefined: no item yet). */
  put(next: AlertEpisode, prev: Versioned<AlertEpisode> | undefined): Promise<boolean>;
  /** Counts one suppressed repeat (seen + 1, suppressed + 1, latest report) if the episode is still at prev.version. */
  suppress(prev: Versioned<AlertEpisode>, repeat: AlertLike): Promise<boolean>;
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
    if ((current?.version ?? 0) !== (prev?.version ?? 0) || current?.value.seen !== prev?.value.seen) return false;
    this.#items.set(id, { value: structuredClone(next), version: (prev?.version ?? 0) + 1 });
    return true;
  }

  async suppress(prev: Versioned<AlertEpisode>, repeat: AlertLike): Promise<boolean> {
    const id = `${prev.value.kind}#${prev.value.key}`;
    const current = this.#items.get(id);
    if (!current || current.version !== prev.version) return false;
    const e = current.value;
    this.#items.set(id, {
      version: current.version,
      value: { ...e, seen: e.seen + 1, suppressed: e.suppressed + 1, suppressedSince: e.suppressedSince ?? repeat.at, lastSeenAt: repeat.at, last: structuredClone(repeat) },
    });
    return true;
  }

  async dueEscalations(now: number): Promise<AlertEpisode[]> {
    return [...this.#items.values()].map((i) => structuredClone(i.value))
      .filter((e) => e.resolvedAt === undefined && e.escalateAt !== undefined && e.escalateAt <= now);
  }
}
