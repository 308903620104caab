import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CandleFileError, candleFileName, parseCandleFileName, readCandleDir, readCandleFile, replayDataDir,
} from '../../../shared/local/candle-files.js';

const WINDOW_FROM = Date.UTC(2021, 4, 17, 0, 0); // 1621209600000
const WINDOW_TO = Date.UTC(2021, 4, 20, 20, 0); // exclusive: last open 19:59
const HEADER = 'timestamp,open,high,low,close,volume';

describe('shipped replay data (shared/local/data)', () => {
  it.each(['BTC/USDT', 'ETH/USDT', 'SOL/USDT'])('holds every 1m candle of the window for %s', async (symbol) => {
    const candles = await readCandleFile(join(replayDataDir(), candleFileName('binance', symbol, '1m')));
    expect(candles).toHaveLength(5520);
    expect(candles[0]).toMatchObject({ symbol, timeframe: '1m', openTime: WINDOW_FROM });
    expect(candles.at(-1)!.openTime).toBe(WINDOW_TO - 60_000);
    expect(candles.every((c, i) => i === 0 || c.openTime - candles[i - 1]!.openTime === 60_000)).toBe(true);
  });

  it('reads the first BTC/USDT candle with its exact recorded values', async () => {
    const [first] = await readCandleFile(join(replayDataDir(), 'binance_BTC-USDT_1m.csv.gz'), { to: WINDOW_FROM + 60_000 });
    expect(first).toEqual({
      symbol: 'BTC/USDT', timeframe: '1m', openTime: WINDOW_FROM,
      open: 46426.83, high: 46514.75, low: 46358.14, close: 46506, volume: 121.330795,
    });
  });

  it('reads a folder keyed by symbol, filtered to [from, to)', async () => {
    const from = Date.UTC(2021, 4, 19, 13, 0);
    const data = await readCandleDir(replayDataDir(), ['BTC/USDT', 'SOL/USDT'], '1m', { from, to: from + 3_600_000 });
    expect(Object.keys(data)).toEqual(['BTC/USDT', 'SOL/USDT']);
    expect(data['BTC/USDT']!.map((c) => c.openTime)).toEqual(Array.from({ length: 60 }, (_, i) => from + i * 60_000));
    expect(Math.min(...data['BTC/USDT']!.map((c) => c.low))).toBe(30000); // the 2021-05-19 crash low
  });

  it('names the missing file when a symbol has no data', async () => {
    await expect(readCandleDir(replayDataDir(), ['XRP/USDT'], '1m')).rejects.toThrow(/binance_XRP-USDT_1m\.csv\.gz: no 1m candle file for XRP\/USDT/);
  });
});

describe('candle file format', () => {
  let dir: string;
  beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'stratus-candles-')); });
  afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

  const put = async (name: string, lines: string[], gzip = false) => {
    const path = join(dir, name);
    const text = lines.join('\n') + '\n';
    await writeFile(path, gzip ? gzipSync(text) : text);
    return path;
  };

  it('infers symbol and timeframe from the file name, or takes them from options', async () => {
    expect(parseCandleFileName('/x/binance_ETH-USDT_5m.csv.gz')).toEqual({ exchange: 'binance', symbol: 'ETH/USDT', timeframe: '5m' });
    expect(parseCandleFileName('prices.csv')).toBeUndefined();
    const path = await put('prices.csv', [HEADER, '300000,1,2,0.5,1.5,10']);
    await expect(readCandleFile(path)).rejects.toThrow(CandleFileError);
    expect(await readCandleFile(path, { symbol: 'ADA/USDT', timeframe: '5m' })).toEqual([
      { symbol: 'ADA/USDT', timeframe: '5m', openTime: 300000, open: 1, high: 2, low: 0.5, close: 1.5, volume: 10 },
    ]);
  });

  it('reads plain and gzip CSV alike, including CRLF line ends', async () => {
    const rows = [HEADER, '0,1,2,0.5,1.5,10', '60000,1.5,1.6,1.4,1.45,0'];
    const plain = await readCandleFile(await put('binance_BTC-USDT_1m.csv', rows));
    const gz = await readCandleFile(await put('binance_BTC-USDT_1m.csv.gz', rows, true));
    const crlf = await readCandleFile(await put('crlf_BTC-USDT_1m.csv', [rows.join('\r\n')]));
    expect(gz).toEqual(plain);
    expect(crlf).toEqual(plain);
    expect(plain.map((c) => c.close)).toEqual([1.5, 1.45]);
  });

  it.each([
    ['a missing field', '120000,1,2,0.5,1.5', /:3: expected 6 fields, got 5/],
    ['an empty field', '120000,1,,0.5,1.5,1', /:3: not a number/],
    ['a non-number', '120000,1,2,abc,1.5,1', /:3: not a number/],
    ['a timestamp off the timeframe grid', '120001,1,2,0.5,1.5,1', /:3: timestamp 120001 is not a 1m open time/],
    ['a timestamp not after the previous row', '60000,1,2,0.5,1.5,1', /:3: timestamp 60000 is not after the previous row/],
    ['a high below the close', '120000,1,1.2,0.5,1.5,1', /:3: high\/low inconsistent/],
    ['a zero price', '120000,0,2,0.5,1.5,1', /:3: non-positive price/],
  ])('rejects %s with file:line', async (_, row, message) => {
    const path = await put('bad_BTC-USDT_1m.csv.gz', [HEADER, '60000,1,2,0.5,1.5,1', row], true);
    const error = await readCandleFile(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CandleFileError);
    expect(String((error as Error).message)).toContain(`${path}:3:`);
    expect((error as Error).message).toMatch(message);
  });

  it('rejects a file whose header is not the candle header', async () => {
    const path = await put('hdr_BTC-USDT_1m.csv', ['time,o,h,l,c,v', '0,1,2,0.5,1.5,1']);
    await expect(readCandleFile(path)).rejects.toThrow(/:1: expected header/);
  });

  it('stops at `to` without validating rows beyond it', async () => {
    const path = await put('stop_BTC-USDT_1m.csv', [HEADER, '0,1,2,0.5,1.5,1', '60000,1,2,0.5,1.5,1', 'garbage']);
    expect((await readCandleFile(path, { to: 60_000 })).map((c) => c.openTime)).toEqual([0]);
    await expect(readCandleFile(path)).rejects.toThrow(/:4: expected 6 fields/);
  });
});
