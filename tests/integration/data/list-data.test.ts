/** stratus list-data: the candle files of a folder with their ranges, counts and gaps (table and --json). */
import { existsSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { command } from '../../../shared/cli/list-data-command.js';
import { writeCandleRows } from '../../../shared/local/data-files.js';
import { M, T0, dataContext, minutes, tempDir } from './data-fixtures.js';

const MARKET = resolve(import.meta.dirname, '../../../../shared/data/market');
const HAVE_DATA = existsSync(join(MARKET, 'binance_BTC-USDT_1h.csv.gz'));
if (!HAVE_DATA) console.warn(`skipping list-data on the team data: ${MARKET} (the team data folder ../shared) is absent`);

const H = 3_600_000;
const row = (openTime: number) => ({ openTime, open: '1.5', high: '2', low: '1', close: '1.75', volume: '10' });

let dir: string;
beforeEach(async () => {
  dir = await tempDir();
  await writeCandleRows(join(dir, 'binance_BTC-USDT_1m.csv.gz'), minutes(0, 60).map((i) => row(T0 + i * M)));
  await writeCandleRows(join(dir, 'binance_ETH-USDT_1h.csv'), Array.from({ length: 48 }, (_, i) => row(T0 + i * H)));
  await writeCandleRows(join(dir, 'binance_BTC-USDT_1h.csv.gz'), [0, 1, 5].map((i) => row(T0 + i * H)));
  await writeFile(join(dir, 'notes.md'), 'not data\n');
});
afterEach(async () => { await rm(dir, { recursive: true, force: true }); });

describe('stratus list-data', () => {
  it('tabulates symbol, timeframe, first, last, candles, gaps (count, missing, largest) and file, then lists each gap', async () => {
    const ctx = dataContext(0);
    expect(await command.run(ctx, {}, [dir])).toBe(0);
    expect(ctx.output.out).toBe([
      'SYMBOL    TF  FIRST              LAST               CANDLES  GAPS (count, missing, largest)                                   FILE',
      'BTC/USDT  1m  2021-05-18T00:00Z  2021-05-18T00:59Z  54       2 (6 missing, largest 2021-05-18T00:10Z..2021-05-18T00:14Z (5))  binance_BTC-USDT_1m.csv.gz',
      'BTC/USDT  1h  2021-05-18T00:00Z  2021-05-18T05:00Z  3        1 (3 missing, largest 2021-05-18T02:00Z..2021-05-18T04:00Z (3))  binance_BTC-USDT_1h.csv.gz',
      'ETH/USDT  1h  2021-05-18T00:00Z  2021-05-19T23:00Z  48       none                                                             binance_ETH-USDT_1h.csv',
      '',
      'binance_BTC-USDT_1m.csv.gz: 2 gaps (first..last missing open time, count)',
      '  2021-05-18T00:10Z..2021-05-18T00:14Z (5)',
      '  2021-05-18T00:30Z..2021-05-18T00:30Z (1)',
      '',
      'binance_BTC-USDT_1h.csv.gz: 1 gap (first..last missing open time, count)',
      '  2021-05-18T02:00Z..2021-05-18T04:00Z (3)',
      '',
      'not candle files: notes.md',
      '',
    ].join('\n'));
  });

  it('prints every gap range as JSON with --json, and exits 1 naming a file it cannot read', async () => {
    await writeFile(join(dir, 'binance_SOL-USDT_1m.csv'), 'timestamp,open,high,low,close,volume\n1621296060000,1,1,1,1,1\n1621296000000,1,1,1,1,1\n');
    const ctx = dataContext(0);
    expect(await command.run(ctx, { json: true }, [dir])).toBe(1);
    const json = JSON.parse(ctx.output.out) as { files: { symbol: string; timeframe: string; candles: number; first: string; gaps: unknown; error?: string }[]; skipped: string[] };
    expect(json.skipped).toEqual(['notes.md']);
    expect(json.files.map((f) => `${f.symbol} ${f.timeframe}`)).toEqual(['BTC/USDT 1m', 'BTC/USDT 1h', 'ETH/USDT 1h', 'SOL/USDT 1m']);
    expect(json.files[0]).toMatchObject({ candles: 54, first: '2021-05-18T00:00:00.000Z', gaps: { count: 2, missing: 6, ranges: [
      { from: '2021-05-18T00:10:00.000Z', to: '2021-05-18T00:14:00.000Z', missing: 5 },
      { from: '2021-05-18T00:30:00.000Z', to: '2021-05-18T00:30:00.000Z', missing: 1 },
    ] } });
    expect(json.files[3]!.error).toMatch(/binance_SOL-USDT_1m\.csv:3: .*not after the previous row/);
  });

  it.skipIf(!HAVE_DATA)('reports the team data as SOURCES.md does (BTC/USDT 1h: 76,543 candles, 28 gaps, 128 missing)', async () => {
    const ctx = dataContext(0);
    expect(await command.run(ctx, { json: true }, [MARKET])).toBe(0);
    const files = (JSON.parse(ctx.output.out) as { files: { file: string; candles: number; gaps: { count: number; missing: number } }[] }).files;
    const by = (name: string) => files.find((f) => f.file === name)!;
    expect(by('binance_BTC-USDT_1h.csv.gz')).toMatchObject({ candles: 76_543, gaps: { count: 28, missing: 128 } });
    expect(by('binance_SOL-USDT_1m.csv.gz')).toMatchObject({ candles: 105_371, gaps: { count: 3, missing: 1921 } });
    expect(by('binance_ETH-USDT_5m.csv.gz')).toMatchObject({ candles: 119_752, gaps: { count: 0, missing: 0 } });
  });
});
