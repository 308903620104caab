import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readCandleFile } from '../../shared/local/candle-files.js';
import { resampleFolder } from '../../shared/local/data-resample.js';

const T0 = Date.UTC(2021, 4, 18);
let dir: string;
beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'stratus-review-rows-')); });
afterEach(async () => { await rm(dir, { recursive: true, force: true }); });

/** 480 one-minute rows (two 4h buckets) with one bad row at minute 100. */
async function fileWith(bad: string): Promise<string> {
  const rows = Array.from({ length: 480 }, (_, i) => (i === 100 ? `${T0 + i * 60_000},${bad}` : `${T0 + i * 60_000},2,3,1,2,0.5`));
  const path = join(dir, 'binance_BTC-USDT_1m.csv');
  await writeFile(path, ['timestamp,open,high,low,close,volume', ...rows].join('\n'));
  return path;
}

describe('the data tools refuse the rows the backtest refuses', () => {
  it.each([
    ['a negative price', '-2,3,1,2,0.5'],
    ['a high below the low', '2,1,3,2,0.5'],
    ['a negative volume', '2,3,1,2,-1'],
  ])('resample-data refuses a file with %s (it wrote a 4h file the backtest cannot read)', async (_label, bad) => {
    const path = await fileWith(bad);
    await expect(readCandleFile(path)).rejects.toThrow(/:102: /);
    await expect(resampleFolder({ dataDir: dir, outDir: join(dir, 'out'), from: '1m', to: '4h' })).rejects.toThrow(/binance_BTC-USDT_1m\.csv:102: /);
    expect(await readdir(join(dir, 'out')).catch(() => [])).toEqual([]);
  });
});
