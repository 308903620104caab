import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../shared/cli/run-cli.js';
import type { CliContext } from '../../../shared/cli/cli-context.js';

const MARKET = resolve(import.meta.dirname, '../../../../shared/data/market');
const HAVE_DATA = existsSync(join(MARKET, 'binance_BTC-USDT_1h.csv.gz'));
if (!HAVE_DATA) console.warn(`skipping the stratus backtest CLI test: ${MARKET} (the team data folder ../shared) is absent`);

function context(): CliContext & { output: { out: string; err: string } } {
  const output = { out: '', err: '' };
  const none = () => { throw new Error('backtest must not touch the stores'); };
  return {
    output, policies: none, state: none, clock: { now: () => 0 },
    out: (t) => { output.out += t; }, err: (t) => { output.err += t; },
    readText: (path) => readFile(path, 'utf8'),
  };
}

describe.skipIf(!HAVE_DATA)('stratus backtest on ../shared/data/market', () => {
  it('runs sma-cross on BTC/USDT 1h for three months and writes the same JSON twice', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'stratus-backtest-'));
    try {
      const args = (out: string) => [
        'backtest', '--strategy', 'sma-cross', '--symbols', 'BTC/USDT', '--timeframe', '1h', '--from', '2021-01-01',
        '--to', '2021-04-01', '--data', MARKET, '--fee-bps', '10', '--slippage-bps', '5', '--seed', '7', '--json', out,
      ];
      const ctx = context();
      expect(await runCli(args(join(dir, 'a.json')), ctx)).toBe(0);
      expect(await runCli(args(join(dir, 'b.json')), context())).toBe(0);
      const text = await readFile(join(dir, 'a.json'), 'utf8');
      expect(await readFile(join(dir, 'b.json'), 'utf8')).toBe(text);
      const report = JSON.parse(text);
      const from = Date.UTC(2021, 0, 1);
      const to = Date.UTC(2021, 3, 1);
      expect(report.config).toMatchObject({ strategy: 'sma-cross', symbols: ['BTC/USDT'], timeframe: '1h', feeBps: 10, slippageBps: 5, seed: 7, from, to });
      expect(report.equity).toHaveLength(report.config.candles);
      expect(report.equity[0].time).toBe(from + 3_600_000);
      expect(report.trades.length).toBeGreaterThan(0);
      for (const t of report.trades) {
        expect(t.entryTime % 3_600_000).toBe(0);
        expect(t.entryTime).toBeGreaterThanOrEqual(from);
        expect(t.exitTime).toBeGreaterThan(t.entryTime);
        expect(t.exitTime).toBeLessThan(to);
        expect(t.pnl).toMatch(/^-?\d+(\.\d+)?$/);
      }
      expect(report.metrics.finalBalance).toBe(report.equity.at(-1).equity);
      expect(ctx.output.err).toMatch(/backtest: \d+ trades, final balance/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('prints the JSON report to stdout for --json - (as status/report/cost do) and writes no file named -', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'stratus-backtest-stdout-'));
    const cwd = process.cwd();
    try {
      process.chdir(dir);
      const ctx = context();
      expect(await runCli(['backtest', '--strategy', 'sma-cross', '--symbols', 'BTC/USDT', '--timeframe', '1h', '--from', '2021-01-01',
        '--to', '2021-02-01', '--data', MARKET, '--json', '-'], ctx)).toBe(0);
      expect(JSON.parse(ctx.output.out).config).toMatchObject({ strategy: 'sma-cross', symbols: ['BTC/USDT'] });
      expect(ctx.output.err).toMatch(/backtest: \d+ trades, final balance [^,]*\n/);
      expect(existsSync(join(dir, '-'))).toBe(false);
    } finally {
      process.chdir(cwd);
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses an unknown strategy with a clear message and exit code 1', async () => {
    const ctx = context();
    const code = await runCli(['backtest', '--strategy', 'nope', '--symbols', 'BTC/USDT', '--timeframe', '1h', '--from', '2021-01-01',
      '--to', '2021-01-02', '--data', MARKET], ctx);
    expect(code).toBe(1);
    expect(ctx.output.err).toMatch(/nope/);
  });
});
