import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { paperMarkets } from '../../shared/adapters/paper-markets.js';
import { runBacktest } from '../../shared/backtest/engine.js';
import { loadCandles } from '../../shared/cli/cli-args.js';
import { policyHash, validatePolicy } from '../../shared/domain/policy.js';
import { cliHarness } from '../unit/cli/cli-harness.js';

/** Two strategies with their own budgets and a disabled third, as a multi-strategy deployment runs them. */
const POLICY = {
  strategies: [
    { name: 'momentum', params: { lookback: 20, entryThreshold: 2 }, riskBudgetPct: 3 },
    { name: 'rsi-reversion', params: { period: 14, oversold: 35 }, riskBudgetPct: 2 },
    { name: 'sma-cross', enabled: false },
  ],
};
const WINDOW = ['--symbols', 'BTC/USDT,ETH/USDT', '--timeframe', '1m', '--from', '2021-05-19T14:00', '--to', '2021-05-19T17:00', '--data', 'shared/local/data'];

describe('stratus backtest --policy without --strategy runs the policy\'s strategies as it lists them', () => {
  it('runs every strategy with its budget, skips the disabled one, and books what the engine books for that policy', async () => {
    const h = cliHarness();
    h.file('multi.json', POLICY);
    const dir = await mkdtemp(join(tmpdir(), 'stratus-review-multi-'));
    const r = await h.run('backtest', ...WINDOW, '--policy', 'multi.json', '--json', join(dir, 'report.json'));
    expect(r.code, r.err).toBe(0);
    const report = JSON.parse(await readFile(join(dir, 'report.json'), 'utf8'));
    await rm(dir, { recursive: true, force: true });
    expect(report.config.strategy).toBe('momentum+rsi-reversion');
    expect(report.config.strategies.map((s: { name: string; enabled: boolean; riskBudgetPct?: number }) => [s.name, s.enabled, s.riskBudgetPct]))
      .toEqual([['momentum', true, 3], ['rsi-reversion', true, 2], ['sma-cross', false, undefined]]);

    const checked = validatePolicy({ ...POLICY, mode: 'PAPER', symbols: ['BTC/USDT', 'ETH/USDT'], timeframe: '1m', paper: {} });
    if (!checked.ok) throw new Error('policy invalid');
    const from = Date.UTC(2021, 4, 19, 14);
    const candles = await loadCandles('shared/local/data', ['BTC/USDT', 'ETH/USDT'], '1m', from, from + 3 * 3_600_000);
    const run = runBacktest({ policy: checked.policy, policyHash: policyHash(checked.policy), candles, markets: paperMarkets() });
    expect(report.trades).toHaveLength(run.trades.length);
    expect(report.metrics.finalBalance).toBe(run.finalEquity);
    expect(report.rejections).toEqual(Object.fromEntries(Object.entries(run.rejections).filter(([, n]) => n > 0)));
  }, 60_000);

  it('still needs --strategy without a --policy', async () => {
    const r = await cliHarness().run('backtest', ...WINDOW);
    expect(r.code).toBe(1);
    expect(r.err).toContain('--strategy is required');
  });
});
