/** What a folder of candle files holds: per file its pair, timeframe, first and last candle, count and gaps. */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { TIMEFRAMES, timeframeMs, type Timeframe } from '../domain/candle.js';
import { findGaps, type CandleGap } from '../domain/candle-gaps.js';
import { parseCandleFileName } from './candle-files.js';
import { readOpenTimes } from './data-files.js';

/** One candle file of the folder; `error` instead of the figures when it cannot be read. */
export interface DataFileEntry {
  readonly file: string;
  readonly exchange: string;
  readonly symbol: string;
  readonly timeframe: Timeframe;
  readonly candles: number;
  readonly first?: number;
  readonly last?: number;
  readonly gaps: readonly CandleGap[];
  readonly error?: string;
}

/** The candle files of `dir` (named `<exchange>_<BASE>-<QUOTE>_<tf>.csv[.gz]`), by symbol then timeframe; other files are named in `skipped`. */
export async function inventory(dir: string): Promise<{ files: DataFileEntry[]; skipped: string[] }> {
  const names = (await readdir(dir)).sort();
  const files: DataFileEntry[] = [];
  const skipped: string[] = [];
  for (const file of names) {
    const named = parseCandleFileName(file);
    if (!named) { if (!file.startsWith('.')) skipped.push(file); continue; }
    try {
      const times = await readOpenTimes(join(dir, file), named.timeframe);
      files.push({
        file, ...named, candles: times.length, gaps: findGaps(times, timeframeMs(named.timeframe)),
        ...(times.length ? { first: times[0]!, last: times.at(-1)! } : {}),
      });
    } catch (error) {
      files.push({ file, ...named, candles: 0, gaps: [], error: error instanceof Error ? error.message : String(error) });
    }
  }
  files.sort((a, b) => a.symbol.localeCompare(b.symbol) || TIMEFRAMES.indexOf(a.timeframe) - TIMEFRAMES.indexOf(b.timeframe)
    || a.file.localeCompare(b.file));
  return { files, skipped };
}
