/** stratus download-data on a window the exchange has no candle for (before the pair's history, or still to come). */
import { readdir, rm } from 'node:fs/promises';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CcxtKlineSource } from '../../shared/adapters/ccxt-kline-source.js';
import { downloadData } from '../../shared/cli/download-data-command.js';
import { FakeBinance } from '../support/fake-binance.js';
import { M, T0, dataContext, serveHistory, tempDir } from '../integration/data/data-fixtures.js';

const NOW = T0 + 60 * M + 30_000;
let fake: FakeBinance;
let dir: string;
beforeAll(async () => { fake = await FakeBinance.start({ now: () => NOW }); });
afterAll(async () => { await fake?.stop(); });
beforeEach(async () => { fake.reset(); serveHistory(fake, 61); dir = await tempDir(); });
afterEach(async () => { await rm(dir, { recursive: true, force: true }); });

describe('stratus download-data when the exchange has no candle in the window', () => {
  it('says so and exits 1, instead of "up to date" naming a file it never wrote', async () => {
    const ctx = dataContext(NOW);
    const source = CcxtKlineSource.create('binance', { restOrigin: fake.origin, rateLimit: false });
    const code = await downloadData(ctx, { symbols: 'BTC/USDT', timeframe: '1m', from: '2021-05-10', to: '2021-05-11', out: dir }, { source, pageLimit: 10 });
    expect(await readdir(dir)).toEqual([]);
    expect(ctx.output.out).not.toContain('up to date');
    expect(ctx.output.err).toContain('BTC/USDT 1m: the exchange has no candle in [2021-05-10T00:00Z, 2021-05-11T00:00Z); nothing written');
    expect(code).toBe(1);
  });
});
