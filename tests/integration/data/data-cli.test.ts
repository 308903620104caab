/** The data commands through `stratus` itself (the registry and its strict per-command parsing). */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../../shared/cli/run-cli.js';
import { writeCandleRows } from '../../../shared/local/data-files.js';
import { M, T0, dataContext, minutes, tempDir } from './data-fixtures.js';

let dir: string;
beforeEach(async () => {
  dir = await tempDir();
  await writeCandleRows(join(dir, 'binance_BTC-USDT_1m.csv.gz'), minutes(0, 480).map((i) => ({ openTime: T0 + i * M, open: '2', high: '3', low: '1', close: '2', volume: '0.5' })));
});
afterEach(async () => { await rm(dir, { recursive: true, force: true }); });

describe('stratus list-data / resample-data / download-data', () => {
  it('runs list-data DIR and resample-data from the command line, the 4h file then listed beside the 1m one', async () => {
    const resample = dataContext(0);
    expect(await runCli(['resample-data', '--data', dir, '--from-timeframe', '1m', '--timeframe', '4h'], resample)).toBe(0);
    expect(resample.output.out).toMatch(/^BTC\/USDT: 474 → 2 candles; 0 edge bucket\(s\) cut by the data's start\/end dropped; 1 incomplete kept: 2021-05-18T00:00Z \(234\/240\)/);
    const list = dataContext(0);
    expect(await runCli(['list-data', dir], list)).toBe(0);
    expect(list.output.out.split('\n').slice(1, 3).map((l) => l.split(/\s+/).slice(0, 5).join(' '))).toEqual([
      'BTC/USDT 1m 2021-05-18T00:00Z 2021-05-18T07:59Z 474',
      'BTC/USDT 4h 2021-05-18T00:00Z 2021-05-18T04:00Z 2',
    ]);
  });

  it('refuses download-data without its required options, naming the first missing one, before any request', async () => {
    const ctx = dataContext(0);
    expect(await runCli(['download-data', '--symbols', 'BTC/USDT', '--timeframe', '1m', '--out', dir], ctx)).toBe(1);
    expect(ctx.output.err).toContain('--from is required');
    const bad = dataContext(0);
    expect(await runCli(['download-data', '--symbols', 'BTC/USDT', '--timeframe', '2h', '--from', '2021-05-18', '--out', dir], bad)).toBe(1);
    expect(bad.output.err).toContain('--timeframe must be one of 1m, 5m, 15m, 1h, 4h, 1d, got 2h');
  });
});
