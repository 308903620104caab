/** stratus download-data against the fake Binance's REST klines through real ccxt: paging, closed candles only, gaps, 429, symbols. */
import { readFile, readdir, rm } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CcxtKlineSource } from '../../../shared/adapters/ccxt-kline-source.js';
import { loadCandles } from '../../../shared/cli/cli-args.js';
import { command, downloadData } from '../../../shared/cli/download-data-command.js';
import { readCandleRows } from '../../../shared/local/data-files.js';
import { FakeBinance, fault } from '../../support/fake-binance.js';
import { HOLES, M, T0, csvLine, dataContext, kline, minutes, recordingSleep, serveHistory, tempDir } from './data-fixtures.js';

const KLINES = 'GET /api/v3/klines';
const MARKET = resolve(import.meta.dirname, '../../../../shared/data/market');
const HAVE_DATA = existsSync(join(MARKET, 'binance_BTC-USDT_1h.csv.gz'));
if (!HAVE_DATA) console.warn(`skipping the team-data download test: ${MARKET} (the team data folder ../shared) is absent`);
/** 60 closed minutes, minute 60 still forming (30 s in). */
const NOW = T0 + 60 * M + 30_000;

let fake: FakeBinance;
let dir: string;
beforeAll(async () => { fake = await FakeBinance.start({ now: () => NOW }); });
afterAll(async () => { await fake?.stop(); });
beforeEach(async () => {
  fake.reset();
  serveHistory(fake, 61); // minute 60 is the candle still forming at NOW
  dir = await tempDir();
});
afterEach(async () => { await rm(dir, { recursive: true, force: true }); });

const fileLines = async (name = 'binance_BTC-USDT_1m.csv.gz') => gunzipSync(await readFile(join(dir, name))).toString('utf8').trimEnd().split('\n');
const source = (rateLimit = false) => CcxtKlineSource.create('binance', { restOrigin: fake.origin, rateLimit });

