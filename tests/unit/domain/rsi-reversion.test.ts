import { describe, expect, it } from 'vitest';
import type { Candle } from '../../../shared/domain/candle.js';
import { StrategyParamsError } from '../../../shared/domain/errors.js';
import { cutlerRsi, RSI_REVERSION_DEFAULTS, rsiReversion } from '../../../shared/domain/strategies/rsi-reversion.js';
import { getStrategy } from '../../../shared/domain/strategy.js';

const series = (closes: number[]): Candle[] => closes.map((close, i) => ({
  symbol: 'BTC/USDT', timeframe: '1h', openTime: i * 3_600_000, open: close, high: close, low: close, close, volume: 1,
}));
const params = { period: 4, oversold: 30, exitLevel: 50 };
const rsiOf = (closes: number[]) => cutlerRsi((i) => closes[i]!, closes.length - 1);

describe('rsi-reversion', () => {
  it('is registered under its name and needs period + 1 candles (defaults 14 / 30 / 50)', () => {
    expect(getStrategy('rsi-reversion')).toBe(rsiReversion);
    expect(RSI_REVERSION_DEFAULTS).toEqual({ period: 14, oversold: 30, exitLevel: 50 });
    expect(rsiReversion.requiredCandles({})).toBe(15);
    expect(rsiReversion.requiredCandles(params)).toBe(5);
  });

  // changes +1 −1 −1 −1: gains 1, losses 3 → 25; −1 +1 +1 +1 → 75; +3 −7 0 0 → 30; all equal → undefined
  it.each([
    [[10, 11, 10, 9, 8], 25],
    [[10, 9, 10, 11, 12], 75],
    [[10, 13, 6, 6, 6], 30],
    [[10, 10, 10, 10, 10], undefined],
  ])('Cutler RSI of %j is %s', (closes, rsi) => {
    expect(rsiOf(closes)).toBe(rsi);
  });

  it.each([
    ['buys when flat and RSI 25 is below oversold 30', [10, 11, 10, 9, 8], false, 'buy'],
    ['does not buy while holding', [10, 11, 10, 9, 8], true, undefined],
    ['does not buy at RSI exactly 30', [10, 13, 6, 6, 6], false, undefined],
    ['sells when holding and RSI 75 is above exitLevel 50', [10, 9, 10, 11, 12], true, 'sell'],
    ['does not sell when flat', [10, 9, 10, 11, 12], false, undefined],
    ['does not sell at RSI 25', [10, 11, 10, 9, 8], true, undefined],
    ['gives nothing on a flat series', [10, 10, 10, 10, 10], false, undefined],
    ['gives nothing with fewer than period + 1 candles', [11, 10, 9, 8], false, undefined],
  ] as const)('%s', (_name, closes, holding, side) => {
    const signal = rsiReversion.evaluate({ candles: series([...closes]), holding, params });
    expect(signal?.side).toBe(side);
    if (signal) {
      expect(signal.kind).toBe(side === 'buy' ? 'entry' : 'exit');
      expect(signal.reason).toMatch(side === 'buy' ? /^RSI4=25\.00 < oversold 30$/ : /^RSI4=75\.00 > exitLevel 50$/);
    }
  });

  it('only looks at the last period + 1 candles', () => {
    const withHistory = series([1, 100, 2, 50, 10, 11, 10, 9, 8]);
    expect(rsiReversion.evaluate({ candles: withHistory, holding: false, params })?.score).toBe(25);
  });

  it.each([
    [{ period: 1 }, /period must be an integer in 2\.\.200, got 1/],
    [{ oversold: 60 }, /oversold must be a number in \[1, 50\], got 60/],
    [{ oversold: 40, exitLevel: 35 }, /exitLevel 35 must be above oversold 40/],
    [{ rsiPeriod: 5 }, /unknown param "rsiPeriod" \(known: period, oversold, exitLevel\)/],
  ])('rejects params %j', (p, message) => {
    expect(() => rsiReversion.requiredCandles(p)).toThrow(StrategyParamsError);
    expect(() => rsiReversion.requiredCandles(p)).toThrow(message);
  });

  it('screens exactly: maybe() is true on the candles evaluate() signals on, and only there', () => {
    const closes = [10, 11, 10, 9, 8, 9, 10, 11, 12, 12, 11, 10, 9, 8, 8];
    for (const holding of [false, true]) {
      const screen = rsiReversion.screen!(params);
      closes.forEach((close, i) => {
        screen.push(close);
        const signal = i >= 4 ? rsiReversion.evaluate({ candles: series(closes.slice(i - 4, i + 1)), holding, params }) : undefined;
        expect(screen.maybe(holding)).toBe(signal !== undefined);
      });
    }
  });

  it('plots the RSI per candle (null until period + 1 closes) and the two levels', () => {
    const lines = rsiReversion.plot!(series([10, 11, 10, 9, 8, 9]), params);
    expect(lines.map((l) => l.name)).toEqual(['RSI 4', 'oversold 30', 'exit 50']);
    expect(lines[0]!.values).toEqual([null, null, null, null, 25, 25]);
    expect(lines[1]!.values).toEqual([30, 30, 30, 30, 30, 30]);
  });
});
