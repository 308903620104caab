/**
 * A PolicyStore wrapper that caches the loaded policy for a warm Lambda.
 * Fresh for ttlMs; after that each load refreshes, and a failed refresh serves
 * the cached policy only until maxAgeMs has passed since the last success —
 * then load() throws (fail closed) rather than trade on a stale policy.
 */
import type { LoadedPolicy } from '../domain/policy.js';
import type { Clock, PolicyStore } from '../ports.js';
import { PolicyUnavailableError } from './errors.js';

/** Cache timings in milliseconds. */
export interface PolicyCacheOptions {
  /** How long a loaded policy is served without asking the store (default 15 s). */
  readonly ttlMs?: number;
  /** Longest time since the last successful load that a cached policy may still be served (default 5 min). */
  readonly maxAgeMs?: number;
}

/** Caching PolicyStore; a rejection's firstSeen flag reaches only the first caller, so it is alerted once. */
export class CachedPolicyStore implements PolicyStore {
  readonly #ttlMs: number;
  readonly #maxAgeMs: number;
  #cached: { loaded: LoadedPolicy; loadedAt: number; fresh: boolean } | undefined;
  #inFlight: Promise<LoadedPolicy> | undefined;

  constructor(private readonly inner: PolicyStore, private readonly clock: Clock, options: PolicyCacheOptions = {}) {
    this.#ttlMs = options.ttlMs ?? 15_000;
    this.#maxAgeMs = options.maxAgeMs ?? 300_000;
    if (!(this.#ttlMs >= 0) || !(this.#maxAgeMs >= this.#ttlMs)) {
      throw new RangeError(`policy cache needs 0 <= ttlMs <= maxAgeMs, got ttlMs ${this.#ttlMs}, maxAgeMs ${this.#maxAgeMs}`);
    }
  }

  async load(): Promise<LoadedPolicy> {
    const cached = this.#cached;
    if (cached?.fresh && this.clock.now() - cached.loadedAt < this.#ttlMs) return this.#serve();
    try {
      this.#inFlight ??= this.inner.load()
        .then((loaded) => (this.#cached = { loaded, loadedAt: this.clock.now(), fresh: true }).loaded)
        .finally(() => { this.#inFlight = undefined; });
      await this.#inFlight;
      return this.#serve();
    } catch (err) {
      const age = cached ? this.clock.now() - cached.loadedAt : Infinity;
      if (cached && age <= this.#maxAgeMs) return this.#serve();
      throw new PolicyUnavailableError(cached
        ? `policy could not be refreshed for ${age} ms (limit ${this.#maxAgeMs} ms); refusing to use the cached one`
        : 'policy could not be loaded', { cause: err });
    }
  }

  /** Writes through to the store and makes the next load() refresh. */
  async write(document: unknown, meta: { by: string; at: number }): Promise<{ version: number }> {
    const result = await this.inner.write(document, meta);
    if (this.#cached) this.#cached.fresh = false;
    return result;
  }

  /** A copy of the cached policy; a rejection flagged firstSeen is handed out as such only once. */
  #serve(): LoadedPolicy {
    const cached = this.#cached!;
    const { loaded } = cached;
    if (loaded.rejected?.firstSeen) cached.loaded = { ...loaded, rejected: { ...loaded.rejected, firstSeen: false } };
    return structuredClone(loaded);
  }
}