describe('stratus download-data', () => {
  it('pages through every closed candle (never the forming one), keeps Binance\'s decimals exactly and reports the exchange\'s gaps', async () => {
    const ctx = dataContext(NOW);
    process.env.EXCHANGE_REST_ORIGIN = fake.origin;
    try {
      expect(await command.run(ctx, { symbols: 'BTC/USDT', timeframe: '1m', from: '2021-05-18', out: dir }, [])).toBe(0);
    } finally {
      delete process.env.EXCHANGE_REST_ORIGIN;
    }
    const lines = await fileLines();
    expect(lines[0]).toBe('timestamp,open,high,low,close,volume');
    expect(lines.slice(1)).toEqual(minutes(0, 60).map(csvLine));
    const calls = fake.calls(KLINES);
    expect(calls.map((c) => Number(c.params.startTime))).toEqual([T0]); // one page of up to 1000: the short page ends it
    expect(calls.every((c) => c.params.endTime === String(T0 + 60 * M - 1) && c.params.limit === '1000')).toBe(true);
    expect(ctx.output.out).toContain('BTC/USDT 1m: 54 new; 54 candles 2021-05-18T00:00Z..2021-05-18T00:59Z');
    expect(ctx.output.out).toContain('gaps 2 (6 missing, largest 2021-05-18T00:10Z..2021-05-18T00:14Z (5))');
    expect(ctx.output.out).toMatch(/gap 2021-05-18T00:10Z\.\.2021-05-18T00:14Z \(5\)\n {2}gap 2021-05-18T00:30Z\.\.2021-05-18T00:30Z \(1\)\n/);
    expect(ctx.output.err).toMatch(/BTC\/USDT 1m: 54 candles, up to 2021-05-18T01:00:00.000Z/);
  });

  it('pages at --limit-sized steps from the last candle received, and the files load unchanged in the backtest loader', async () => {
    const ctx = dataContext(NOW);
    expect(await downloadData(ctx, { symbols: 'BTC/USDT', timeframe: '1m', from: '2021-05-18', to: '2021-05-18T00:45:00Z', out: dir },
      { source: source(), pageLimit: 10 })).toBe(0);
    // pages of 10 candles: 0-9, 15-24, 25-35 (30 missing), 36-45 → the short last page ends it
    expect(fake.calls(KLINES).map((c) => (Number(c.params.startTime) - T0) / M)).toEqual([0, 10, 25, 36]);
    const loaded = await loadCandles(dir, ['BTC/USDT'], '1m', T0, T0 + 45 * M);
    expect(loaded['BTC/USDT']!.map((c) => (c.openTime - T0) / M)).toEqual(minutes(0, 45));
    expect(loaded['BTC/USDT']![0]).toEqual({ symbol: 'BTC/USDT', timeframe: '1m', openTime: T0, open: 37000.01, high: 37010.5, low: 36990, close: 37005.12, volume: 1.12345678 });
  });

  it('writes a value a float cannot hold (18 significant digits) exactly as Binance sent it', async () => {
    fake.addKlines('BTCUSDT', '1m', [{ ...kline(5), volume: '1234567890.12345678' }]);
    expect(Number('1234567890.12345678').toString()).not.toBe('1234567890.12345678');
    const ctx = dataContext(NOW);
    expect(await downloadData(ctx, { symbols: 'BTC/USDT', timeframe: '1m', from: '2021-05-18', to: '2021-05-18T00:10:00Z', out: dir }, { source: source() })).toBe(0);
    expect((await fileLines())[6]).toBe(`${T0 + 5 * M},37005.01,37015.5,36995,37010.12,1234567890.12345678`);
  });

  it.skipIf(!HAVE_DATA)('downloads the team\'s BTC/USDT 1h (Jan-Apr 2021) into files the backtest loader reads as it reads the originals', async () => {
    const from = Date.UTC(2021, 0, 1);
    const to = Date.UTC(2021, 4, 1);
    const original = (await readCandleRows(join(MARKET, 'binance_BTC-USDT_1h.csv.gz'), '1h')).filter((r) => r.openTime >= from - 86_400_000 && r.openTime < to + 86_400_000);
    fake.addKlines('BTCUSDT', '1h', original);
    const ctx = dataContext(NOW);
    expect(await downloadData(ctx, { symbols: 'BTC/USDT', timeframe: '1h', from: '2021-01-01', to: '2021-05-01', out: dir }, { source: source() })).toBe(0);
    const mine = await loadCandles(dir, ['BTC/USDT'], '1h', from, to);
    const theirs = await loadCandles(MARKET, ['BTC/USDT'], '1h', from, to);
    expect(mine['BTC/USDT']!.length).toBe(2873); // 120 days of hours minus the 7 Binance never had
    expect(mine).toEqual(theirs);
  });

  it('waits out a 429 for its Retry-After through the sleeper and still completes the download', async () => {
    fake.script(KLINES, undefined, fault.rateLimited(7));
    const ctx = dataContext(NOW);
    const { waits, sleep } = recordingSleep();
    expect(await downloadData(ctx, { symbols: 'BTC/USDT', timeframe: '1m', from: '2021-05-18', out: dir }, { source: source(), pageLimit: 20, sleep })).toBe(0);
    expect(fake.injected.map((f) => f.route)).toEqual([KLINES]);
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeGreaterThanOrEqual(7000);
    expect((await fileLines()).slice(1)).toEqual(minutes(0, 60).map(csvLine));
    expect(ctx.output.err).toContain('EXCHANGE_RATE_LIMITED — waiting 7 s before retrying');
  });

  it('waits out a 418 IP ban for its Retry-After, and downloads each pair of --symbols into its own file', async () => {
    fake.addKlines('ETHUSDT', '1m', minutes(0, 20).map((i) => ({ ...kline(i), open: '2500.5', high: '2501', low: '2500', close: '2500.75' })));
    fake.script(KLINES, fault.ipBanned(180));
    const ctx = dataContext(NOW);
    const { waits, sleep } = recordingSleep();
    expect(await downloadData(ctx, { symbols: 'BTC/USDT,ETH/USDT', timeframe: '1m', from: '2021-05-18', out: dir }, { source: source(), sleep })).toBe(0);
    expect(waits).toEqual([180_000]);
    expect(ctx.output.err).toContain('EXCHANGE_IP_BANNED — waiting 180 s before retrying');
    expect((await readdir(dir)).sort()).toEqual(['binance_BTC-USDT_1m.csv.gz', 'binance_ETH-USDT_1m.csv.gz']);
    expect((await fileLines('binance_ETH-USDT_1m.csv.gz')).slice(1, 2)).toEqual([`${T0},2500.5,2501,2500,2500.75,1.12345678`]);
    expect(ctx.output.out).toContain('ETH/USDT 1m: 15 new; 15 candles 2021-05-18T00:00Z..2021-05-18T00:19Z');
  });

  it('paces its requests by ccxt\'s rate limit when it is on (Binance spot klines: weight 0.4 of a 50 ms unit = 20 ms)', async () => {
    const ctx = dataContext(NOW);
    expect(await downloadData(ctx, { symbols: 'BTC/USDT', timeframe: '1m', from: '2021-05-18', out: dir }, { source: source(true), pageLimit: 5 })).toBe(0);
    const at = fake.calls(KLINES).map((c) => c.at);
    expect(at.length).toBeGreaterThan(8);
    expect((at.at(-1)! - at[0]!) / (at.length - 1)).toBeGreaterThanOrEqual(16); // mean spacing: arrival jitter averages out
  });

  it('refuses a symbol the exchange does not list, naming only markets its list has, before writing anything', async () => {
    const ctx = dataContext(NOW);
    const out = join(dir, 'new');
    const error = await downloadData(ctx, { symbols: 'BTC/USDT,BTC/EUR,DOGE/USDT', timeframe: '1m', from: '2021-05-18', out }, { source: source() })
      .then(() => undefined, (e: unknown) => e);
    expect(error).toMatchObject({ code: 'UNKNOWN_SYMBOL' });
    expect((error as Error).message).toBe('binance has no spot market BTC/EUR (binance lists BTC/USDT); DOGE/USDT; it lists 2 spot markets');
    expect(fake.calls(KLINES)).toHaveLength(0);
    expect(await readdir(dir)).toEqual([]);
  });

  it('keeps the candles fetched before a persistent outage, says so, and a second run resumes to the end', async () => {
    fake.faults[KLINES] = (r) => (Number(r.params.startTime) >= T0 + 20 * M ? fault.serverError(503) : undefined);
    const ctx = dataContext(NOW);
    const { waits, sleep } = recordingSleep();
    const values = { symbols: 'BTC/USDT', timeframe: '1m', from: '2021-05-18', out: dir };
    const retry = { maxRetries: 2, retryBaseDelayMs: 1000, retryMaxDelayMs: 1000 };
    expect(await downloadData(ctx, values, { source: source(), pageLimit: 10, sleep, retry })).toBe(1);
    expect(waits).toHaveLength(2);
    expect(ctx.output.err).toContain('EXCHANGE_UNAVAILABLE — waiting 1 s before retrying');
    expect(ctx.output.err).toMatch(/download-data: fetchOHLCV BTC\/USDT 1m from 2021-05-18T00:25:00.000Z: .*-1008.*; kept the 20 candles fetched before it \(run again to resume\)\n/);
    expect((await fileLines()).slice(1)).toEqual(minutes(0, 25).map(csvLine));
    fake.clearFaults();
    expect(await downloadData(ctx, values, { source: source(), pageLimit: 10, sleep })).toBe(0);
    expect((await fileLines()).slice(1)).toEqual(minutes(0, 60).map(csvLine));
    expect(HOLES.length).toBe(6);
  });
});
