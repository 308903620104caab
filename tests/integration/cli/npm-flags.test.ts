import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../lib/bundle-options.js';

const exec = promisify(execFile);
let dir: string;

/** Runs the system npm in a fixture package whose scripts call bin/stratus.js as the project's do; never the network. */
async function npm(...args: string[]): Promise<{ code: number; stderr: string; stdout: string }> {
  const env = {
    PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH ?? ''}`, HOME: dir, NO_UPDATE_NOTIFIER: '1',
    npm_config_update_notifier: 'false', npm_config_offline: 'true', STRATUS_CLI_TSX: '1',
  };
  try {
    const r = await exec('npm', args, { cwd: dir, env, timeout: 60_000 });
    return { code: 0, ...r };
  } catch (error) {
    const e = error as { code: number; stderr: string; stdout: string };
    return { code: e.code, stderr: e.stderr, stdout: e.stdout };
  }
}

beforeAll(() => {
  fs.mkdirSync(path.join(REPO_ROOT, 'node_modules', '.cache'), { recursive: true });
  dir = fs.mkdtempSync(path.join(REPO_ROOT, 'node_modules', '.cache', 'stratus-npm-test-'));
  const bin = JSON.stringify(path.join(REPO_ROOT, 'bin', 'stratus.js'));
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({
    name: 'npm-flags-fixture', version: '1.0.0', private: true,
    scripts: { start: `node ${bin} start --from 2030-01-01 --to 2030-01-02`, stratus: `node ${bin}` },
  }));
  fs.writeFileSync(path.join(dir, 'policy.json'), '{}');
});

afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('flags passed through npm without --', () => {
  it('refuses `npm start --symbols BTC/USDT` (npm keeps the flag) with exit 2 and the command that works', async () => {
    const r = await npm('start', '--symbols', 'BTC/USDT');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('stratus start: npm kept --symbols for itself (its value went on as bare arguments); use npm start -- --symbols … (or npx stratus start --symbols …)\n');
  }, 90_000);

  it('refuses `npm run stratus policy history --limit 3` naming the subcommand, and lets `npm run stratus -- …` through', async () => {
    const eaten = await npm('run', 'stratus', 'policy', 'history', '--limit', '3');
    expect(eaten.code).toBe(2);
    expect(eaten.stderr).toContain('stratus policy history: npm kept --limit for itself (its value went on as bare arguments); use npm run stratus -- policy history --limit …');
    const through = await npm('run', 'stratus', '--', 'policy', 'validate', 'policy.json');
    expect(through.code).toBe(0);
    expect(through.stdout).toContain('policy.json: valid');
  }, 90_000);
});
