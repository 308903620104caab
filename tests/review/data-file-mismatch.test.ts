import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCandles } from '../../shared/cli/cli-args.js';

const FILE = 'shared/local/data/binance_ETH-USDT_1m.csv.gz';
const DAY = [Date.UTC(2021, 4, 18), Date.UTC(2021, 4, 19)] as const;
const dir = mkdtempSync(join(tmpdir(), 'stratus-review-data-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('--data FILE whose name names another pair or timeframe', () => {
  it('refuses ETH/USDT\'s file for --symbols BTC/USDT (it was replayed as BTC/USDT)', async () => {
    await expect(loadCandles(FILE, ['BTC/USDT'], '1m', ...DAY)).rejects.toThrow(/binance_ETH-USDT_1m\.csv\.gz holds ETH\/USDT 1m candles \(its name says\), not BTC\/USDT 1m/);
  });

  it('refuses a 1m file for --timeframe 5m and a 1h file read as 1m (hourly candles replayed as minutes)', async () => {
    await expect(loadCandles(FILE, ['ETH/USDT'], '5m', ...DAY)).rejects.toThrow(/holds ETH\/USDT 1m candles \(its name says\), not ETH\/USDT 5m/);
    const hourly = join(dir, 'binance_ETH-USDT_1h.csv');
    writeFileSync(hourly, ['timestamp,open,high,low,close,volume', ...[0, 1, 2].map((h) => `${DAY[0] + h * 3_600_000},10,11,9,10,5`)].join('\n'));
    await expect(loadCandles(hourly, ['ETH/USDT'], '1m', ...DAY)).rejects.toThrow(/holds ETH\/USDT 1h candles \(its name says\), not ETH\/USDT 1m/);
  });

  it('still reads the file for its own pair and timeframe', async () => {
    const { 'ETH/USDT': candles } = await loadCandles(FILE, ['ETH/USDT'], '1m', ...DAY);
    expect(candles).toHaveLength(1440);
  });

  it('refuses a folder file named 1m whose rows are never one minute apart (an hourly file under a 1m name)', async () => {
    const sub = join(dir, 'folder');
    mkdirSync(sub);
    writeFileSync(join(sub, 'binance_ETH-USDT_1m.csv'), ['timestamp,open,high,low,close,volume',
      ...Array.from({ length: 24 }, (_, h) => `${DAY[0] + h * 3_600_000},10,11,9,10,5`)].join('\n'));
    await expect(loadCandles(sub, ['ETH/USDT'], '1m', ...DAY)).rejects.toThrow(/ETH\/USDT: no two of its 24 1m candles in the window are 1m apart \(they are at least 60 minutes apart\)/);
  });
});


describe('--symbols in lower case', () => {
  it('backtests btc/usdt on BTC/USDT\'s file, as download-data wrote it (was refused as not a BASE/QUOTE symbol)', async () => {
    const { runOptions } = await import('../../shared/cli/cli-args.js');
    expect(runOptions({ strategy: 'momentum', symbols: 'btc/usdt, Eth/Usdt', timeframe: '1m', from: '2021-05-18', to: '2021-05-19', data: 'x' }).symbols)
      .toEqual(['BTC/USDT', 'ETH/USDT']);
  });
});
