import { describe, expect, it } from 'vitest';
import { cliHarness } from '../unit/cli/cli-harness.js';

const BACKTEST = ['backtest', '--strategy', 'momentum', '--symbols', 'BTC/USDT', '--timeframe', '1m', '--data', 'shared/local/data', '--to', '2021-05-19'];

describe('a flag given twice with two values is refused, not silently the last one', () => {
  it('refuses --from given twice with different dates (exit 2, nothing run)', async () => {
    const r = await cliHarness().run(...BACKTEST, '--from', '2021-05-18', '--from=2021-05-17');
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toBe('stratus backtest: --from given twice (2021-05-18, then 2021-05-17); give it once\n');
  });

  it('refuses a second --timeframe that would silently replace the first', async () => {
    const r = await cliHarness().run(...BACKTEST, '--from', '2021-05-18', '--timeframe', '5m');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--timeframe given twice \(1m, then 5m\)/);
  });

  it('still takes a repeatable flag given twice (--strategy-file) and the same value twice', async () => {
    const r = await cliHarness().run('strategies', '--strategy-file', 'tests/support/strategies/breakout.ts', '--strategy-file', 'tests/support/strategies/breakout.ts');
    expect(r.code).toBe(0);
    const same = await cliHarness().run('new-strategy', '--help', '--dir', 'x', '--dir', 'x');
    expect(same.code).toBe(0);
  });
});
