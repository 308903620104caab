/** `stratus start --json -`: the run summary as JSON on stdout (the text summary on stderr), no file named `-`. */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startCommand } from '../../../shared/cli/start-command.js';

const dir = mkdtempSync(join(tmpdir(), 'stratus-start-stdout-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('stratus start --json -', () => {
  it('prints the summary JSON to stdout and the text summary to stderr, writing no file named -', async () => {
    let out = '';
    let err = '';
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const io = { readText: (p: string) => Promise.resolve(readFileSync(p, 'utf8')), out: (t: string) => { out += t; }, err: (t: string) => { err += t; } };
      const code = await startCommand({ data: join(cwd, 'shared/local/data'), timeframe: '1m', from: '2021-05-19T00:00Z', to: '2021-05-19T00:20Z', symbols: 'BTC/USDT', json: '-' }, io);
      expect(code).toBe(0);
    } finally {
      process.chdir(cwd);
    }
    const summary = JSON.parse(out) as { candlesReplayed: number; symbols: string[] };
    expect(summary.symbols).toEqual(['BTC/USDT']);
    expect(summary.candlesReplayed).toBe(20);
    expect(err).toContain('Stratus embedded run');
    expect(existsSync(join(dir, '-'))).toBe(false);
  }, 120_000);
});
