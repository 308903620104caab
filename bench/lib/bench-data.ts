/**
 * Data sets for bench/backtest.ts, built from the recorded 1m files in ../shared/data/market with the repository's
 * candle loader (shared/cli/cli-args.ts loadCandles → shared/local/candle-files.ts).
 */
import type { Candle } from '../../shared/domain/candle.js';
import { loadCandles } from '../../shared/cli/cli-args.js';

const MINUTE = 60_000;

/** The seven 1m files, in the order they are chained. */
export const BENCH_SYMBOLS = ['BTC/USDT', 'ETH/USDT', 'SOL/USDT', 'XRP/USDT', 'ADA/USDT', 'DOGE/USDT', 'BNB/USDT'] as const;

/** One bench data set: candles per symbol plus a line saying how it was made. */
export interface BenchSet {
  readonly name: string;
  readonly symbols: readonly string[];
  readonly candles: Readonly<Record<string, readonly Candle[]>>;
  readonly total: number;
  readonly description: string;
}

/** Every 1m file of BENCH_SYMBOLS, whole, keyed by symbol (gunzip + CSV parse + row checks). */
export async function loadAll1m(dir: string): Promise<Record<string, Candle[]>> {
  return loadCandles(dir, [...BENCH_SYMBOLS], '1m', -Infinity, Infinity);
}

/** Rounds to the price tick (0.01: BTC/USDT's tick); monotone, so high ≥ open, close ≥ low survives. */
function toTick(x: number): number {
  return Math.round(x * 100) / 100;
}

/**
 * `target` 1m candles of one symbol: the files chained one after another (gaps in a file squeezed out) on a
 * continuous 1-minute axis starting at the first file's first open; each segment's prices are multiplied so its
 * first open equals the previous segment's last close (volume kept), then rounded to 0.01. Files repeat if needed.
 */
export function chainedSeries(all: Readonly<Record<string, readonly Candle[]>>, symbol: string, target: number): BenchSet {
  const out: Candle[] = [];
  const segments: string[] = [];
  const start = all[BENCH_SYMBOLS[0]]![0]!.openTime;
  let prevClose: number | undefined;
  for (let k = 0; out.length < target; k++) {
    const source = BENCH_SYMBOLS[k % BENCH_SYMBOLS.length]!;
    const seg = all[source]!;
    if (seg.length === 0) throw new Error(`no candles for ${source}`);
    const scale = prevClose === undefined ? 1 : prevClose / seg[0]!.open;
    const take = Math.min(seg.length, target - out.length);
    for (let i = 0; i < take; i++) {
      const c = seg[i]!;
      out.push({
        symbol, timeframe: '1m', openTime: start + out.length * MINUTE,
        open: toTick(c.open * scale), high: toTick(c.high * scale), low: toTick(c.low * scale), close: toTick(c.close * scale), volume: c.volume,
      });
    }
    prevClose = out.at(-1)!.close;
    segments.push(`${source}${take < seg.length ? ` (first ${take})` : ''} ×${scale.toPrecision(4)}`);
  }
  const days = (out.length / 1440).toFixed(1);
  return {
    name: `${symbol} chained`, symbols: [symbol], candles: { [symbol]: out }, total: out.length,
    description: `${out.length.toLocaleString('en-US')} 1m candles of ${symbol} (${days} days): the 1m files chained end to end on a continuous 1-minute axis `
      + `(gaps squeezed out), each segment's OHLC rescaled to start at the previous segment's last close, volume kept, `
      + `prices rounded to 0.01 (close ${out[0]!.close} → ${out.at(-1)!.close}) — segments: ${segments.join(', ')}`,
  };
}

/**
 * The seven symbols over their common period [latest first open, earliest last open], each cut to at most
 * `perSymbol` candles from the start; they advance together on the engine's shared clock (gaps kept as recorded).
 */
export function commonPeriodSet(all: Readonly<Record<string, readonly Candle[]>>, perSymbol: number): BenchSet {
  const symbols = [...BENCH_SYMBOLS];
  const from = Math.max(...symbols.map((s) => all[s]![0]!.openTime));
  const to = Math.min(...symbols.map((s) => all[s]!.at(-1)!.openTime));
  const candles: Record<string, Candle[]> = {};
  for (const s of symbols) candles[s] = all[s]!.filter((c) => c.openTime >= from && c.openTime <= to).slice(0, perSymbol);
  const total = symbols.reduce((n, s) => n + candles[s]!.length, 0);
  const counts = symbols.map((s) => `${s.split('/')[0]} ${candles[s]!.length.toLocaleString('en-US')}`).join(', ');
  const iso = (t: number) => new Date(t).toISOString().slice(0, 16).replace('T', ' ');
  const last = Math.max(...symbols.map((s) => candles[s]!.at(-1)?.openTime ?? from));
  return {
    name: '7 symbols', symbols, candles, total,
    description: `${total.toLocaleString('en-US')} 1m candles of 7 symbols advancing together, common period ${iso(from)} .. ${iso(last)} UTC `
      + `(recorded prices, gaps as recorded): ${counts}`,
  };
}

/** The closes of a series as a Float64Array (what the bare indicator loop reads). */
export function closesOf(candles: readonly Candle[]): Float64Array {
  const out = new Float64Array(candles.length);
  for (let i = 0; i < candles.length; i++) out[i] = candles[i]!.close;
  return out;
}
