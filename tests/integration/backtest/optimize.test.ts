import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliContext } from '../../../shared/cli/cli-context.js';
import { runCli } from '../../../shared/cli/run-cli.js';
import { runSweepJob, type SweepJob, type SweepResult } from '../../../shared/backtest/sweep-pool-job.js';
import { nextStage, planResearch, reduceResearch, renderResearch, type ResearchKind } from '../../../shared/research/plans.js';

const DATA = resolve(import.meta.dirname, '../../../shared/local/data');
const RUN = ['--strategy', 'sma-cross', '--symbols', 'BTC/USDT', '--timeframe', '1m', '--from', '2021-05-17', '--to', '2021-05-19T12:00:00Z', '--data', DATA];

function captureContext() {
  const output = { out: '', err: '' };
  const none = () => { throw new Error('research commands must not touch the stores'); };
  const ctx: CliContext = {
    policies: none, state: none, clock: { now: () => 0 }, out: (t) => { output.out += t; }, err: (t) => { output.err += t; },
    readText: (path) => readFile(path, 'utf8'),
  };
  return { ctx, output };
}

/** The plan run in this thread, stage by stage: what an AWS run does with its two map runs. */
async function inThread(kind: ResearchKind, options: Record<string, unknown>) {
  const run = async (jobs: readonly SweepJob[]) => {
    const results: SweepResult[] = [];
    for (const job of jobs) results.push(await runSweepJob(job, (path) => readFile(path, 'utf8')));
    return results;
  };
  const stage1 = await run(planResearch(kind, options));
  const results = [...stage1, ...(await run(nextStage(kind, options, stage1)))];
  const report = reduceResearch(kind, options, results);
  return { report, text: renderResearch(kind, report) };
}

let dir: string;
beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'stratus-opt-')); });
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

describe('stratus optimize on shared/local/data', () => {
  const args = [...RUN, '--grid', 'fast=3..12:3;slow=20..40:10', '--random', '6', '--seed', '11', '--objective', 'return', '--top', '4', '--workers', '2'];

  it('writes byte-identical JSON for the same seed, draws a progress bar with --progress, and prints exactly renderResearch(reduceResearch(the plan run in-thread))', async () => {
    const first = captureContext();
    expect(await runCli(['optimize', ...args, '--json', join(dir, 'a.json')], first.ctx)).toBe(0);
    const second = captureContext();
    expect(await runCli(['optimize', ...args, '--progress', '--json', join(dir, 'b.json')], second.ctx)).toBe(0);
    expect(second.output.err).toMatch(/\roptimize \[#+\] 100\.0% 7\/7 runs/);
    expect(first.output.err).not.toMatch(/\roptimize \[/);
    const a = await readFile(join(dir, 'a.json'), 'utf8');
    expect(await readFile(join(dir, 'b.json'), 'utf8')).toBe(a);
    expect(second.output.out).toBe(first.output.out);
    expect(first.output.err).toMatch(/optimize: 6 param combos \(12 in the grid, 0 invalid skipped, 6 sampled with seed 11\) \+ 1 holdout = 7 runs on 2 worker threads/);

    const options = {
      strategy: 'sma-cross', symbols: 'BTC/USDT', timeframe: '1m', from: '2021-05-17', to: '2021-05-19T12:00:00Z', data: DATA,
      grid: 'fast=3..12:3;slow=20..40:10', random: '6', seed: '11', objective: 'return', top: '4', baseParams: {},
    };
    const local = await inThread('optimize', options);
    expect(JSON.parse(a)).toEqual(JSON.parse(JSON.stringify(local.report)));
    expect(first.output.out).toBe(local.text);
    const report = JSON.parse(a);
    expect(report.ranked).toHaveLength(4);
    expect(report.ranked[0].params).toEqual(report.best.params);
    expect(report.config).toMatchObject({ holdout: '20%', inSample: { from: '2021-05-17T00:00:00Z', to: '2021-05-19T00:00:00Z' },
      holdoutWindow: { from: '2021-05-19T00:00:00Z', to: '2021-05-19T12:00:00Z' }, runs: 6, space: 12 });
    expect(report.best.inSample.trades).toBeGreaterThan(0);
    expect(first.output.out).toMatch(/\nholdout\s+2021-05-19\.\.2021-05-19T12:00:00Z\s+\d+/);
  }, 60_000);

  it('refuses a malformed grid range before starting any worker', async () => {
    const { ctx, output } = captureContext();
    expect(await runCli(['optimize', ...RUN, '--grid', 'fast=10..5;slow=30'], ctx)).not.toBe(0);
    expect(output.err).toMatch(/--grid: fast: "10\.\.5" ends before it starts/);
  });
});

describe('walk-forward and cost-sweep through the plans', () => {
  it('walk-forward prints and writes exactly what its plan gives when run in-thread', async () => {
    const { ctx, output } = captureContext();
    const code = await runCli(['walk-forward', ...RUN, '--train', '1d', '--test', '12h', '--grid', 'fast=5,10;slow=30', '--objective', 'return',
      '--workers', '2', '--json', join(dir, 'wf.json')], ctx);
    expect(code).toBe(0);
    const local = await inThread('walk-forward', {
      strategy: 'sma-cross', symbols: 'BTC/USDT', timeframe: '1m', from: '2021-05-17', to: '2021-05-19T12:00:00Z', data: DATA,
      train: '1d', test: '12h', grid: 'fast=5,10;slow=30', objective: 'return', baseParams: {},
    });
    expect(output.out).toBe(local.text);
    expect(await readFile(join(dir, 'wf.json'), 'utf8')).toBe(`${JSON.stringify(local.report, null, 2)}\n`);
  }, 60_000);

  it('cost-sweep prints and writes exactly what its plan gives when run in-thread', async () => {
    const { ctx, output } = captureContext();
    expect(await runCli(['cost-sweep', ...RUN, '--levels', '10,0', '--workers', '2', '--json', join(dir, 'cs.json')], ctx)).toBe(0);
    const local = await inThread('cost-sweep', {
      strategy: 'sma-cross', symbols: 'BTC/USDT', timeframe: '1m', from: '2021-05-17', to: '2021-05-19T12:00:00Z', data: DATA, levels: '10,0',
    });
    expect(output.out).toBe(local.text);
    expect(await readFile(join(dir, 'cs.json'), 'utf8')).toBe(`${JSON.stringify(local.report, null, 2)}\n`);
    expect((local.report as { levels: { bps: number }[] }).levels.map((l) => l.bps)).toEqual([0, 10]);
  }, 60_000);
});
