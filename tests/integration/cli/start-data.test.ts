/**
 * `stratus start` on any window of any candle files: --data, --timeframe, warm-up before --from, the policy file's
 * symbols, and an invalid --policy refused before anything runs. Each run gets its own module graph (the SDK clients
 * are process-wide and bound to the first run's emulators).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { EmbeddedSummary } from '../../../shared/local/summary.js';

const DATA = resolve(import.meta.dirname, '../../../../shared/data/market');
const dir = mkdtempSync(join(tmpdir(), 'stratus-start-data-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Run { code: number; out: string; err: string; summary?: EmbeddedSummary }

async function start(values: Record<string, string>): Promise<Run> {
  const { startCommand } = await import('../../../shared/cli/start-command.js');
  const json = join(dir, `summary-${Math.random().toString(36).slice(2)}.json`);
  let out = '';
  let err = '';
  const io = { readText: (p: string) => Promise.resolve(readFileSync(p, 'utf8')), out: (t: string) => { out += t; }, err: (t: string) => { err += t; } };
  const code = await startCommand({ ...values, json }, io);
  return { code, out, err, ...(existsSync(json) ? { summary: JSON.parse(readFileSync(json, 'utf8')) as EmbeddedSummary } : {}) };
}

function policyFile(name: string, document: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(document));
  return path;
}

beforeEach(() => { vi.resetModules(); });

describe.skipIf(!existsSync(DATA))(`stratus start --data on the shared market files (${DATA})`, () => {
  it('replays a day of 5m candles at 5m, and trades', async () => {
    const r = await start({ data: DATA, timeframe: '5m', from: '2025-01-10', to: '2025-01-11', symbols: 'BTC/USDT,ETH/USDT' });
    expect(r.code).toBe(0);
    expect(r.err).toContain('BTC/USDT, ETH/USDT 5m from 2025-01-10T00:00Z to 2025-01-11T00:00Z');
    expect(r.summary!.candlesReplayed).toBe(2 * 288);
    expect(r.summary!.orders.total).toBeGreaterThan(0);
    expect(r.summary!.runtime).toEqual({ scheduledErrors: 0, handlerErrors: 0, undrainedPolls: 0 });
  }, 180_000);

  it('replays three days of 1h candles at 1h, with a daily report per day', async () => {
    const r = await start({ data: DATA, timeframe: '1h', from: '2025-01-06', to: '2025-01-09', symbols: 'BTC/USDT' });
    expect(r.code).toBe(0);
    expect(r.summary!.candlesReplayed).toBe(72);
    expect(r.summary!.window).toEqual({ from: '2025-01-06T00:00:00.000Z', to: '2025-01-09T00:00:00.000Z' });
    expect(r.summary!.dailyReports.map((d) => d.day)).toEqual(['2025-01-06', '2025-01-07', '2025-01-08']);
    expect(r.summary!.runtime).toEqual({ scheduledErrors: 0, handlerErrors: 0, undrainedPolls: 0 });
  }, 180_000);

  it('refuses a symbol the data has no file for, listing the symbols it has', async () => {
    await expect(start({ data: DATA, from: '2021-05-19', to: '2021-05-20', symbols: 'BTC/USDT,FOO/USDT' }))
      .rejects.toThrow(/no 1m candle file for FOO\/USDT; it has: 1m ADA\/USDT, BNB\/USDT, BTC\/USDT, DOGE\/USDT, ETH\/USDT, SOL\/USDT, XRP\/USDT; 5m /);
  });
});

describe('stratus start and the policy file', () => {
  const window = { from: '2021-05-19T00:00:00Z', to: '2021-05-19T00:15:00Z' };

  it('replays the policy file\'s symbols when --symbols is not given', async () => {
    const r = await start({ ...window, policy: policyFile('eth.json', { symbols: ['ETH/USDT'] }) });
    expect(r.code).toBe(0);
    expect(r.summary!.symbols).toEqual(['ETH/USDT']);
    expect(r.summary!.candlesReplayed).toBe(15);
  }, 120_000);

  it('lets --symbols override the policy file\'s symbols', async () => {
    const r = await start({ ...window, symbols: 'SOL/USDT', policy: policyFile('eth2.json', { symbols: ['ETH/USDT'] }) });
    expect(r.code).toBe(0);
    expect(r.summary!.symbols).toEqual(['SOL/USDT']);
  }, 120_000);

  it('refuses an invalid --policy before anything runs, listing every problem, exit 1', async () => {
    const r = await start({ ...window, policy: policyFile('bad.json', { mode: 'BOGUS', risk: { stakePct: -5 } }) });
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/bad\.json: 2 error\(s\)/);
    expect(r.err).toMatch(/mode\s+SCHEMA/);
    expect(r.err).toMatch(/risk\.stakePct\s+PERCENT_OUT_OF_RANGE/);
    expect(r.out).toBe('');
    expect(r.summary).toBeUndefined();
  });

  it('refuses a --timeframe the CLI does not know, before reading any data', async () => {
    await expect(start({ ...window, timeframe: '7m' })).rejects.toThrow(/--timeframe must be one of/);
  });
});
