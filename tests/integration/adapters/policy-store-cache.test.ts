import { beforeEach, describe, expect, it } from 'vitest';
import { CachedPolicyStore } from '../../../shared/adapters/cached-policy-store.js';
import { PolicyUnavailableError } from '../../../shared/adapters/errors.js';
import { MemoryPolicyStore } from '../../../shared/adapters/memory-policy-store.js';
import type { LoadedPolicy } from '../../../shared/domain/policy.js';
import type { PolicyStore } from '../../../shared/ports.js';
import { ManualClock } from '../../support/store-contracts.js';

/** A PolicyStore whose loads can be made to fail, counting the loads that reach it. */
class FlakyPolicyStore implements PolicyStore {
  loads = 0;
  failing = false;
  constructor(readonly inner: PolicyStore) {}
  async load(): Promise<LoadedPolicy> {
    this.loads++;
    if (this.failing) throw new Error('policy table unreachable');
    return this.inner.load();
  }
  write(document: unknown, meta: { by: string; at: number }) { return this.inner.write(document, meta); }
}

const meta = { by: 'operator', at: 0 };
const TTL = 15_000;
const MAX_AGE = 300_000;

describe('CachedPolicyStore', () => {
  let clock: ManualClock;
  let memory: MemoryPolicyStore;
  let flaky: FlakyPolicyStore;
  let cached: CachedPolicyStore;

  beforeEach(async () => {
    clock = new ManualClock();
    memory = new MemoryPolicyStore({ clock });
    flaky = new FlakyPolicyStore(memory);
    cached = new CachedPolicyStore(flaky, clock);
    await memory.write({ mode: 'PAPER' }, meta);
  });

  it('serves the cached policy for ttlMs without asking the store', async () => {
    await cached.load();
    await memory.write({ mode: 'DRY_RUN' }, meta);
    clock.advance(TTL - 1);
    expect(await cached.load()).toMatchObject({ version: 1, policy: { mode: 'PAPER' } });
    expect(flaky.loads).toBe(1);
  });

  it('refreshes once ttlMs has passed', async () => {
    await cached.load();
    await memory.write({ mode: 'DRY_RUN' }, meta);
    clock.advance(TTL);
    expect(await cached.load()).toMatchObject({ version: 2, policy: { mode: 'DRY_RUN' } });
    expect(flaky.loads).toBe(2);
  });

  it('serves the cached policy while refreshes fail, up to maxAgeMs since the last success', async () => {
    await cached.load();
    flaky.failing = true;
    clock.advance(MAX_AGE);
    expect(await cached.load()).toMatchObject({ version: 1 });
    expect(flaky.loads).toBe(2);
  });

  it('fails closed once maxAgeMs has passed without a successful refresh', async () => {
    await cached.load();
    flaky.failing = true;
    clock.advance(MAX_AGE + 1);
    const err = await cached.load().catch((x: unknown) => x);
    expect(err).toBeInstanceOf(PolicyUnavailableError);
    expect(err).toMatchObject({ retryable: true, cause: { message: 'policy table unreachable' } });
    flaky.failing = false;
    expect(await cached.load()).toMatchObject({ version: 1 });
  });

  it('fails closed when the first load fails (nothing cached)', async () => {
    flaky.failing = true;
    await expect(cached.load()).rejects.toBeInstanceOf(PolicyUnavailableError);
  });

  it('makes the next load refresh after a write through it', async () => {
    await cached.load();
    await cached.write({ mode: 'DRY_RUN' }, meta);
    expect(await cached.load()).toMatchObject({ version: 2, policy: { mode: 'DRY_RUN' } });
  });

  it('hands a rejection out as first seen only once, however often the cache serves it', async () => {
    await cached.load();
    await memory.write({ mode: 'LIVE' }, meta);
    clock.advance(TTL);
    const [a, b] = await Promise.all([cached.load(), cached.load()]);
    const c = await cached.load();
    expect([a.rejected?.firstSeen, b.rejected?.firstSeen, c.rejected?.firstSeen]).toEqual([true, false, false]);
    expect(c).toMatchObject({ source: 'last-valid', version: 1, rejected: { version: 2 } });
    expect(flaky.loads).toBe(2);
  });

  it('shares one store load among concurrent callers and hands each its own copy', async () => {
    const [a, b] = await Promise.all([cached.load(), cached.load()]);
    expect(flaky.loads).toBe(1);
    expect(a).toEqual(b);
    expect(a).not.toBe(b);
    (a.policy.symbols as string[]).push('XRP/USDT');
    expect((await cached.load()).policy.symbols).not.toContain('XRP/USDT');
  });

  it.each([
    [{ ttlMs: -1 }],
    [{ ttlMs: 10_000, maxAgeMs: 5_000 }],
    [{ ttlMs: Number.NaN }],
  ])('refuses inconsistent timings %j', (options) => {
    expect(() => new CachedPolicyStore(flaky, clock, options)).toThrow(RangeError);
  });
});
