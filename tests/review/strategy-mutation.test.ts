import { describe, expect, it } from 'vitest';
import { cliHarness } from '../unit/cli/cli-harness.js';

describe('a strategy that writes to the candles it is handed', () => {
  it('stops the backtest naming the strategy, instead of rewriting the run\'s market data (buy & hold -51 %, BAD_TICK rejections)', async () => {
    const r = await cliHarness().run('backtest', '--strategy', 'review-candle-mutator', '--strategy-file', 'tests/review/fixtures/candle-mutator.ts',
      '--symbols', 'BTC/USDT', '--timeframe', '1m', '--from', '2021-05-18', '--to', '2021-05-18T06:00', '--data', 'shared/local/data', '--json', '/dev/null');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/strategy review-candle-mutator: evaluate\(\) must not change the candles it is given/);
  }, 60_000);
});
