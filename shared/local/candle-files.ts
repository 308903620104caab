/**
 * Reader for the recorded candle files (`binance_BTC-USDT_1m.csv.gz`): gzip or plain CSV with the header
 * `timestamp,open,high,low,close,volume`, timestamp = candle open time in epoch ms UTC, rows ascending.
 */
import { createReadStream } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createGunzip } from 'node:zlib';
import { TIMEFRAMES, timeframeMs, type Candle, type Timeframe } from '../domain/candle.js';
import { StratusError } from '../domain/errors.js';

const HEADER = 'timestamp,open,high,low,close,volume';

/** A candle file that is missing, misnamed or has a malformed row; the message carries file:line. */
export class CandleFileError extends StratusError {
  override readonly name = 'CandleFileError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('CANDLE_FILE_INVALID', message, false, options);
  }
}

/** What to read; symbol and timeframe default to what the file name says. from/to filter open times: [from, to). */
export interface ReadCandlesOptions {
  readonly symbol?: string;
  readonly timeframe?: Timeframe;
  /** Inclusive lower bound on openTime, epoch ms. */
  readonly from?: number;
  /** Exclusive upper bound on openTime, epoch ms. */
  readonly to?: number;
}

/** The folder of replay data shipped in the repository (shared/local/data). */
export function replayDataDir(): string {
  return fileURLToPath(new URL('./data/', import.meta.url));
}

/** File name for a pair and timeframe: ('binance', 'BTC/USDT', '1m') → 'binance_BTC-USDT_1m.csv.gz'. */
export function candleFileName(exchange: string, symbol: string, timeframe: Timeframe): string {
  return `${exchange}_${symbol.replace('/', '-')}_${timeframe}.csv.gz`;
}

/** Parses `<exchange>_<BASE>-<QUOTE>_<tf>.csv[.gz]`; undefined when the name does not follow the pattern. */
export function parseCandleFileName(path: string): { exchange: string; symbol: string; timeframe: Timeframe } | undefined {
  const name = basename(path).replace(/\.gz$/, '');
  if (!name.endsWith('.csv')) return undefined;
  const parts = name.slice(0, -4).split('_');
  if (parts.length !== 3) return undefined;
  const [exchange, pair, tf] = parts as [string, string, string];
  const assets = pair.split('-');
  if (assets.length !== 2 || !assets[0] || !assets[1] || !(TIMEFRAMES as readonly string[]).includes(tf)) return undefined;
  return { exchange, symbol: `${assets[0]}/${assets[1]}`, timeframe: tf as Timeframe };
}

/** Reads one candle file into closed candles, oldest first; throws CandleFileError with file:line on a bad row. */
export async function readCandleFile(path: string, options: ReadCandlesOptions = {}): Promise<Candle[]> {
  const named = parseCandleFileName(path);
  const symbol = options.symbol ?? named?.symbol;
  const timeframe = options.timeframe ?? named?.timeframe;
  if (!symbol || !timeframe) {
    throw new CandleFileError(`${path}: cannot infer symbol/timeframe from the file name; pass them in options`);
  }
  const from = options.from ?? -Infinity;
  const to = options.to ?? Infinity;
  const step = timeframeMs(timeframe);
  const out: Candle[] = [];
  let lineNo = 0;
  let prevTime = -Infinity;

  const fail = (why: string): never => { throw new CandleFileError(`${path}:${lineNo}: ${why}`); };
  /** Returns false once rows are past `to` (rows are ascending, so reading can stop). */
  const onLine = (raw: string): boolean => {
    lineNo += 1;
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (lineNo === 1) {
      if (line !== HEADER) fail(`expected header "${HEADER}", got "${line.slice(0, 80)}"`);
      return true;
    }
    if (line === '') return true;
    const f = line.split(',');
    if (f.length !== 6) fail(`expected 6 fields, got ${f.length}: "${line.slice(0, 80)}"`);
    const v = f.map((s) => (s === '' ? NaN : Number(s)));
    if (!v.every(Number.isFinite)) fail(`not a number in "${line.slice(0, 80)}"`);
    const [t, open, high, low, close, volume] = v as [number, number, number, number, number, number];
    if (!Number.isSafeInteger(t) || t % step !== 0) fail(`timestamp ${f[0]} is not a ${timeframe} open time in epoch ms`);
    if (t <= prevTime) fail(`timestamp ${t} is not after the previous row (${prevTime})`);
    if (open <= 0 || high <= 0 || low <= 0 || close <= 0 || volume < 0) fail('non-positive price or negative volume');
    if (high < Math.max(open, close) || low > Math.min(open, close)) fail('high/low inconsistent with open/close');
    prevTime = t;
    if (t >= to) return false;
    if (t >= from) out.push({ symbol, timeframe, openTime: t, open, high, low, close, volume });
    return true;
  };

  const file = createReadStream(path);
  const input = path.endsWith('.gz') ? file.pipe(createGunzip()) : file;
  file.on('error', (err) => input.destroy(err));
  let rest = '';
  try {
    reading: for await (const chunk of input) {
      const text = rest + (chunk as Buffer).toString('utf8');
      let start = 0;
      for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
        if (!onLine(text.slice(start, nl))) { rest = ''; break reading; }
        start = nl + 1;
      }
      rest = text.slice(start);
    }
    if (rest !== '') onLine(rest);
  } catch (err) {
    if (err instanceof CandleFileError) throw err;
    throw new CandleFileError(`${path}: cannot read: ${(err as Error).message}`, { cause: err });
  } finally {
    file.destroy();
    input.destroy();
  }
  if (lineNo === 0) throw new CandleFileError(`${path}: empty file`);
  return out;
}

/**
 * Reads `<exchange>_<PAIR>_<timeframe>.csv[.gz]` for each symbol from a folder, keyed by symbol.
 * Throws CandleFileError naming the missing files when a symbol has none.
 */
export async function readCandleDir(
  dir: string,
  symbols: readonly string[],
  timeframe: Timeframe,
  options: Omit<ReadCandlesOptions, 'symbol' | 'timeframe'> & { exchange?: string } = {},
): Promise<Record<string, Candle[]>> {
  const names = new Set(await readdir(dir));
  const out: Record<string, Candle[]> = {};
  for (const symbol of symbols) {
    const gz = candleFileName(options.exchange ?? 'binance', symbol, timeframe);
    const name = names.has(gz) ? gz : names.has(gz.slice(0, -3)) ? gz.slice(0, -3) : undefined;
    if (!name) throw new CandleFileError(`${join(dir, gz)}: no ${timeframe} candle file for ${symbol}`);
    out[symbol] = await readCandleFile(join(dir, name), { ...options, symbol, timeframe });
  }
  return out;
}
