import { beforeEach, describe, expect, it } from 'vitest';
import { policyHash, validatePolicy } from '../../../shared/domain/policy.js';
import { cliHarness } from './cli-harness.js';

let h: ReturnType<typeof cliHarness>;
beforeEach(() => { h = cliHarness(); });
const by = { by: 'alice', at: 1 };

describe('stratus policy validate', () => {
  it('accepts a valid file and names its mode and hash', async () => {
    const r = await h.run('policy', 'validate', h.file('p.json', { mode: 'DRY_RUN' }));
    expect(r.code).toBe(0);
    const v = validatePolicy({ mode: 'DRY_RUN' });
    expect(r.out).toContain(`p.json: valid (mode DRY_RUN, profile conservative, hash ${v.ok && policyHash(v.policy).slice(0, 12)})`);
  });

  it('exits 1 and prints every error and warning with its path and code', async () => {
    const r = await h.run('policy', 'validate', h.file('bad.json', {
      risk: { stakePct: 4, allowExitsWhenHalted: false, pyramiding: { enabled: true } }, lossLimits: { dailyStopPct: -9 },
    }));
    expect(r.code).toBe(1);
    expect(r.err).toContain('bad.json: 3 error(s), 1 warning(s)');
    for (const line of [
      /error\s+risk\.stakePct\s+STAKE_ABOVE_ASSET_CAP/, /error\s+risk\.pyramiding\.maxAdds\s+PYRAMIDING_WITHOUT_ADDS/,
      /error\s+lossLimits\.dailyStopPct\s+DAILY_LOOSER_THAN_WEEKLY/, /warning\s+risk\.allowExitsWhenHalted\s+EXITS_BLOCKED_WHEN_HALTED/,
    ]) expect(r.err).toMatch(line);
  });

  it('passes a document with warnings only, printing the warnings', async () => {
    const r = await h.run('policy', 'validate', h.file('full.json', { profile: 'full' }));
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/warning\s+risk\.maxTotalExposurePct\s+HIGH_EXPOSURE/);
  });

  it.each([
    ['truncated JSON', '{"mode":"PAPER","risk":{"stakePct":', /\(root\)\s+UNREADABLE_DOCUMENT\s+not valid JSON/],
    ['a typo in a key', '{"risk":{"stakPct":1}}', /risk\.stakPct\s+UNKNOWN_KEY/],
    ['a wrong type', '{"risk":{"stakePct":"2"}}', /risk\.stakePct\s+SCHEMA/],
  ])('exits 1 on %s and says where', async (_label, text, line) => {
    const r = await h.run('policy', 'validate', h.file('x.json', text));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(line);
  });

  it('needs a file (a usage error, exit 2)', async () => {
    expect(await h.run('policy', 'validate')).toMatchObject({ code: 2, err: 'stratus policy validate: missing FILE (usage: stratus policy validate FILE)\n' });
  });
});

describe('stratus policy set', () => {
  it('writes a valid document as the next version, which the loaders then put in force', async () => {
    const r = await h.run('policy', 'set', h.file('p.json', { risk: { stakePct: 1 } }), '--by', 'alice');
    expect(r).toMatchObject({ code: 0, out: expect.stringContaining('policy v1 written by alice') });
    expect(await h.policies.load()).toMatchObject({ version: 1, source: 'active', policy: { risk: { stakePct: 1 } } });
  });

  it('refuses an invalid document and writes nothing', async () => {
    const r = await h.run('policy', 'set', h.file('p.json', { risk: { stakePct: 5 } }), '--by', 'alice');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/risk\.stakePct\s+STAKE_ABOVE_ASSET_CAP/);
    expect(await h.policies.history()).toEqual([]);
  });

  it('needs --by', async () => {
    expect((await h.run('policy', 'set', h.file('p.json', {}))).err).toContain('needs --by');
    expect(await h.policies.history()).toEqual([]);
  });
});

