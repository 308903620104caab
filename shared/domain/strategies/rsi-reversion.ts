import * as z from 'zod';
import type { Candle } from '../candle.js';
import type { PlotLine, SignalScreen, StrategySignal } from '../strategy.js';
import { defineStrategy, type ParamsOf } from '../strategy-define.js';
import { RollingWindow } from './rolling.js';

/**
 * RSI mean-reversion params (policy `strategies[].params`):
 * - period: closes changes the RSI is taken over (integer 2..200; needs period + 1 candles). Default 14.
 * - oversold: buy when flat and RSI < this (in [1, 50]). Default 30.
 * - exitLevel: sell when holding and RSI > this, the mean reverted (in [10, 90], above oversold). Default 50.
 * RSI is Cutler's: 100 × gains / (gains + losses) summed over the last `period` close-to-close changes, so it
 * depends only on the last period + 1 closes (Wilder's smoothing would depend on the whole history).
 */
export const RSI_REVERSION_DEFAULTS = { period: 14, oversold: 30, exitLevel: 50 } as const;

type Levels = { oversold: number; exitLevel: number };

const params = z.strictObject({
  period: z.number().int().min(2).max(200).default(RSI_REVERSION_DEFAULTS.period).describe('close-to-close changes in the RSI'),
  oversold: z.number().min(1).max(50).default(RSI_REVERSION_DEFAULTS.oversold).describe('buy when flat and RSI is below'),
  exitLevel: z.number().min(10).max(90).default(RSI_REVERSION_DEFAULTS.exitLevel).describe('sell when holding and RSI is above'),
}).refine((p) => p.exitLevel > p.oversold, {
  path: ['exitLevel'],
  error: (i) => `exitLevel ${(i.input as Levels).exitLevel} must be above oversold ${(i.input as Levels).oversold}`,
});

type RsiParams = ParamsOf<typeof params>;

/**
 * Cutler's RSI of the `period + 1` closes close(0) (oldest) … close(period) (newest), summed oldest first; undefined
 * when no close moved (or a close is not a number). evaluate() and the screen both call it, so they agree exactly.
 */
export function cutlerRsi(close: (i: number) => number, period: number): number | undefined {
  let gains = 0;
  let losses = 0;
  for (let i = 1; i <= period; i++) {
    const change = close(i) - close(i - 1);
    if (change > 0) gains += change;
    else losses -= change;
  }
  const total = gains + losses;
  return total > 0 ? (100 * gains) / total : undefined;
}

/** The signal an RSI value gives: buy below oversold when flat, sell above exitLevel when holding. */
function signalOf(rsi: number | undefined, holding: boolean, p: RsiParams): 'buy' | 'sell' | undefined {
  if (rsi === undefined) return undefined;
  if (!holding && rsi < p.oversold) return 'buy';
  if (holding && rsi > p.exitLevel) return 'sell';
  return undefined;
}

/** RSI of the period + 1 candles ending with candles[last] (last ≥ period). */
function rsiAt(candles: readonly Candle[], last: number, period: number): number | undefined {
  const from = last - period;
  return cutlerRsi((i) => candles[from + i]!.close, period);
}

/** Mean reversion on closes, long only: buy an oversold dip (RSI below `oversold`), sell once RSI is back above `exitLevel`. */
export const rsiReversion = defineStrategy({
  name: 'rsi-reversion',
  summary: 'mean reversion: buy when RSI is below oversold, sell when it is back above exitLevel',
  params,
  requiredCandles: (p) => p.period + 1,
  evaluate({ candles, holding, params: p }): StrategySignal | undefined {
    if (candles.length < p.period + 1) return undefined;
    const rsi = rsiAt(candles, candles.length - 1, p.period);
    const side = signalOf(rsi, holding, p);
    if (!side) return undefined;
    const stat = `RSI${p.period}=${rsi!.toFixed(2)}`;
    return side === 'buy'
      ? { side, kind: 'entry', score: rsi!, reason: `${stat} < oversold ${p.oversold}` }
      : { side, kind: 'exit', score: rsi!, reason: `${stat} > exitLevel ${p.exitLevel}` };
  },
  /** Exact, not just conservative: the same RSI of the same closes, O(period) per candle without evaluate()'s arrays. */
  screen(p): SignalScreen {
    const closes = new RollingWindow(p.period + 1, [1]);
    return {
      push: (close) => closes.push(close),
      maybe(holding) {
        if (closes.count < p.period + 1) return false;
        return signalOf(cutlerRsi((i) => closes.at(p.period - i), p.period), holding, p) !== undefined;
      },
    };
  },
  plot(candles, p): PlotLine[] {
    const level = (v: number) => candles.map(() => v);
    return [
      { name: `RSI ${p.period}`, values: candles.map((_, i) => (i >= p.period ? rsiAt(candles, i, p.period) ?? null : null)) },
      { name: `oversold ${p.oversold}`, values: level(p.oversold) },
      { name: `exit ${p.exitLevel}`, values: level(p.exitLevel) },
    ];
  },
});
