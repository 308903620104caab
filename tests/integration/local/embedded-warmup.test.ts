import { describe, expect, it } from 'vitest';
import type { Candle } from '../../../shared/domain/candle.js';
import { readCandleDir, replayDataDir } from '../../../shared/local/candle-files.js';
import { runEmbedded } from '../../../shared/local/embedded.js';

const SYMBOLS = ['BTC/USDT', 'ETH/USDT', 'SOL/USDT'];
const M = 60_000;
const FROM = Date.UTC(2021, 4, 19, 0, 47);
const TO = Date.UTC(2021, 4, 19, 1, 10);
const WARMUP = 31; // momentum's requiredCandles with the default params

// One replay per process: the SDK clients are built once per process, on the first run's emulators.
describe('the embedded pipeline with warm-up candles before the window', () => {
  it('can trade at the window\'s first closes (momentum sees 31 candles of history) and decides nothing before the window', async () => {
    const all = await readCandleDir(replayDataDir(), SYMBOLS, '1m', { from: FROM - WARMUP * M, to: TO });
    const split = (keep: (c: Candle) => boolean) => Object.fromEntries(Object.entries(all).map(([s, list]) => [s, list.filter(keep)]));
    let decided: { at: number; symbol: string }[] = [];
    let fills: number[] = [];
    const summary = await runEmbedded({
      candles: split((c) => c.openTime >= FROM), warmup: split((c) => c.openTime < FROM), policy: { symbols: SYMBOLS },
      onFinished: async (deps) => {
        decided = (await deps.state.listDecisions()).map((d) => ({ at: d.decidedAt, symbol: d.symbol })).sort((a, b) => a.at - b.at);
        fills = (await deps.state.listFills()).map((f) => f.time);
      },
    });
    // Without the warm-up the first decision could come no earlier than 31 closes into the window (01:18).
    expect(decided[0]).toEqual({ at: Date.UTC(2021, 4, 19, 0, 50, 5), symbol: 'SOL/USDT' });
    expect(decided.every((d) => d.at > FROM)).toBe(true);
    expect(fills.length).toBeGreaterThan(0);
    expect(fills.every((t) => t > FROM)).toBe(true);
    expect(summary.candlesReplayed).toBe(3 * 23); // the warm-up is history, not replay
    expect(summary.window.from).toBe(new Date(FROM).toISOString());
    expect(summary.runtime).toEqual({ scheduledErrors: 0, handlerErrors: 0, undrainedPolls: 0 });
  }, 120_000);
});
