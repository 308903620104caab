/** stratus resample-data: higher-timeframe files from lower ones, readable by the backtest loader; checked against Binance's own 1h. */
import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadCandles } from '../../../shared/cli/cli-args.js';
import { command } from '../../../shared/cli/resample-data-command.js';
import { dec } from '../../../shared/domain/money.js';
import { readCandleRows, writeCandleRows } from '../../../shared/local/data-files.js';
import { T0, dataContext, tempDir } from './data-fixtures.js';

const MARKET = resolve(import.meta.dirname, '../../../../shared/data/market');
const HAVE_DATA = existsSync(join(MARKET, 'binance_BTC-USDT_5m.csv.gz')) && existsSync(join(MARKET, 'binance_BTC-USDT_1h.csv.gz'));
if (!HAVE_DATA) console.warn(`skipping resample-data on the team data: ${MARKET} (the team data folder ../shared) is absent`);

const H = 3_600_000;
/** Hour h of 2021-05-18: open 100+h, high 102+h.5, low 99+h.25, close 101+h, volume 0.1 (hours 9 and 10 missing). */
const hourly = Array.from({ length: 28 }, (_, i) => i + 2).filter((h) => h !== 9 && h !== 10)
  .map((h) => ({ openTime: T0 + h * H, open: `${100 + h}`, high: `${102 + h}.5`, low: `${99 + h}.25`, close: `${101 + h}`, volume: '0.1' }));

let dir: string;
beforeEach(async () => {
  dir = await tempDir();
  await writeCandleRows(join(dir, 'binance_BTC-USDT_1h.csv.gz'), hourly); // 02:00 on the 18th .. 05:00 on the 19th
});
afterEach(async () => { await rm(dir, { recursive: true, force: true }); });

describe('stratus resample-data', () => {
  it('writes 4h candles on UTC boundaries, drops the incomplete edges, keeps and names the interior bucket with holes', async () => {
    const ctx = dataContext(0);
    expect(await command.run(ctx, { data: dir, 'from-timeframe': '1h', timeframe: '4h' }, [])).toBe(0);
    const text = gunzipSync(await readFile(join(dir, 'binance_BTC-USDT_4h.csv.gz'))).toString('utf8');
    expect(text.trimEnd().split('\n')).toEqual([
      'timestamp,open,high,low,close,volume',
      `${T0 + 4 * H},104,109.5,103.25,108,0.4`,
      `${T0 + 8 * H},108,113.5,107.25,112,0.2`, // 08:00 and 11:00 only: the exchange had nothing at 09:00-10:00
      `${T0 + 12 * H},112,117.5,111.25,116,0.4`,
      `${T0 + 16 * H},116,121.5,115.25,120,0.4`,
      `${T0 + 20 * H},120,125.5,119.25,124,0.4`,
      `${T0 + 24 * H},124,129.5,123.25,128,0.4`,
    ]);
    expect(ctx.output.out).toBe(`BTC/USDT: 26 → 6 candles; 2 edge bucket(s) cut by the data's start/end dropped; 1 incomplete kept: 2021-05-18T08:00Z (2/4)  ${join(dir, 'binance_BTC-USDT_4h.csv.gz')}\n`);
    const loaded = await loadCandles(dir, ['BTC/USDT'], '4h', T0, T0 + 48 * H);
    expect(loaded['BTC/USDT']!.map((c) => c.openTime)).toEqual([4, 8, 12, 16, 20, 24].map((h) => T0 + h * H));
    expect(loaded['BTC/USDT']![0]).toMatchObject({ timeframe: '4h', open: 104, high: 109.5, low: 103.25, close: 108, volume: 0.4 });
  });

  it('builds 1d into another folder and refuses to replace an existing file unless --force', async () => {
    const out = join(dir, 'daily');
    expect(await command.run(dataContext(0), { data: dir, 'from-timeframe': '1h', timeframe: '1d', out }, [])).toBe(0);
    expect(await readCandleRows(join(out, 'binance_BTC-USDT_1d.csv.gz'), '1d')).toEqual([]); // both days incomplete: dropped
    await expect(command.run(dataContext(0), { data: dir, 'from-timeframe': '1h', timeframe: '1d', out }, [])).rejects.toThrow(/exists; pass --force/);
    expect(await command.run(dataContext(0), { data: dir, 'from-timeframe': '1h', timeframe: '1d', out, force: true }, [])).toBe(0);
    await expect(command.run(dataContext(0), { data: dir, 'from-timeframe': '4h', timeframe: '1d' }, [])).rejects.toThrow(/no 4h candle files/);
    await expect(command.run(dataContext(0), { data: dir, 'from-timeframe': '1h', timeframe: '4h', symbols: 'ETH/USDT' }, [])).rejects.toThrow(/no 1h candle file for ETH\/USDT/);
  });

  it.skipIf(!HAVE_DATA)('turns Binance\'s BTC/USDT 5m candles into exactly Binance\'s own 1h candles (2024-12-31 .. 2026-02-19)', async () => {
    expect(await command.run(dataContext(0), { data: MARKET, 'from-timeframe': '5m', timeframe: '1h', symbols: 'BTC/USDT', out: dir, force: true }, [])).toBe(0);
    const mine = await readCandleRows(join(dir, 'binance_BTC-USDT_1h.csv.gz'), '1h');
    const native = new Map((await readCandleRows(join(MARKET, 'binance_BTC-USDT_1h.csv.gz'), '1h')).map((r) => [r.openTime, r]));
    expect(mine.length).toBeGreaterThan(9_900);
    const differing = mine.filter((r) => {
      const n = native.get(r.openTime);
      return !n || !(['open', 'high', 'low', 'close', 'volume'] as const).every((f) => dec(r[f]).eq(dec(n[f])));
    });
    expect(differing).toEqual([]);
  });
});
