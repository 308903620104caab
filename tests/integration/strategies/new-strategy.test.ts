import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../lib/bundle-options.js';
import { getStrategy } from '../../../shared/domain/strategy.js';
import { loadStrategyFiles } from '../../../shared/local/strategy-loader.js';
import { cliHarness } from '../../unit/cli/cli-harness.js';

const run = promisify(execFile);
let dir: string;

beforeAll(() => {
  // Inside the repository (a dot folder no test glob picks up), so the generated files resolve zod and the domain.
  dir = fs.mkdtempSync(path.join(REPO_ROOT, '.tmp-new-strategy-'));
});

afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('stratus new-strategy', () => {
  it('writes NAME.ts and NAME.test.ts that load as a strategy, and refuses to overwrite them', async () => {
    const h = cliHarness();
    const target = path.join(dir, 'strategies');
    const first = await h.run('new-strategy', 'dip-buyer', '--dir', target);
    expect(first.code).toBe(0);
    expect(first.out).toContain('dip-buyer.ts and');
    const module = path.join(target, 'dip-buyer.ts');
    expect(fs.readFileSync(module, 'utf8')).toMatch(/^\/\/ Strategy "dip-buyer"/);
    const [strategy] = await loadStrategyFiles([module]);
    expect(getStrategy('dip-buyer')).toBe(strategy);
    expect(strategy!.requiredCandles({})).toBe(20);
    expect(strategy!.plot!([], {})).toEqual([{ name: 'SMA 20', values: [] }]);

    fs.writeFileSync(module, '// edited by hand\n');
    const again = await h.run('new-strategy', 'dip-buyer', '--dir', target);
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/dip-buyer\.ts and .*dip-buyer\.test\.ts already exist; nothing written/);
    expect(fs.readFileSync(module, 'utf8')).toBe('// edited by hand\n');
  });

  it('refuses a built-in name and a name the policy could not carry', async () => {
    const h = cliHarness();
    expect((await h.run('new-strategy', 'momentum', '--dir', dir)).err).toContain('"momentum" is a built-in strategy');
    const bad = await h.run('new-strategy', 'My Strategy', '--dir', dir);
    expect([bad.code, bad.err]).toEqual([2, expect.stringContaining('must be 1-40 lower-case letters, digits or dashes')]);
    expect(fs.existsSync(path.join(dir, 'My Strategy.ts'))).toBe(false);
  });

  it('writes a test that passes on the template it wrote', async () => {
    const h = cliHarness();
    // The layout new-strategy suggests: a project root holding strategies/, whose tests the vitest config includes.
    const root = path.join(dir, 'project');
    expect((await h.run('new-strategy', 'mean-dip', '--dir', path.join(root, 'strategies'))).code).toBe(0);
    const { stdout } = await run(process.execPath, [path.join(REPO_ROOT, 'node_modules/vitest/vitest.mjs'), 'run', '--root', root, '--config', path.join(REPO_ROOT, 'vitest.config.ts'), '--reporter', 'verbose'], {
      cwd: REPO_ROOT, env: { PATH: process.env.PATH ?? '', CI: '1' }, timeout: 120_000,
    });
    expect(stdout).toMatch(/6 passed/);
    expect(stdout).toContain('buys a close more than dropPct below the SMA when flat, not when holding');
  }, 120_000);
});
