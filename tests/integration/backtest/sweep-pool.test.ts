import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runSweepJob, type SweepJob } from '../../../shared/backtest/sweep-pool-job.js';
import { createSweepPool, poolSize, runSweep } from '../../../shared/backtest/sweep-pool.js';

const MARKET = resolve(import.meta.dirname, '../../../../shared/data/market');
const HAVE_DATA = existsSync(join(MARKET, 'binance_BTC-USDT_1h.csv.gz'));
const VALUES = { strategy: 'sma-cross', symbols: 'BTC/USDT', timeframe: '1h', from: '2021-01-01', to: '2021-02-15', data: MARKET };
const GRID = [[5, 20], [10, 30], [10, 50], [20, 50], [20, 100]] as const;
const JOBS: SweepJob[] = GRID.map(([fast, slow]) => ({ label: `fast=${fast},slow=${slow}`, values: VALUES, params: { fast, slow }, warmup: true }));
const readText = (path: string) => readFile(path, 'utf8');

describe('poolSize', () => {
  it('is the worker count asked for or the cores, never more than the jobs and at least one', () => {
    expect(poolSize(10, 3)).toBe(3);
    expect(poolSize(2, 8)).toBe(2);
    expect(poolSize(0, 4)).toBe(1);
    expect(() => poolSize(4, 0)).toThrow(RangeError);
    expect(() => poolSize(4, 1.5)).toThrow(RangeError);
  });
});

describe.skipIf(!HAVE_DATA)('the sweep pool on BTC/USDT 1h (../shared/data/market)', () => {
  it('spreads jobs over two worker threads and returns, in job order, exactly what a run in this thread gives', async () => {
    const outcomes = await runSweep(JOBS, { workers: 2 });
    expect(new Set(outcomes.map((o) => o.threadId)).size).toBe(2);
    const sequential = [];
    for (const job of JOBS) sequential.push(await runSweepJob(job, readText));
    expect(outcomes.map(({ threadId: _, ...result }) => result)).toEqual(sequential);
    expect(new Set(sequential.map((r) => r.finalBalance)).size).toBeGreaterThan(1);
  });

  it('a warm-up job trades exactly like a plain backtest started requiredCandles earlier, and never before its own start', async () => {
    const params = { fast: 10, slow: 30 };
    const warm = await runSweepJob({ label: 'warm', values: VALUES, params, warmup: true }, readText);
    const earlier = new Date(Date.parse('2021-01-01T00:00:00Z') - 31 * 3_600_000).toISOString();
    const plain = await runSweepJob({ label: 'plain', values: { ...VALUES, from: earlier }, params }, readText);
    expect(warm.trades).toBeGreaterThan(0);
    expect([warm.trades, warm.finalBalance]).toEqual([plain.trades, plain.finalBalance]);
    const cold = await runSweepJob({ label: 'cold', values: VALUES, params }, readText);
    expect(cold.finalBalance).not.toBe(warm.finalBalance);
  });

  it('rejects a failing job with its label, keeps serving other jobs, and refuses jobs once closed', async () => {
    const pool = createSweepPool(2);
    const bad = { label: 'fast=60,slow=50', values: VALUES, params: { fast: 60, slow: 50 } };
    try {
      await expect(pool.run([JOBS[0]!, bad, JOBS[1]!])).rejects.toThrow(/^sweep job fast=60,slow=50: .*fast 60 must be below slow 50/);
      expect((await pool.submit(JOBS[0]!)).trades).toBeGreaterThan(0);
    } finally {
      await pool.close();
    }
    await expect(pool.submit(JOBS[0]!)).rejects.toThrow(/sweep job fast=5,slow=20: the pool is closed/);
  });

  it('reuses its workers across batches', async () => {
    const pool = createSweepPool(2);
    try {
      const first = await pool.run(JOBS.slice(0, 2));
      const second = await pool.run(JOBS.slice(2, 4));
      expect(new Set([...first, ...second].map((o) => o.threadId)).size).toBeLessThanOrEqual(2);
      expect(second.map((o) => o.finalBalance)).toEqual((await runSweep(JOBS.slice(2, 4), { workers: 1 })).map((o) => o.finalBalance));
    } finally {
      await pool.close();
    }
  });
});
