/**
 * Contract of a policy store's history and rejection records (PolicyRecords), run against the in-memory
 * and the DynamoDB (dynalite) store, in the style of store-contracts.ts.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { PolicyRecords } from '../../shared/adapters/policy-codec.js';
import { policyHash, validatePolicy, type ValidationContext } from '../../shared/domain/policy.js';
import type { Clock, PolicyStore } from '../../shared/ports.js';
import { ManualClock, T0, type Harness } from './store-contracts.js';

/** A real 5,000-problem document: 2,500 ROI steps missing both fields (7.5 KB of JSON text). */
export const FIVE_THOUSAND_PROBLEMS = JSON.stringify({ symbols: ['BTC/USDT'], exits: { roi: Array.from({ length: 2500 }, () => ({})) } });

/** A store with records, built fresh per test on `clock`, validating against `validation`. */
export type RecordsSetup = (clock: Clock, validation?: ValidationContext) => Promise<Harness<PolicyStore & PolicyRecords>>;

const A = { mode: 'PAPER', symbols: ['BTC/USDT'] };
const B = { mode: 'DRY_RUN', symbols: ['ETH/USDT'] };
const hashOf = (d: unknown, context: ValidationContext = {}) => {
  const r = validatePolicy(d, context);
  return r.ok ? policyHash(r.policy) : null;
};

