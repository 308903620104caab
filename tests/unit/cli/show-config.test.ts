import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { showConfigCommand } from '../../../shared/cli/show-config-command.js';
import { defaultPolicy, policyHash, validatePolicy } from '../../../shared/domain/policy.js';
import { cliHarness } from './cli-harness.js';

describe('stratus show-config', () => {
  it('prints the policy a file means after its profile and the defaults, with the hash runs record', async () => {
    const h = cliHarness();
    const doc = { profile: 'moderate', risk: { stakePct: 3 } };
    const r = await h.run('show-config', '--policy', h.file('p.json', doc));
    expect(r.code).toBe(0);
    const checked = validatePolicy(doc);
    if (!checked.ok) throw new Error('fixture invalid');
    const [source, hash, summary] = r.out.split('\n');
    expect([source, hash]).toEqual(['source   file p.json', `hash     ${policyHash(checked.policy)}`]);
    expect(summary).toBe('profile  moderate, mode PAPER, symbols BTC/USDT, ETH/USDT, SOL/USDT, strategies momentum');
    const shown = JSON.parse(r.out.slice(r.out.indexOf('{'))) as { risk: { stakePct: number; maxPositionPct: number }; lossLimits: { dailyStopPct: number } };
    expect(shown.risk).toMatchObject({ stakePct: 3, maxPositionPct: 6 });
    expect(shown.lossLimits.dailyStopPct).toBe(-5);
  });

  it('prints source, version, hash, policy and warnings as JSON with --json', async () => {
    const h = cliHarness();
    const r = await h.run('show-config', '--json', '--policy', h.file('p.json', { profile: 'full' }));
    expect(r.err).toMatch(/^p\.json: 0 error\(s\), \d+ warning\(s\)/);
    const shown = JSON.parse(r.out) as { source: string; version: null; hash: string; policy: { risk: { stakePct: number } } };
    expect(shown).toMatchObject({ source: 'file p.json', version: null, policy: { risk: { stakePct: 8 } } });
    expect(shown.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('lists every problem of an invalid file and exits 1', async () => {
    const h = cliHarness();
    const r = await h.run('show-config', '--policy', h.file('bad.json', { mode: 'NOPE', risk: { stakePct: 'x', bogus: 1 } }));
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/^bad\.json: 3 error\(s\)/);
    for (const path of ['mode', 'risk.stakePct', 'risk.bogus']) expect(r.err).toContain(`  ${path}  `);
  });

  it('resolves a document naming a user strategy only with its --strategy-file (else the unknown strategy is a problem, exit 1)', async () => {
    const h = cliHarness();
    const file = h.file('u.json', { strategies: [{ name: 'breakout', params: { entryLookback: 30 } }] });
    const without = await h.run('show-config', '--policy', file);
    expect(without).toMatchObject({ code: 1, out: '' });
    expect(without.err).toMatch(/strategies\.0\.name/);
    const breakout = fileURLToPath(new URL('../../support/strategies/breakout.ts', import.meta.url));
    const withFile = await h.run('show-config', '--json', '--policy', file, '--strategy-file', breakout);
    expect(withFile.code).toBe(0);
    expect((JSON.parse(withFile.out) as { policy: { strategies: { name: string; params: Record<string, number> }[] } }).policy.strategies[0])
      .toMatchObject({ name: 'breakout', params: { entryLookback: 30 } });
  });

  it('shows the defaults without --policy and POLICY_TABLE, else the version in force in the table', async () => {
    const h = cliHarness();
    expect(await showConfigCommand(h.ctx, {}, {})).toBe(0);
    const out: string[] = [];
    const ctx = { ...h.ctx, out: (t: string) => out.push(t) };
    await showConfigCommand(ctx, { json: true }, {});
    expect(JSON.parse(out.join(''))).toMatchObject({ source: 'defaults (no --policy, POLICY_TABLE unset)', hash: policyHash(defaultPolicy()) });
    await h.policies.write({ risk: { stakePct: 1.5 } }, { by: 'alice', at: h.clock.now() });
    out.length = 0;
    await showConfigCommand(ctx, { json: true }, { POLICY_TABLE: 'Stratus-Policy' });
    expect(JSON.parse(out.join(''))).toMatchObject({ source: 'POLICY_TABLE v1 (active)', version: 1, policy: { risk: { stakePct: 1.5 } } });
  });
});
