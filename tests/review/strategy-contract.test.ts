import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import type { Candle } from '../../shared/domain/candle.js';
import { defineStrategy, definitionProblems } from '../../shared/domain/strategy-define.js';
import type { StrategySignal } from '../../shared/domain/strategy.js';

const candles = (n: number): Candle[] => Array.from({ length: n }, (_, i) => ({
  symbol: 'BTC/USDT', timeframe: '1m', openTime: i * 60_000, open: 100, high: 100, low: 100, close: 100, volume: 1,
}));
const returning = (signal: unknown) => defineStrategy({
  name: 'returns-this', params: z.strictObject({}), requiredCandles: 2,
  evaluate: () => signal as StrategySignal,
});

describe('a user strategy keeps the strategy contract or fails loudly', () => {
  it.each([
    ['a NaN score', { side: 'buy', kind: 'entry', score: Number.NaN, reason: 'r' }, /score must be a finite number/],
    ['an infinite score', { side: 'buy', kind: 'entry', score: Number.POSITIVE_INFINITY, reason: 'r' }, /score must be a finite number/],
    ['a sell entry (long only)', { side: 'sell', kind: 'entry', score: 1, reason: 'r' }, /kind must be 'exit' for side sell/],
    ['a side that is neither buy nor sell', { side: 'short', kind: 'entry', score: 1, reason: 'r' }, /side must be 'buy' or 'sell'/],
    ['no reason', { side: 'buy', kind: 'entry', score: 1 }, /reason must be a string/],
  ])('refuses %s from evaluate() (the risk function would drop its intent as malformed)', (_label, signal, message) => {
    expect(() => returning(signal).evaluate({ candles: candles(2), holding: false, params: {} })).toThrow(message);
  });

  it('still passes a well-formed signal and no signal through', () => {
    const ok = { side: 'sell', kind: 'exit', score: -0.5, reason: 'down' };
    expect(returning(ok).evaluate({ candles: candles(2), holding: true, params: {} })).toEqual(ok);
    expect(returning(undefined).evaluate({ candles: candles(2), holding: true, params: {} })).toBeUndefined();
  });

  it.each([0, -3, 2.5, Number.NaN])('refuses a fixed warm-up of %s candles when the module loads', (n) => {
    expect(definitionProblems({ name: 'w', params: z.strictObject({}), requiredCandles: n, evaluate: () => undefined }))
      .toEqual([expect.stringMatching(/requiredCandles must be a whole number ≥ 1/)]);
  });

  it.each([0, -1, 3.5, Number.NaN])('refuses a computed warm-up of %s candles (evaluate would get the whole history)', (n) => {
    const s = defineStrategy({ name: 'w', params: z.strictObject({}), requiredCandles: () => n, evaluate: () => undefined });
    expect(() => s.requiredCandles({})).toThrow(expect.objectContaining({ code: 'INVALID_STRATEGY_PARAMS', message: expect.stringMatching(/requiredCandles must be a whole number ≥ 1/) }));
  });
});

describe('params of a strategy whose schema is a plain (non-strict) z.object', () => {
  const loose = defineStrategy({
    name: 'loose', params: z.object({ n: z.number().int().min(1).max(10).default(3) }), requiredCandles: (p) => p.n, evaluate: () => undefined,
  });

  it('refuses a misspelt param instead of silently dropping it and running on the default', () => {
    expect(() => loose.requiredCandles({ lenght: 5 })).toThrow(expect.objectContaining({
      code: 'INVALID_STRATEGY_PARAMS', issues: [{ param: 'lenght', message: 'unknown param "lenght" (known: n)' }],
    }));
  });

  it('reports an unknown param once for a strict schema, beside the range problems', () => {
    const strict = defineStrategy({ name: 'strict', params: z.strictObject({ n: z.number().min(1).default(3) }), requiredCandles: 1, evaluate: () => undefined });
    expect(() => strict.requiredCandles({ n: 0, x: 1 })).toThrow(expect.objectContaining({
      issues: [{ param: 'n', message: 'n must be a number ≥ 1, got 0' }, { param: 'x', message: 'unknown param "x" (known: n)' }],
    }));
  });
});

describe('strategy params of the wrong type in a policy', () => {
  it.each([
    [{ lookback: '30' }, 'strategies.0.params.lookback'],
    [{ lookback: null }, 'strategies.0.params.lookback'],
    ['lookback=30', 'strategies.0.params'],
  ])('reports %j as STRATEGY_PARAMS at %s, as an out-of-range param is', async (params, path) => {
    const { validatePolicy } = await import('../../shared/domain/policy.js');
    const r = validatePolicy({ strategies: [{ name: 'momentum', params }] });
    expect(r.ok).toBe(false);
    expect(r.ok ? [] : r.problems.map((p) => [p.path, p.code])).toEqual([[path, 'STRATEGY_PARAMS']]);
  });
});
