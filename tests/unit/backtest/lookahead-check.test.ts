import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { describeDifferences, lookaheadCheck, type CandleSet } from '../../../shared/backtest/lookahead-check.js';
import { closeTime, type Candle } from '../../../shared/domain/candle.js';
import { getStrategy, type Strategy } from '../../../shared/domain/strategy.js';
import type { CliContext } from '../../../shared/cli/cli-context.js';
import { iso } from '../../../shared/cli/cli-context.js';
import { runCli } from '../../../shared/cli/run-cli.js';
import { candles, HOUR } from './fixtures.js';

/** A deterministic random walk of closes around 100 (LCG), long enough for several crosses and trends. */
function walk(n: number, seed: number): number[] {
  let x = seed;
  let price = 100;
  return Array.from({ length: n }, () => {
    x = (x * 1_103_515_245 + 12_345) % 2_147_483_648;
    price *= 1 + ((x / 2_147_483_648) - 0.48) * 0.02;
    return Math.round(price * 100) / 100;
  });
}

const DATA: CandleSet = { 'BTC/USDT': candles('BTC/USDT', walk(400, 7)), 'ETH/USDT': candles('ETH/USDT', walk(400, 11)) };

/**
 * TEST ONLY, deliberately peeking: it reads the loaded data set on its own (the side channel a strategy
 * has around the window it is given) and buys when the candle after the decision candle closes higher.
 */
function peeking(data: CandleSet): Strategy {
  return {
    name: 'peeking',
    paramsSchema: z.strictObject({}),
    requiredCandles: () => 2,
    evaluate({ candles: window, holding }) {
      const last = window.at(-1)!;
      const series = data[last.symbol] ?? [];
      const next = series.find((c) => c.openTime === closeTime(last));
      if (!holding && next && next.close > last.close) return { side: 'buy', kind: 'entry', score: 1, reason: 'tomorrow is up' };
      return undefined;
    },
  };
}

/** How many decisions of the registered strategy signal on the data (so a passing check is not vacuous). */
function signalCount(strategy: Strategy, params: Record<string, number>, data: CandleSet): number {
  const needed = strategy.requiredCandles(params);
  let n = 0;
  for (const series of Object.values(data)) {
    for (let k = needed - 1; k < series.length; k++) {
      for (const holding of [false, true]) if (strategy.evaluate({ candles: series.slice(k + 1 - needed, k + 1), holding, params })) n += 1;
    }
  }
  return n;
}

describe('lookaheadCheck', () => {
  it.each([
    ['sma-cross', { fast: 2, slow: 5 }],
    ['sma-cross', {}],
    ['momentum', { lookback: 5, entryThreshold: 1, exitThreshold: 0 }],
    ['rsi-reversion', {}],
    ['rsi-reversion', { period: 5, oversold: 20, exitLevel: 60 }],
  ])('passes %s %j, which sees only the closed candles of its window', (name, params) => {
    expect(signalCount(getStrategy(name), params, DATA)).toBeGreaterThan(5);
    const result = lookaheadCheck({ strategy: name, params, candles: DATA, cuts: 5 });
    expect(result.differences).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.cuts).toHaveLength(5);
    expect(result.compared).toBeGreaterThan(1000);
  });

  it('fails a strategy that reads the candle after its decision candle, listing the changed signals at the cuts', () => {
    const result = lookaheadCheck({ strategy: 'peeking', params: {}, candles: DATA, cuts: 4, strategies: (_, data) => peeking(data) });
    expect(result.ok).toBe(false);
    expect(result.differences.length).toBeGreaterThan(0);
    for (const d of result.differences) {
      expect(d.time).toBe(d.cut);
      expect(d.holding).toBe(false);
      expect(d.full).toMatchObject({ side: 'buy', reason: 'tomorrow is up' });
      expect(d.truncated).toBeNull();
    }
    const text = describeDifferences(result, iso);
    expect(text).toContain(`BTC/USDT`);
    expect(text).toMatch(/full run buy entry \(tomorrow is up\), truncated run no signal/);
  });

  it('cannot catch a peeker bound to one fixed data set, which sees the same future in every run', () => {
    // The peeker bound to the full data in every run sees the future in every run alike: the check compares
    // runs, so a strategy must be built from the data of each run (as the source factory is) to be caught.
    const full = peeking(DATA);
    const result = lookaheadCheck({ strategy: 'peeking', params: {}, candles: DATA, cuts: 4, strategies: () => full });
    expect(result.ok).toBe(true);
  });

  it('evaluates at each close the last requiredCandles closed candles, ending with the decision candle', () => {
    const seen: { length: number; last: Candle }[] = [];
    const spy: Strategy = {
      name: 'spy', paramsSchema: z.strictObject({}), requiredCandles: () => 3,
      evaluate({ candles: window }) { seen.push({ length: window.length, last: window.at(-1)! }); return undefined; },
    };
    const data = { 'BTC/USDT': candles('BTC/USDT', [1, 2, 3, 4, 5, 6]) };
    lookaheadCheck({ strategy: 'spy', params: {}, candles: data, cuts: 1, strategies: () => spy });
    expect(seen.every((s) => s.length === 3)).toBe(true);
    const fullRun = seen.slice(0, 8).map((s) => s.last.close);
    expect(fullRun).toEqual([3, 3, 4, 4, 5, 5, 6, 6]);
    // one cut, at the close of the third candle: the truncated run decides only there, on candles 1..3
    expect(seen.slice(8).map((s) => [s.last.close, closeTime(s.last)])).toEqual([[3, data['BTC/USDT'][0]!.openTime + 3 * HOUR], [3, data['BTC/USDT'][0]!.openTime + 3 * HOUR]]);
  });
});

const MARKET = resolve(import.meta.dirname, '../../../../shared/data/market');
const HAVE_DATA = existsSync(join(MARKET, 'binance_BTC-USDT_1h.csv.gz'));

function context(): CliContext & { output: { out: string; err: string } } {
  const output = { out: '', err: '' };
  const none = () => { throw new Error('lookahead-check must not touch the stores'); };
  return {
    output, policies: none, state: none, clock: { now: () => 0 },
    out: (t) => { output.out += t; }, err: (t) => { output.err += t; }, readText: (path) => readFile(path, 'utf8'),
  };
}

describe.skipIf(!HAVE_DATA)('stratus lookahead-check on ../shared/data/market', () => {
  it.each(['sma-cross', 'momentum'])('passes %s on BTC/USDT and ETH/USDT 1h with exit code 0', async (strategy) => {
    const ctx = context();
    const code = await runCli(['lookahead-check', '--strategy', strategy, '--symbols', 'BTC/USDT,ETH/USDT', '--timeframe', '1h',
      '--from', '2021-01-01', '--to', '2021-03-01', '--data', MARKET, '--cuts', '3'], ctx);
    expect(ctx.output.err).toBe('');
    expect(code).toBe(0);
    expect(ctx.output.out).toMatch(new RegExp(`^lookahead-check ${strategy}: PASS, \\d+ decisions compared at 3 cuts`));
  });

  it('refuses an unknown strategy with exit code 1', async () => {
    const ctx = context();
    expect(await runCli(['lookahead-check', '--strategy', 'nope', '--symbols', 'BTC/USDT', '--timeframe', '1h',
      '--from', '2021-01-01', '--to', '2021-01-02', '--data', MARKET], ctx)).toBe(1);
    expect(ctx.output.err).toMatch(/nope/);
  });
});
