import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import type { Candle } from '../../../shared/domain/candle.js';
import { validatePolicy } from '../../../shared/domain/policy.js';
import { momentum } from '../../../shared/domain/strategies/momentum.js';
import { smaCross } from '../../../shared/domain/strategies/sma-cross.js';
import { defineStrategy, definitionProblems, paramInfo } from '../../../shared/domain/strategy-define.js';
import { getStrategy, registerStrategy, registeredStrategies, strategyNames } from '../../../shared/domain/strategy.js';

const series = (closes: number[]): Candle[] => closes.map((close, i) => ({
  symbol: 'BTC/USDT', timeframe: '1h', openTime: i * 3_600_000, open: close, high: close, low: close, close, volume: 1,
}));
const params = z.strictObject({ n: z.number().int().min(2).max(10).default(3).describe('closes'), k: z.number().min(0).default(1) });
const seen: unknown[] = [];
const spy = defineStrategy({
  name: 'spy', params, requiredCandles: 7,
  evaluate({ params: p }) { seen.push(p); return undefined; },
});

describe('defineStrategy', () => {
  it('hands evaluate() the params parsed by the schema with defaults filled in, once per params object', () => {
    const raw = { n: 5 };
    spy.evaluate({ candles: [], holding: false, params: raw });
    spy.evaluate({ candles: [], holding: false, params: raw });
    expect(seen).toEqual([{ n: 5, k: 1 }, { n: 5, k: 1 }]);
    expect(seen[0]).toBe(seen[1]);
  });

  it('validates params even when the warm-up is a fixed number', () => {
    expect(spy.requiredCandles({})).toBe(7);
    expect(() => spy.requiredCandles({ n: 11 })).toThrow('n must be an integer in 2..10, got 11');
  });

  it('reports every bad param in one error, each with its param', () => {
    let error: unknown;
    try { spy.requiredCandles({ n: 1.5, k: -1, x: 1, y: 2 }); } catch (e) { error = e; }
    expect(error).toMatchObject({ code: 'INVALID_STRATEGY_PARAMS' });
    expect((error as { issues: unknown }).issues).toEqual([
      { param: 'n', message: 'n must be an integer in 2..10, got 1.5' },
      { param: 'k', message: 'k must be a number ≥ 0, got -1' },
      { param: 'x', message: 'unknown param "x" (known: n, k)' },
      { param: 'y', message: 'unknown param "y" (known: n, k)' },
    ]);
  });

  it('names what a definition lacks, and refuses params without defaults', () => {
    expect(definitionProblems({ name: 'Bad Name', requiredCandles: 'x', screen: 1 })).toEqual([
      'name "Bad Name" must be 1-40 lower-case letters, digits or dashes',
      'params (a zod object schema, z.strictObject({ … })) is missing',
      'requiredCandles (a number, or (params) => number) is missing',
      'evaluate (a function of { candles, holding, params }) is missing',
      'screen must be a function',
    ]);
    const noDefault = { name: 'x', params: z.strictObject({ n: z.number().int().min(1) }), requiredCandles: 1, evaluate: () => undefined };
    expect(() => defineStrategy(noDefault)).toThrow(/params must all have defaults \(the policy may give none\): n must be an integer ≥ 1, got nothing/);
    expect(() => defineStrategy(noDefault)).toThrow(expect.objectContaining({ code: 'INVALID_STRATEGY_MODULE' }));
  });

  it('reads each param\'s default, range and description from the schema', () => {
    expect(paramInfo(params)).toEqual([
      { name: 'n', integer: true, default: 3, min: 2, max: 10, description: 'closes' },
      { name: 'k', integer: false, default: 1, min: 0 },
    ]);
    expect(paramInfo(smaCross.paramsSchema).map((p) => [p.name, p.default, p.min, p.max])).toEqual([['fast', 20, 1, 998], ['slow', 50, 2, 999]]);
  });
});

describe('the registry', () => {
  it('takes a user strategy beside the built-ins and refuses another source for a taken name', () => {
    registerStrategy(spy, '/strategies/spy.ts');
    expect(getStrategy('spy')).toBe(spy);
    expect(strategyNames()).toEqual(['momentum', 'sma-cross', 'rsi-reversion', 'spy']);
    registerStrategy(spy, '/strategies/spy.ts');
    expect(() => registerStrategy(spy, '/elsewhere/spy.ts')).toThrow('/elsewhere/spy.ts: strategy name "spy" is already taken by the strategy in /strategies/spy.ts; rename it');
    expect(() => registerStrategy({ ...spy, name: 'sma-cross' }, '/x.ts')).toThrow(expect.objectContaining({ code: 'STRATEGY_NAME_TAKEN' }));
    expect(() => registerStrategy({ ...spy, name: 'sma-cross' }, 'built-in')).toThrow(expect.objectContaining({ code: 'STRATEGY_NAME_TAKEN' }));
    expect(getStrategy('sma-cross')).toBe(smaCross);
    expect(registeredStrategies().map((r) => r.source)).toEqual(['built-in', 'built-in', 'built-in', '/strategies/spy.ts']);
  });

  it('flags a user strategy whose params need over 1000 candles at the params path', () => {
    registerStrategy(defineStrategy({ name: 'slow-one', params: z.strictObject({}), requiredCandles: 5000, evaluate: () => undefined }), '/s.ts');
    const r = validatePolicy({ strategies: [{ name: 'slow-one' }] });
    expect(!r.ok && r.problems).toContainEqual(expect.objectContaining({ code: 'STRATEGY_PARAMS', path: 'strategies.0.params', message: 'these params need 5000 closed candles; at most 1000' }));
  });
});

describe('built-in plot lines', () => {
  it('sma-cross draws its two SMAs, null until each has its period of closes', () => {
    expect(smaCross.plot!(series([1, 2, 3, 4]), { fast: 2, slow: 3 })).toEqual([
      { name: 'SMA 2', values: [null, 1.5, 2.5, 3.5] },
      { name: 'SMA 3', values: [null, null, 2, 3] },
    ]);
  });

  it('momentum draws M, null until lookback + 1 closes and where the returns have no spread', () => {
    const closes = [100, 101, 103.02, 106.1106, 106.1106];
    const [line] = momentum.plot!(series(closes), { lookback: 3, entryThreshold: 1, exitThreshold: 0 });
    expect(line!.name).toBe('M 3');
    expect(line!.values.slice(0, 3)).toEqual([null, null, null]);
    expect(line!.values[3]).toBeCloseTo(momentum.evaluate({ candles: series(closes.slice(0, 4)), holding: false, params: { lookback: 3, entryThreshold: -1000, exitThreshold: -1000 } })!.score, 12);
    expect(line!.values).toHaveLength(5);
  });
});
