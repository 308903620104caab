import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CliContext } from '../../../shared/cli/cli-context.js';
import { runCli } from '../../../shared/cli/run-cli.js';
import { breakEven, costSweep, formatSweep, parseLevels, type CostLevelResult } from '../../../shared/backtest/cost-sweep.js';
import { buildReport } from '../../../shared/backtest/report.js';
import { candles, HOUR, run, T0, testPolicy, ZIGZAG } from './fixtures.js';

const level = (bps: number, totalReturnPct: number | null): CostLevelResult => ({ bps, sharpe: null, totalReturnPct, trades: 1 });

describe('breakEven', () => {
  it.each([
    ['interpolates linearly between the levels where return changes sign', [level(0, 2), level(10, -2)], 5],
    ['interpolates unevenly spaced levels', [level(0, 3), level(10, 1), level(20, -3)], 12.5],
    ['returns a level whose return is exactly zero', [level(0, 1), level(5, 0), level(10, -1)], 5],
    ['takes the first crossing in ascending cost, whatever the input order', [level(20, -2), level(0, 4), level(10, 2)], 15],
    ['takes the first of several crossings', [level(0, 2), level(10, -2), level(20, 2), level(30, -2)], 5],
    ['skips levels without a return', [level(0, 2), level(5, null), level(10, -2)], 5],
    ['is none in range when every return stays positive', [level(0, 5), level(40, 1)], null],
    ['is none in range when every return stays negative', [level(0, -1), level(40, -9)], null],
    ['is none in range with no levels', [], null],
  ])('%s', (_, levels, expected) => {
    expect(breakEven(levels)).toBe(expected);
  });
});

describe('parseLevels', () => {
  it('defaults to 0, 5, 10, 20, 40 bps and parses a list', () => {
    expect(parseLevels(undefined)).toEqual([0, 5, 10, 20, 40]);
    expect(parseLevels('1, 2.5,30')).toEqual([1, 2.5, 30]);
  });
  it.each(['', '5,-1', '5,x'])('refuses %j', (text) => {
    expect(() => parseLevels(text)).toThrow(RangeError);
  });
});

/** A rising zig-zag: sma-cross 2/3 buys the up legs, so it profits without costs. */
const CLOSES = ZIGZAG.concat(ZIGZAG.map((c) => c + 3), ZIGZAG.map((c) => c + 6), ZIGZAG.map((c) => c + 9)).map((c, i) => c + i * 0.05);
const SERIES = { 'BTC/USDT': candles('BTC/USDT', CLOSES) };
const FROM = T0;
const TO = T0 + CLOSES.length * HOUR;

async function sweepSynthetic(levels: number[]) {
  return costSweep(levels, (bps) => {
    const r = run(testPolicy({ paper: { slippageBps: bps, takerFeeBps: bps, makerFeeBps: bps } }), SERIES);
    const m = buildReport(r, { config: {}, from: FROM, to: TO, candles: SERIES }).metrics as { sharpe: number | null; totalProfitPct: number | null };
    return { bps, sharpe: m.sharpe, totalReturnPct: m.totalProfitPct, trades: r.trades.length };
  });
}

describe('costSweep on a fixed synthetic series', () => {
  it('runs the same trades at every level, total return falling as costs rise, and finds where it crosses zero', async () => {
    const sweep = await sweepSynthetic([40, 0, 5, 20, 10]);
    expect(sweep.levels.map((l) => l.bps)).toEqual([0, 5, 10, 20, 40]);
    const trades = sweep.levels.map((l) => l.trades);
    expect(trades[0]).toBeGreaterThan(2);
    expect(new Set(trades).size).toBe(1);
    const returns = sweep.levels.map((l) => l.totalReturnPct!);
    for (let i = 1; i < returns.length; i++) expect(returns[i]).toBeLessThan(returns[i - 1]!);
    expect(returns[0]).toBeGreaterThan(0);
    expect(returns.at(-1)).toBeLessThan(0);
    const i = returns.findIndex((r) => r < 0);
    const [a, b] = [sweep.levels[i - 1]!, sweep.levels[i]!];
    expect(sweep.breakEvenBps).toBeGreaterThan(a.bps);
    expect(sweep.breakEvenBps).toBeLessThan(b.bps);
    expect(sweep.breakEvenBps).toBeCloseTo(a.bps + (a.totalReturnPct! * (b.bps - a.bps)) / (a.totalReturnPct! - b.totalReturnPct!), 9);
  });

  it('prints one row per level and the break-even line', async () => {
    const text = formatSweep(await sweepSynthetic([0, 10]));
    expect(text.split('\n')[0]).toMatch(/fee bps\s+slippage bps\s+trades\s+sharpe\s+total return %/);
    expect(text).toMatch(/break-even cost: (\d+\.\d{2} bps|none in range)/);
    expect(formatSweep({ levels: [level(0, 1)], breakEvenBps: null })).toMatch(/break-even cost: none in range\n$/);
  });
});

const MARKET = resolve(import.meta.dirname, '../../../../shared/data/market');
const HAVE_DATA = existsSync(join(MARKET, 'binance_BTC-USDT_1h.csv.gz'));

describe.skipIf(!HAVE_DATA)('stratus backtest --cost-sweep on ../shared/data/market', () => {
  it('prints a row per level and writes the sweep as JSON, returns falling as costs rise', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'stratus-sweep-'));
    const output = { out: '', err: '' };
    const none = () => { throw new Error('cost-sweep must not touch the stores'); };
    const ctx: CliContext = {
      policies: none, state: none, clock: { now: () => 0 }, out: (t) => { output.out += t; }, err: (t) => { output.err += t; },
      readText: (path) => readFile(path, 'utf8'),
    };
    try {
      const code = await runCli(['backtest', '--cost-sweep', '--levels', '0,10,30', '--strategy', 'sma-cross', '--symbols', 'BTC/USDT',
        '--timeframe', '1h', '--from', '2021-01-01', '--to', '2021-03-01', '--data', MARKET, '--json', join(dir, 'sweep.json')], ctx);
      expect(code).toBe(0);
      // The table (header, one row per level, break-even), then, only when a level's kill switch tripped, its banner.
      const [table, banner = ''] = output.out.split('\n\n');
      expect(table!.trim().split('\n')).toHaveLength(5);
      expect(banner === '' || banner.startsWith('!!!!')).toBe(true);
      expect(output.out).toMatch(/break-even cost: /);
      const sweep = JSON.parse(await readFile(join(dir, 'sweep.json'), 'utf8'));
      expect(sweep.levels.map((l: CostLevelResult) => l.bps)).toEqual([0, 10, 30]);
      const returns = sweep.levels.map((l: CostLevelResult) => l.totalReturnPct as number);
      expect(returns[1]).toBeLessThan(returns[0]);
      expect(returns[2]).toBeLessThan(returns[1]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
