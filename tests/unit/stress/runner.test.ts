import { describe, expect, it } from 'vitest';
import { runScenario, runStress, summaryTable } from '../../../shared/stress/runner.js';
import { atLeast, checkSabotage, equals, type Scenario } from '../../../shared/stress/scenario.js';

/** A scenario that needs no pipeline: its observation is a number, its criterion that the number is at least 1. */
const fake = (name: string, value: number): Scenario<number> => ({
  name, title: `fake ${name}`, fast: true, sabotages: { zero: 'value at least 1' },
  async observe(options) { return checkSabotage(this, options) === 'zero' ? 0 : value; },
  judge: (v) => [atLeast('value at least 1', v, 1), equals('value is finite', Number.isFinite(v) ? 'yes' : 'no', 'yes')],
});

const run = async (argv: string[], scenarios = [fake('good', 2), fake('bad', 0)]) => {
  const lines: string[] = [];
  const code = await runStress(argv, (l) => lines.push(l), scenarios as Scenario[]);
  return { code, out: lines.join('\n') };
};

describe('npm run stress', () => {
  it('prints each criterion with expected and measured values and PASS/FAIL, then the summary table; exits 1 when a scenario fails', async () => {
    const { code, out } = await run([]);
    expect(code).toBe(1);
    expect(out).toContain('PASS  value at least 1  expected ≥ 1; measured 2');
    expect(out).toContain('FAIL  value at least 1  expected ≥ 1; measured 0');
    expect(out).toMatch(/\| good \| PASS \| 2\/2 \| [\d.]+ \|  \|/);
    expect(out).toMatch(/\| bad \| FAIL \| 1\/2 \| [\d.]+ \| failed: value at least 1 \|/);
    expect(out).toContain('1/2 scenarios passed');
  });

  it('exits 0 when every criterion of the chosen scenarios passes (--scenario, comma list or repeated)', async () => {
    expect((await run(['--scenario', 'good'])).code).toBe(0);
    expect((await run(['--scenario', 'good,bad'])).code).toBe(1);
    expect((await run(['--scenario', 'good', '--scenario', 'bad'])).code).toBe(1);
  });

  it('--sabotage injects the named defect into one scenario, whose criterion then fails', async () => {
    const { code, out } = await run(['--scenario', 'good', '--sabotage', 'zero']);
    expect(code).toBe(1);
    expect(out).toContain('== good (sabotage: zero)');
    expect(out).toContain('FAIL  value at least 1');
  });

  it('fails a scenario given a sabotage it does not know, instead of passing it', async () => {
    const { code, out } = await run(['--scenario', 'good', '--sabotage', 'typo']);
    expect(code).toBe(1);
    expect(out).toContain('scenario threw: scenario good: unknown sabotage "typo" (known: zero)');
  });

  it('lists the scenarios with their sabotages and speed (--list), and refuses unknown scenarios and options (exit 2)', async () => {
    const list = await run(['--list']);
    expect(list.code).toBe(0);
    expect(list.out).toMatch(/^good {20} fast {2}fake good/m);
    expect(list.out).toContain('sabotages: zero (breaks "value at least 1")');
    expect((await run(['--scenario', 'nope'])).out).toContain('unknown scenario nope (known: good, bad)');
    expect((await run(['--scenario', 'nope'])).code).toBe(2);
    expect((await run(['--bogus'])).code).toBe(2);
    expect((await run(['--sabotage', 'zero'])).code).toBe(2);
  });

  it('--self-test runs every sabotage and exits 1 when one leaves its criterion passing', async () => {
    const caught = await run(['--self-test', '--scenario', 'good']);
    expect(caught.code).toBe(0);
    expect(caught.out).toContain('| good | zero | value at least 1 | FAILS as it must |');
    const blind: Scenario<number> = { ...fake('blind', 2), observe: async () => 2 };
    const missed = await run(['--self-test'], [blind]);
    expect(missed.code).toBe(1);
    expect(missed.out).toContain('| blind | zero | value at least 1 | STILL PASSES |');
    expect(missed.out).toContain('0/1 sabotages caught');
  });

  it('--fast runs only the fast scenarios', async () => {
    const slow = { ...fake('slow', 0), fast: false };
    expect((await run(['--fast'], [fake('good', 2), slow])).out).not.toContain('== slow');
  });

  it('counts a scenario that throws, or judges nothing, as failed', async () => {
    const throws: Scenario<number> = { ...fake('x', 1), observe: async () => { throw new Error('boom'); } };
    const empty: Scenario<number> = { ...fake('y', 1), judge: () => [] };
    expect((await runScenario(throws as Scenario, () => undefined)).pass).toBe(false);
    expect((await runScenario(empty as Scenario, () => undefined)).pass).toBe(false);
    expect(summaryTable([await runScenario(throws as Scenario, () => undefined)])).toContain('threw: boom');
  });
});
