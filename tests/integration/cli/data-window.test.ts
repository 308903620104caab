import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCandles } from '../../../shared/cli/cli-args.js';
import { cliHarness } from '../../unit/cli/cli-harness.js';

let dir: string;
const T0 = Date.UTC(2021, 4, 19);

/** A plain-CSV candle file of `n` candles from T0, one per `stepMs`. */
function candleFile(name: string, n: number, stepMs: number): void {
  const rows = Array.from({ length: n }, (_, i) => `${T0 + i * stepMs},100,101,99,100.5,10`);
  fs.writeFileSync(path.join(dir, name), `timestamp,open,high,low,close,volume\n${rows.join('\n')}\n`);
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stratus-data-window-'));
  candleFile('binance_BTC-USDT_1m.csv', 5, 60_000);
  candleFile('binance_ETH-USDT_1m.csv', 5, 60_000);
  candleFile('binance_ETH-USDT_1h.csv', 3, 3_600_000);
  fs.writeFileSync(path.join(dir, 'notes.txt'), 'not a candle file');
});

afterAll(() => { if (dir) fs.rmSync(dir, { recursive: true, force: true }); });

const backtest = (...extra: string[]) => ['backtest', '--strategy', 'sma-cross', '--data', dir, ...extra];

describe('runs over recorded candles refuse data they do not have', () => {
  it('names a symbol the folder has no file for, listing the symbols and timeframes it has', async () => {
    const r = await cliHarness().run(...backtest('--symbols', 'BTC/USDT,SOL/USDT', '--timeframe', '1m', '--from', '2021-05-19', '--to', '2021-05-20'));
    expect(r.code).toBe(1);
    expect(r.err).toBe(`stratus backtest: ${dir} has no 1m candle file for SOL/USDT; it has: 1m BTC/USDT, ETH/USDT; 1h ETH/USDT\n`);
  });

  it('names a timeframe the folder has no file for, listing what it has', async () => {
    const r = await cliHarness().run(...backtest('--symbols', 'BTC/USDT', '--timeframe', '5m', '--from', '2021-05-19', '--to', '2021-05-20'));
    expect(r).toMatchObject({ code: 1, err: `stratus backtest: ${dir} has no 5m candle file for BTC/USDT; it has: 1m BTC/USDT, ETH/USDT; 1h ETH/USDT\n` });
  });

  it('exits 1 naming the window and the data\'s range when no candle falls in [from, to), instead of a 0-trade report', async () => {
    const r = await cliHarness().run(...backtest('--symbols', 'BTC/USDT', '--timeframe', '1m', '--from', '2022-01-01', '--to', '2022-01-02'));
    expect(r).toMatchObject({ code: 1, out: '' });
    expect(r.err).toBe('stratus backtest: no BTC/USDT 1m candles in [2022-01-01T00:00Z, 2022-01-02T00:00Z); the data covers 2021-05-19T00:00Z .. 2021-05-19T00:05Z\n');
  });

  it('does the same for a single --data file and for lookahead-check', async () => {
    const file = path.join(dir, 'binance_ETH-USDT_1h.csv');
    const one = await cliHarness().run('backtest', '--strategy', 'sma-cross', '--data', file, '--symbols', 'ETH/USDT', '--timeframe', '1h', '--from', '2020-01-01', '--to', '2020-02-01');
    expect(one).toMatchObject({ code: 1, err: 'stratus backtest: no ETH/USDT 1h candles in [2020-01-01T00:00Z, 2020-02-01T00:00Z); the data covers 2021-05-19T00:00Z .. 2021-05-19T03:00Z\n' });
    const look = await cliHarness().run('lookahead-check', '--strategy', 'sma-cross', '--data', dir, '--symbols', 'ETH/USDT', '--timeframe', '4h', '--from', '2021-05-19', '--to', '2021-05-20');
    expect(look).toMatchObject({ code: 1, err: `stratus lookahead-check: ${dir} has no 4h candle file for ETH/USDT; it has: 1m BTC/USDT, ETH/USDT; 1h ETH/USDT\n` });
  });

  it('throws both as NoCandleDataError with the stable code NO_CANDLE_DATA', async () => {
    await expect(loadCandles(dir, ['SOL/USDT'], '1m', T0, T0 + 3_600_000)).rejects.toMatchObject({ name: 'NoCandleDataError', code: 'NO_CANDLE_DATA' });
    await expect(loadCandles(dir, ['BTC/USDT'], '1m', T0 - 3_600_000, T0)).rejects.toMatchObject({ name: 'NoCandleDataError', code: 'NO_CANDLE_DATA' });
    expect(Object.keys(await loadCandles(dir, ['BTC/USDT', 'ETH/USDT'], '1m', T0, T0 + 3_600_000))).toEqual(['BTC/USDT', 'ETH/USDT']);
  });
});
