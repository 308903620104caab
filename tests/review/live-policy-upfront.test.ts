import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startLiveCommand } from '../../shared/local/live-start.js';

let dir: string;
beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'stratus-review-live-')); });
afterEach(async () => { await rm(dir, { recursive: true, force: true }); });

/** Runs `stratus start --live --policy <text>` with a session that would stop at once and endpoints nothing listens on. */
async function startLive(policyText: string) {
  const file = join(dir, 'policy.json');
  await writeFile(file, policyText);
  const out: string[] = [];
  const err: string[] = [];
  const stateDir = join(dir, 'state');
  const abort = new AbortController();
  abort.abort();
  const code = await startLiveCommand({ out: (t) => out.push(t), err: (t) => err.push(t) }, { live: true, policy: file, 'state-dir': stateDir }, {
    signal: abort.signal, endpoints: { wsUrl: 'ws://127.0.0.1:9', restOrigin: 'http://127.0.0.1:9' },
  }).catch((e: unknown) => e);
  return { code, out: out.join(''), err: err.join(''), stateCreated: existsSync(stateDir) };
}

describe('stratus start --live refuses an invalid --policy up front, as the replay does', () => {
  it('refuses a policy file with a duplicate key (JSON.parse would keep the last silently): exit 1, no state created', async () => {
    const r = await startLive('{"symbols":["BTC/USDT"],"strategies":[{"name":"momentum"}],"strategies":[{"name":"sma-cross"}]}');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/strategies\s+DUPLICATE_KEY/);
    expect(r.stateCreated).toBe(false);
  }, 30_000);

  it('refuses out-of-range strategy params with their path before any emulator starts', async () => {
    const r = await startLive('{"symbols":["BTC/USDT"],"strategies":[{"name":"momentum","params":{"lookback":1}}]}');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/strategies\.0\.params\.lookback\s+STRATEGY_PARAMS/);
    expect(r.stateCreated).toBe(false);
  }, 30_000);
});
