import { fileURLToPath } from 'node:url';
import type { Candle } from '../domain/candle.js';
import { readCandleDir } from '../local/candle-files.js';

/** The symbols of the 10 Oct 2025 window shipped in shared/local/data/stress (5m, Binance spot). */
export const CRASH_SYMBOLS = ['BTC/USDT', 'ETH/USDT', 'SOL/USDT', 'XRP/USDT', 'ADA/USDT', 'DOGE/USDT', 'BNB/USDT'] as const;
/** First candle open of the shipped window (2025-10-09 12:00 UTC); the last opens at 2025-10-10 23:55. */
export const CRASH_DATA_FROM = Date.UTC(2025, 9, 9, 12);
/** Exclusive end of the shipped window (2025-10-11 00:00 UTC). */
export const CRASH_DATA_TO = Date.UTC(2025, 9, 11);
/** The cascade: BTC 117 k → 102 k between about 21:00 and 21:20 UTC on 10 Oct 2025. */
export const CASCADE_AT = Date.UTC(2025, 9, 10, 21);

/** The folder of the stress data (shared/local/data/stress). */
export function stressDataDir(): string {
  return fileURLToPath(new URL('../local/data/stress/', import.meta.url));
}

/** A window of the shipped 5m crash data: `[from, to)` replayed, `[from - warmupMs, from)` as warm-up. */
export async function crashWindow(opts: { symbols?: readonly string[]; from: number; to: number; warmupMs?: number }): Promise<{
  candles: Record<string, Candle[]>; warmup: Record<string, Candle[]>;
}> {
  const symbols = opts.symbols ?? CRASH_SYMBOLS;
  const warmFrom = Math.max(CRASH_DATA_FROM, opts.from - (opts.warmupMs ?? 3 * 3_600_000));
  const all = await readCandleDir(stressDataDir(), symbols, '5m', { from: warmFrom, to: opts.to });
  const candles: Record<string, Candle[]> = {};
  const warmup: Record<string, Candle[]> = {};
  for (const [s, list] of Object.entries(all)) {
    candles[s] = list.filter((c) => c.openTime >= opts.from);
    warmup[s] = list.filter((c) => c.openTime < opts.from);
  }
  return { candles, warmup };
}
