/**
 * Candle files as rows of decimal strings, for the data tools (download, list, resample): read keeping every
 * value exactly as written, written atomically (a temp file in the same folder, then rename) in the format
 * readCandleFile and `stratus backtest --data` read: header `timestamp,open,high,low,close,volume`, open time
 * in epoch ms UTC, rows strictly ascending, gzip when the name ends in .gz.
 */
import { randomBytes } from 'node:crypto';
import { readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { timeframeMs, type Timeframe } from '../domain/candle.js';
import type { CandleRow } from '../domain/resample.js';
import { CandleFileError, candleFileName } from './candle-files.js';

const HEADER = 'timestamp,open,high,low,close,volume';
const NUMBER = /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/;

/** The text of a candle file (gunzipped when its name ends in .gz). */
async function fileText(path: string): Promise<string> {
  const bytes = await readFile(path);
  try {
    return (path.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
  } catch (err) {
    throw new CandleFileError(`${path}: cannot read: ${(err as Error).message}`, { cause: err });
  }
}

/** Reads every row of a candle file of timeframe `tf`, values as written; CandleFileError with file:line on a bad row. */
export async function readCandleRows(path: string, tf: Timeframe): Promise<CandleRow[]> {
  const step = timeframeMs(tf);
  const lines = (await fileText(path)).split('\n');
  if ((lines[0] ?? '').replace(/\r$/, '') !== HEADER) throw new CandleFileError(`${path}:1: expected header "${HEADER}"`);
  const rows: CandleRow[] = [];
  let prev = -Infinity;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!.replace(/\r$/, '');
    if (line === '') continue;
    const f = line.split(',');
    const fail = (why: string): never => { throw new CandleFileError(`${path}:${i + 1}: ${why}: "${line.slice(0, 80)}"`); };
    if (f.length !== 6) fail(`expected 6 fields, got ${f.length}`);
    if (!f.every((s) => NUMBER.test(s))) fail('not a number');
    // The rules readCandleFile (the backtest's reader) applies, so no tool writes or extends a file it would refuse.
    const [open, high, low, close, volume] = f.slice(1).map(Number) as [number, number, number, number, number];
    if (open <= 0 || high <= 0 || low <= 0 || close <= 0 || volume < 0) fail('non-positive price or negative volume');
    if (high < Math.max(open, close) || low > Math.min(open, close)) fail('high/low inconsistent with open/close');
    const t = Number(f[0]);
    if (!Number.isSafeInteger(t) || t % step !== 0) fail(`timestamp is not a ${tf} open time in epoch ms`);
    if (t <= prev) fail(`timestamp ${t} is not after the previous row (${prev})`);
    prev = t;
    rows.push({ openTime: t, open: f[1]!, high: f[2]!, low: f[3]!, close: f[4]!, volume: f[5]! });
  }
  return rows;
}

/** Only the open times of a candle file (fast: the rest of each row is not parsed); same ordering checks. */
export async function readOpenTimes(path: string, tf: Timeframe): Promise<number[]> {
  const step = timeframeMs(tf);
  const text = await fileText(path);
  const times: number[] = [];
  let start = text.indexOf('\n') + 1;
  if (text.slice(0, start).replace(/\r?\n$/, '') !== HEADER) throw new CandleFileError(`${path}:1: expected header "${HEADER}"`);
  let prev = -Infinity;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    const blank = end === start || (end === start + 1 && text[start] === '\r');
    if (!blank) {
      const comma = text.indexOf(',', start);
      const t = comma <= start || comma > end ? NaN : Number(text.slice(start, comma));
      if (!Number.isSafeInteger(t) || t % step !== 0 || t <= prev) {
        throw new CandleFileError(`${path}:${times.length + 2}: timestamp missing, off the ${tf} grid or not after the previous row`);
      }
      times.push(t);
      prev = t;
    }
    start = end + 1;
  }
  return times;
}

/** The CSV text of rows (header first, one row a line, values as given). */
export function candleCsv(rows: readonly CandleRow[]): string {
  const parts = [HEADER];
  for (const r of rows) parts.push(`${r.openTime},${r.open},${r.high},${r.low},${r.close},${r.volume}`);
  return `${parts.join('\n')}\n`;
}

/** Writes rows to `path` atomically: a temp file beside it, then rename (readers see the old file or the new one). */
export async function writeCandleRows(path: string, rows: readonly CandleRow[]): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const text = candleCsv(rows);
  try {
    await writeFile(temp, path.endsWith('.gz') ? gzipSync(text) : text);
    await rename(temp, path);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
}

/** The file for a pair and timeframe in `dir`: an existing plain .csv is kept, otherwise the .csv.gz name. */
export async function candleFilePath(dir: string, exchange: string, symbol: string, tf: Timeframe): Promise<{ path: string; exists: boolean }> {
  const gz = candleFileName(exchange, symbol, tf);
  const names = new Set(await readdir(dir).catch(() => [] as string[]));
  if (names.has(gz)) return { path: join(dir, gz), exists: true };
  if (names.has(gz.slice(0, -3))) return { path: join(dir, gz.slice(0, -3)), exists: true };
  return { path: join(dir, gz), exists: false };
}
