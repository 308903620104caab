/** `stratus start` must not replay on the defaults when the pipeline's policy store refuses the --policy it was given. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'stratus-review-start-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('stratus start --policy that the pipeline refuses (a LIVE policy: no exchange keys in a replay)', () => {
  it('fails naming why instead of replaying silently on the default policy (other symbols, other hash)', async () => {
    const { startCommand } = await import('../../shared/cli/start-command.js');
    const file = join(dir, 'live.json');
    writeFileSync(file, JSON.stringify({ mode: 'LIVE', liveTradingConfirmed: true, symbols: ['BTC/USDT'] }));
    let out = '';
    let err = '';
    const io = { readText: (p: string) => Promise.resolve(readFileSync(p, 'utf8')), out: (t: string) => { out += t; }, err: (t: string) => { err += t; } };
    const result = await startCommand({ policy: file, data: 'shared/local/data', timeframe: '1m', from: '2021-05-19T14:00', to: '2021-05-19T14:20' }, io)
      .catch((e: unknown) => e);
    expect(result).toBeInstanceOf(Error);
    expect((result as Error).message).toMatch(/policy .*refused/);
    expect(out).not.toContain('Stratus embedded run');
  }, 120_000);
});
