/**
 * `stratus start` prints its summary, not the functions' structured logs and EMF lines: those appear only with
 * --log-level. The logger and metrics are configured when the embedded run starts, so nothing the CLI loads before
 * it may create them (once the CLI context pulled in the function deps and printed ~7,000 JSON lines a day).
 */
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../lib/bundle-options.js';

const run = promisify(execFile);

async function start(...args: string[]): Promise<string[]> {
  const { stdout } = await run(process.execPath, [
    path.join(REPO_ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), path.join(REPO_ROOT, 'bin', 'stratus.ts'),
    'start', '--symbols', 'BTC/USDT', '--from', '2021-05-19T00:00:00Z', '--to', '2021-05-19T00:20:00Z', ...args,
  ], { cwd: REPO_ROOT, env: { PATH: process.env.PATH ?? '' }, timeout: 120_000, maxBuffer: 64 * 1024 * 1024 });
  return stdout.split('\n');
}

describe('stratus start output', () => {
  it('prints no function log or EMF line by default, and the functions\' logs with --log-level INFO', async () => {
    const quiet = await start();
    expect(quiet.some((l) => l.startsWith('Stratus embedded run'))).toBe(true);
    expect(quiet.filter((l) => l.startsWith('{'))).toEqual([]);
    const loud = await start('--log-level', 'INFO');
    expect(loud.filter((l) => l.startsWith('{"level":"INFO"')).length).toBeGreaterThan(0);
  }, 240_000);
});
