import { describe, expect, it } from 'vitest';
import type { Candle } from '../../../shared/domain/candle.js';
import { StrategyParamsError } from '../../../shared/domain/errors.js';
import { smaCross, smaCrossParams } from '../../../shared/domain/strategies/sma-cross.js';
import { getStrategy } from '../../../shared/domain/strategy.js';

const series = (closes: number[]): Candle[] => closes.map((close, i) => ({
  symbol: 'BTC/USDT', timeframe: '1h', openTime: i * 3_600_000, open: close, high: close, low: close, close, volume: 1,
}));
const params = { fast: 2, slow: 3 };

describe('sma-cross', () => {
  it('is registered under its name and needs slow + 1 candles (defaults 20/50)', () => {
    expect(getStrategy('sma-cross')).toBe(smaCross);
    expect(smaCross.requiredCandles({})).toBe(51);
    expect(smaCross.requiredCandles(params)).toBe(4);
  });

  it.each([
    [{ fast: 3, slow: 3 }, /fast 3 must be below slow 3/],
    [{ fast: 0 }, /fast must be an integer/],
    [{ slow: 2.5 }, /slow must be an integer/],
    [{ period: 5 }, /unknown param "period"/],
  ])('rejects params %j', (p, message) => {
    expect(() => smaCrossParams(p)).toThrow(StrategyParamsError);
    expect(() => smaCrossParams(p)).toThrow(message);
  });

  it.each([
    // closes, holding, expected side (SMA2 vs SMA3 on the last two candles)
    ['enters when fast crosses above slow', [3, 2, 1, 2, 3], false, 'buy'],
    ['enters when fast was equal to slow on the previous candle', [2, 2, 2, 3], false, 'buy'],
    ['does not enter while already holding', [3, 2, 1, 2, 3], true, undefined],
    ['does not enter when fast was already above slow', [1, 2, 3, 4, 5], false, undefined],
    ['does not enter when fast only reaches slow', [4, 2, 1, 3], false, undefined],
    ['exits when fast crosses below slow', [1, 2, 3, 2, 1], true, 'sell'],
    ['does not exit when flat', [1, 2, 3, 2, 1], false, undefined],
    ['does not exit when fast was already below slow', [5, 4, 3, 2, 1], true, undefined],
    ['gives nothing with fewer than slow + 1 candles', [3, 1, 3], false, undefined],
  ] as const)('%s', (_name, closes, holding, side) => {
    const signal = smaCross.evaluate({ candles: series([...closes]), holding, params });
    expect(signal?.side).toBe(side);
    if (signal) expect(signal.kind).toBe(side === 'buy' ? 'entry' : 'exit');
  });

  it('only looks at the last slow + 1 candles', () => {
    const tail = [3, 2, 1, 2, 3];
    const withHistory = series([50, 60, 70, 80, ...tail]);
    expect(smaCross.evaluate({ candles: withHistory, holding: false, params })?.side).toBe('buy');
  });
});