describe('stratus policy get, history and rejections', () => {
  it('get prints the policy in force with its version and hash, and notes a rejected newer version', async () => {
    await h.policies.write({ mode: 'DRY_RUN' }, by);
    await h.policies.load();
    await h.policies.write({ mode: 'LIVE' }, by);
    const r = await h.run('policy', 'get');
    const shown = JSON.parse(r.out) as Record<string, unknown>;
    expect(shown).toMatchObject({ version: 1, source: 'last-valid', rejected: { version: 2 }, policy: { mode: 'DRY_RUN' } });
    expect(shown['hash']).toBe((await h.policies.load()).hash);
    expect(r.err).toContain('v2 was rejected; v1 (last-valid) is in force');
  });

  it('history lists versions newest first, marking the one in force and the rejected ones', async () => {
    await h.policies.write({ mode: 'DRY_RUN' }, { by: 'alice', at: Date.UTC(2024, 0, 1) });
    await h.policies.load();
    await h.policies.write({ risk: { stakePct: 9 } }, { by: 'bob', at: Date.UTC(2024, 0, 2) });
    await h.policies.load();
    const r = await h.run('policy', 'history');
    const lines = r.out.trim().split('\n');
    expect(lines[0]).toMatch(/VERSION\s+WRITTEN\s+BY\s+HASH\s+STATUS/);
    expect(lines[1]).toMatch(/^\s+v2\s+2024-01-02T00:00:00Z\s+bob\s+-\s+rejected$/);
    expect(lines[2]).toMatch(/^\*\s+v1\s+2024-01-01T00:00:00Z\s+alice\s+[0-9a-f]{12}\s+in force$/);
    expect((await h.run('policy', 'history', '--limit', '1')).out.trim().split('\n')).toHaveLength(2);
  });

  it('rejections lists each rejected version with every problem', async () => {
    expect((await h.run('policy', 'rejections')).out).toContain('no policy version has been rejected');
    await h.policies.write({ risk: { stakePct: 9 } }, by);
    await h.policies.load();
    const r = await h.run('policy', 'rejections');
    expect(r.out).toContain('v1 rejected');
    expect(r.out).toMatch(/risk\.stakePct\s+STAKE_ABOVE_ASSET_CAP/);
  });
});

describe('stratus policy diff', () => {
  beforeEach(async () => {
    await h.policies.write({ symbols: ['BTC/USDT'] }, by);
    await h.policies.write({ symbols: ['BTC/USDT'], risk: { stakePct: 1 }, exits: { takeProfitPct: null } }, by);
    await h.policies.load();
  });

  it('compares the policy in force with a file, path by path', async () => {
    const r = await h.run('policy', 'diff', h.file('next.json', { symbols: ['BTC/USDT', 'ETH/USDT'], risk: { stakePct: 1.5 } }));
    expect(r.code).toBe(0);
    expect(r.out.split('\n')).toEqual(expect.arrayContaining([
      '--- v2 (in force)', '+++ next.json', '~ symbols: ["BTC/USDT"] → ["BTC/USDT","ETH/USDT"]', '~ risk.stakePct: 1 → 1.5',
      '~ exits.takeProfitPct: null → 12',
    ]));
    expect(r.out.match(/^~ /gm)).toHaveLength(3);
  });

  it('compares with a past version, and with the previous valid version when given neither', async () => {
    const past = await h.run('policy', 'diff', '--version', '1');
    const previous = await h.run('policy', 'diff');
    for (const r of [past, previous]) {
      expect(r.code).toBe(0);
      expect(r.out).toContain('+++ v1');
      expect(r.out).toContain('~ risk.stakePct: 1 → 2');
    }
  });

  it('says so when nothing differs, and refuses an invalid file', async () => {
    expect((await h.run('policy', 'diff', '--version', '2')).out).toContain('no differences');
    const bad = await h.run('policy', 'diff', h.file('bad.json', { risk: { stakePct: 50 } }));
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/risk\.stakePct\s+STAKE_ABOVE_ASSET_CAP/);
    expect((await h.run('policy', 'diff', '--version', '7')).code).toBe(1);
  });
});

describe('stratus policy rollback', () => {
  it('writes the old document again as a new version and leaves history as it was', async () => {
    await h.policies.write({ mode: 'DRY_RUN' }, { by: 'alice', at: 1 });
    const v1 = await h.policies.load();
    await h.policies.write({ mode: 'PAPER' }, { by: 'alice', at: 2 });
    const before = await h.policies.history();
    const r = await h.run('policy', 'rollback', '1', '--by', 'bob');
    expect(r).toMatchObject({ code: 0, out: expect.stringContaining('v3 carries the document of v1') });
    expect(await h.policies.load()).toMatchObject({ version: 3, hash: v1.hash, policy: { mode: 'DRY_RUN' } });
    const after = await h.policies.history();
    expect(after.slice(1)).toEqual(before);
    expect(after[0]).toMatchObject({ version: 3, writtenBy: 'bob (rollback to v1)', at: h.clock.now(), document: { mode: 'DRY_RUN' } });
  });

  it.each([
    ['a version that does not exist', async () => {}, '4', 'no policy version 4'],
    ['a version that does not validate', async () => { await h.policies.write({ risk: { stakePct: 9 } }, by); }, '1', 'does not validate'],
  ])('refuses %s and writes nothing', async (_label, arrange, version, message) => {
    await arrange();
    const before = await h.policies.history();
    const r = await h.run('policy', 'rollback', version, '--by', 'bob');
    expect(r.code).toBe(1);
    expect(r.err).toContain(message);
    expect(await h.policies.history()).toEqual(before);
  });

  it('needs --by and a whole version number', async () => {
    expect((await h.run('policy', 'rollback', '1')).err).toContain('needs --by');
    expect((await h.run('policy', 'rollback', 'one', '--by', 'bob')).err).toContain('positive whole number');
  });
});
