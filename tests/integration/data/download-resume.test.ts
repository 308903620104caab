/** stratus download-data resuming an existing candle file against the fake Binance through real ccxt. */
import { readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CcxtKlineSource } from '../../../shared/adapters/ccxt-kline-source.js';
import { downloadData } from '../../../shared/cli/download-data-command.js';
import { FakeBinance } from '../../support/fake-binance.js';
import { M, T0, csvLine, dataContext, kline, minutes, serveHistory, tempDir } from './data-fixtures.js';

const KLINES = 'GET /api/v3/klines';
const NOW = T0 + 60 * M + 30_000;
const FILE = 'binance_BTC-USDT_1m.csv.gz';

let fake: FakeBinance;
let dir: string;
beforeAll(async () => { fake = await FakeBinance.start({ now: () => NOW }); });
afterAll(async () => { await fake?.stop(); });
beforeEach(async () => {
  fake.reset();
  serveHistory(fake, 61);
  dir = await tempDir();
});
afterEach(async () => { await rm(dir, { recursive: true, force: true }); });

const source = () => CcxtKlineSource.create('binance', { restOrigin: fake.origin, rateLimit: false });
const rows = async (name = FILE) => {
  const bytes = await readFile(join(dir, name));
  return (name.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8').trimEnd().split('\n').slice(1);
};
const download = (values: Record<string, string>, ctx = dataContext(NOW)) =>
  downloadData(ctx, { symbols: 'BTC/USDT', timeframe: '1m', out: dir, ...values }, { source: source(), pageLimit: 10 });

describe('stratus download-data on an existing file', () => {
  it('fetches only from the file\'s last candle on, appends in order without a duplicate, and leaves the old rows as they were', async () => {
    expect(await download({ from: '2021-05-18', to: '2021-05-18T00:30:00Z' })).toBe(0);
    const before = await rows();
    expect(before).toEqual(minutes(0, 30).map(csvLine));
    const starts = fake.calls(KLINES).length;
    const ctx = dataContext(NOW);
    expect(await download({ from: '2021-05-18' }, ctx)).toBe(0);
    expect(fake.calls(KLINES).slice(starts).map((c) => (Number(c.params.startTime) - T0) / M)).toEqual([29, 40, 50]);
    const after = await rows();
    expect(after.slice(0, before.length)).toEqual(before);
    expect(after).toEqual(minutes(0, 60).map(csvLine));
    expect(ctx.output.out).toContain('BTC/USDT 1m: 29 new (resumed); 54 candles 2021-05-18T00:00Z..2021-05-18T00:59Z');
    expect(await readdir(dir)).toEqual([FILE]); // the temp file was renamed into place
  });

  it('asks the exchange nothing when the file already covers the range, and says it is up to date', async () => {
    expect(await download({ from: '2021-05-18' })).toBe(0);
    const calls = fake.calls(KLINES).length;
    const ctx = dataContext(NOW + 20_000); // minute 60 is still forming
    expect(await download({ from: '2021-05-18' }, ctx)).toBe(0);
    expect(fake.calls(KLINES).length).toBe(calls);
    expect(ctx.output.out).toContain('BTC/USDT 1m: up to date; 54 candles');
  });

  it('extends a file backwards, re-checking its first candle, when --from is earlier than the file starts', async () => {
    expect(await download({ from: '2021-05-18T00:20:00Z', to: '2021-05-18T00:40:00Z' })).toBe(0);
    const starts = fake.calls(KLINES).length;
    expect(await download({ from: '2021-05-18', to: '2021-05-18T00:40:00Z' })).toBe(0);
    expect(fake.calls(KLINES).slice(starts).map((c) => [(Number(c.params.startTime) - T0) / M, (Number(c.params.endTime) + 1 - T0) / M]))
      .toEqual([[0, 21], [10, 21]]); // 0-9, then from 10 (the exchange skips to 15) up to the file's first candle, 20
    expect(await rows()).toEqual(minutes(0, 40).map(csvLine));
  });

  it('refuses to resume when the exchange\'s copy of the file\'s last candle differs, and leaves the file untouched', async () => {
    expect(await download({ from: '2021-05-18', to: '2021-05-18T00:30:00Z' })).toBe(0);
    const bytes = await readFile(join(dir, FILE));
    fake.addKlines('BTCUSDT', '1m', [{ ...kline(29), close: '37034.99000000' }]);
    const ctx = dataContext(NOW);
    expect(await download({ from: '2021-05-18' }, ctx)).toBe(1);
    expect(ctx.output.err).toContain("the exchange's candle at 2021-05-18T00:29:00.000Z (37029.01,37039.5,37019,37034.99,30.12345678) differs from the file's (37029.01,37039.5,37019,37034.12,30.12345678)");
    expect(await readFile(join(dir, FILE))).toEqual(bytes);
  });

  it('resumes a plain .csv file in place (no .gz beside it)', async () => {
    await writeFile(join(dir, 'binance_BTC-USDT_1m.csv'), `timestamp,open,high,low,close,volume\n${minutes(0, 20).map(csvLine).join('\n')}\n`);
    expect(await download({ from: '2021-05-18' })).toBe(0);
    expect(await readdir(dir)).toEqual(['binance_BTC-USDT_1m.csv']);
    expect(await rows('binance_BTC-USDT_1m.csv')).toEqual(minutes(0, 60).map(csvLine));
  });
});
