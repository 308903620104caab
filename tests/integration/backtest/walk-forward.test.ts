import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CliContext } from '../../../shared/cli/cli-context.js';
import { runCli } from '../../../shared/cli/run-cli.js';
import { runSweepJob, type SweepJob } from '../../../shared/backtest/sweep-pool-job.js';
import { parseGrid, rollingWindows } from '../../../shared/backtest/walk-forward-plan.js';
import { validCombos, walkForward } from '../../../shared/backtest/walk-forward.js';

const MARKET = resolve(import.meta.dirname, '../../../../shared/data/market');
const HAVE_DATA = existsSync(join(MARKET, 'binance_BTC-USDT_1h.csv.gz'));
const DAY = 86_400_000;

function captureContext() {
  const output = { out: '', err: '' };
  const none = () => { throw new Error('walk-forward must not touch the stores'); };
  const ctx: CliContext = {
    policies: none, state: none, clock: { now: () => 0 }, out: (t) => { output.out += t; }, err: (t) => { output.err += t; },
    readText: (path) => readFile(path, 'utf8'),
  };
  return { ctx, output };
}

describe.skipIf(!HAVE_DATA)('stratus walk-forward on BTC/USDT 1h (../shared/data/market)', () => {
  it('runs the grid on two worker threads and reports the same out-of-sample results as a run in this thread', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'stratus-wf-'));
    const { ctx, output } = captureContext();
    try {
      const code = await runCli(['walk-forward', '--strategy', 'sma-cross', '--symbols', 'BTC/USDT', '--timeframe', '1h',
        '--from', '2021-01-01', '--to', '2021-05-01', '--data', MARKET, '--train', '60d', '--test', '30d',
        '--grid', 'fast=10,60;slow=50,100', '--workers', '2', '--json', join(dir, 'wf.json')], ctx);
      expect(output.err).not.toMatch(/stratus walk-forward:/);
      expect(code).toBe(0);
      expect(output.err).toMatch(/2 windows × 3 param combos \(1 invalid skipped\) \+ tests = 8 runs on 2 worker threads/);
      const threads = /on threads ([\d, ]+)\n/.exec(output.err)![1]!.split(', ');
      expect(new Set(threads).size).toBeGreaterThanOrEqual(2);
      expect(output.out).toMatch(/^window\s+train\s+test\s+params\s+train sharpe\s+test return %\s+test sharpe\s+test trades\n1\s+2021-01-01\.\.2021-03-02\s+2021-03-02\.\.2021-04-01/);
      expect(output.out).toMatch(/compounded return\s+-?\d+\.\d{3} %/);
      const report = JSON.parse(await readFile(join(dir, 'wf.json'), 'utf8'));
      expect(report.config).toMatchObject({ strategy: 'sma-cross', objective: 'sharpe', validCombos: 3, skippedCombos: 1 });

      const values = { strategy: 'sma-cross', symbols: 'BTC/USDT', timeframe: '1h', data: MARKET };
      const from = Date.parse('2021-01-01T00:00:00Z');
      const windows = rollingWindows({ from, to: Date.parse('2021-05-01T00:00:00Z'), train: 60 * DAY, test: 30 * DAY, step: 30 * DAY });
      const combos = validCombos('sma-cross', {}, parseGrid('fast=10,60;slow=50,100').combos).valid;
      const inThread = async (jobs: readonly SweepJob[]) => {
        const results = [];
        for (const job of jobs) results.push(await runSweepJob(job, (path) => readFile(path, 'utf8')));
        return results;
      };
      const sequential = await walkForward({ values, windows, combos, objective: 'sharpe' }, inThread);
      expect(report.windows).toEqual(JSON.parse(JSON.stringify(sequential.windows)));
      expect(report.summary).toEqual(JSON.parse(JSON.stringify(sequential.summary)));
      expect(sequential.summary.totalTrades).toBeGreaterThan(0);
      expect(sequential.windows.every((w) => w.testFrom === w.trainTo)).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('fails with the option named when the grid has no valid combo or a duration is off the candle grid', async () => {
    const base = ['walk-forward', '--strategy', 'sma-cross', '--symbols', 'BTC/USDT', '--timeframe', '1h', '--from', '2021-01-01',
      '--to', '2021-03-01', '--data', MARKET, '--train', '30d', '--test', '10d'];
    const a = captureContext();
    expect(await runCli([...base, '--grid', 'fast=60;slow=50'], a.ctx)).toBe(1);
    expect(a.output.err).toMatch(/no valid param combination/);
    const b = captureContext();
    expect(await runCli([...base, '--grid', 'fast=10;slow=50', '--step', '90m'], b.ctx)).toBe(1);
    expect(b.output.err).toMatch(/--step must fall on 1h candle boundaries/);
  });
});