/** The PolicyRecords contract. */
export function describePolicyRecordsContract(name: string, setup: RecordsSetup): void {
  describe(`${name} (PolicyRecords contract)`, () => {
    let clock: ManualClock;
    beforeEach(() => { clock = new ManualClock(); });

    it('lists every written version newest first, with who wrote it, when, its document and its hash', async () => {
      const { store } = await setup(clock);
      expect(await store.history()).toEqual([]);
      await store.write(A, { by: 'alice', at: T0 });
      await store.write('{"mode":', { by: 'bob', at: T0 + 1 });
      await store.write(B, { by: 'carol', at: T0 + 2 });
      expect(await store.history()).toEqual([
        { version: 3, hash: hashOf(B), writtenBy: 'carol', at: T0 + 2, document: B },
        { version: 2, hash: null, writtenBy: 'bob', at: T0 + 1, document: '{"mode":' },
        { version: 1, hash: hashOf(A), writtenBy: 'alice', at: T0, document: A },
      ]);
      expect((await store.history(2)).map((v) => v.version)).toEqual([3, 2]);
      expect(await store.history(0)).toEqual([]);
    });

    it('records the hash the loaders will put in force, so decisions can be traced to a version', async () => {
      const { store } = await setup(clock);
      await store.write(A, { by: 'alice', at: T0 });
      const [v1] = await store.history();
      expect(v1!.hash).toBe((await store.load()).hash);
    });

    it('adds an ACTIVE version written directly (aws dynamodb put-item) to the history once a loader puts it in force', async () => {
      const h = await setup(clock);
      await h.plant({ pk: 'POLICY', sk: 'ACTIVE', version: 4, document: JSON.stringify(A) });
      await h.store.load();
      await h.store.load();
      expect(await h.store.history()).toEqual([
        { version: 4, hash: hashOf(A), writtenBy: 'direct write to ACTIVE', at: clock.now(), document: JSON.stringify(A) },
      ]);
      expect(await h.store.write(B, { by: 'alice', at: T0 })).toEqual({ version: 5 });
    });

    it('never rewrites history: a rollback is a new version carrying the old document', async () => {
      const { store } = await setup(clock);
      await store.write(A, { by: 'alice', at: T0 });
      await store.write(B, { by: 'alice', at: T0 + 1 });
      const [, old] = await store.history();
      expect(await store.write(old!.document, { by: 'bob', at: T0 + 2 })).toEqual({ version: 3 });
      const loaded = await store.load();
      expect(loaded).toMatchObject({ version: 3, hash: old!.hash, policy: { mode: 'PAPER' } });
      expect((await store.history()).map((v) => [v.version, v.writtenBy])).toEqual([[3, 'bob'], [2, 'alice'], [1, 'alice']]);
    });

    it('lists rejections newest first with every problem, its path and code, and an excerpt of the document', async () => {
      const { store } = await setup(clock);
      expect(await store.rejections()).toEqual([]);
      await store.write(A, { by: 'alice', at: T0 });
      await store.load();
      await store.write({ risk: { stakePct: 5 }, moed: 1 }, { by: 'bob', at: T0 });
      await store.load();
      clock.advance(1000);
      await store.write('stake it all', { by: 'bob', at: T0 });
      await store.load();
      await store.load();
      const rejections = await store.rejections();
      expect(rejections.map((r) => [r.version, r.at])).toEqual([[3, clock.now()], [2, clock.now() - 1000]]);
      expect(rejections[0]).toMatchObject({ documentExcerpt: 'stake it all', problems: [{ path: '(root)', code: 'UNREADABLE_DOCUMENT' }] });
      expect(rejections[1]!.problems).toEqual([
        expect.objectContaining({ path: 'moed', code: 'UNKNOWN_KEY' }), expect.objectContaining({ path: 'risk.stakePct', code: 'STAKE_ABOVE_ASSET_CAP' }),
      ]);
      expect(rejections[1]!.documentExcerpt).toContain('stakePct');
      expect(await store.rejections(1)).toHaveLength(1);
    });

    it('validates against the deployment: LIVE without exchange keys is rejected and never takes effect', async () => {
      const { store } = await setup(clock, { exchangeKeysConfigured: false });
      await store.write(A, { by: 'alice', at: T0 });
      await store.load();
      const live = { mode: 'LIVE', liveTradingConfirmed: true };
      await store.write(live, { by: 'alice', at: T0 });
      const loaded = await store.load();
      expect(loaded).toMatchObject({ version: 1, source: 'last-valid', rejected: { version: 2 } });
      expect(loaded.rejected!.problems).toContainEqual(expect.objectContaining({ code: 'LIVE_WITHOUT_KEYS', path: 'mode' }));
      expect((await store.history(1))[0]!.hash).toBeNull();
      const keyed = await setup(clock, { exchangeKeysConfigured: true });
      await keyed.store.write(live, { by: 'alice', at: T0 });
      expect(await keyed.store.load()).toMatchObject({ source: 'active', policy: { mode: 'LIVE' } });
      expect((await keyed.store.history())[0]!.hash).toBe(hashOf(live, { exchangeKeysConfigured: true }));
    });

    it('rejects a valid ACTIVE version at or below the one in force (STALE_VERSION): the policy in force stays, the history is untouched', async () => {
      const h = await setup(clock);
      await h.store.write(A, { by: 'alice', at: T0 });
      await h.store.write(B, { by: 'alice', at: T0 + 1 });
      const inForce = await h.store.load();
      const C = { mode: 'DRY_RUN', symbols: ['SOL/USDT'] };
      for (const version of [1, 2]) {
        await h.plant({ pk: 'POLICY', sk: 'ACTIVE', version, document: JSON.stringify(C) });
        const loaded = await h.store.load();
        expect(loaded).toMatchObject({ version: 2, hash: inForce.hash, source: 'last-valid', rejected: { version, firstSeen: true } });
        expect(loaded.rejected!.problems).toEqual([expect.objectContaining({ path: 'version', code: 'STALE_VERSION' })]);
        expect((await h.store.load()).rejected?.firstSeen).toBe(false);
      }
      expect((await h.store.rejections()).map((r) => [r.version, r.problems[0]!.code])).toEqual([[2, 'STALE_VERSION'], [1, 'STALE_VERSION']]);
      expect((await h.store.history()).map((v) => [v.version, v.hash])).toEqual([[2, hashOf(B)], [1, hashOf(A)]]);
      await h.plant({ pk: 'POLICY', sk: 'ACTIVE', version: 2, document: B });
      expect(await h.store.load()).toMatchObject({ version: 2, hash: inForce.hash, source: 'active' });
      expect((await h.store.load()).rejected).toBeUndefined();
    });

    it('peek() reports the policy in force under the same validation as load()', async () => {
      const { store } = await setup(clock, { exchangeKeysConfigured: false });
      await store.write({ mode: 'LIVE', liveTradingConfirmed: true }, { by: 'alice', at: T0 });
      expect(await store.peek()).toMatchObject({ source: 'default', rejected: { version: 1 } });
    });
  });
}
