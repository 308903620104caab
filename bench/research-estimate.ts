/**
 * The `--on aws` estimate (shared/research/aws-estimate.ts) for a realistic plan: 10,000 jobs, each a backtest over a
 * year of 1h candles of one symbol — with the per-job seconds measured here, as `--on aws` measures its first job.
 *
 * How to run (from the repository root):
 *   npx tsx bench/research-estimate.ts [--jobs 10000] [--runs 15] [--data ../shared/data/market] [--memory 1024] [--concurrency 100]
 *
 * What it does: builds a year of 1m BTC/USDT candles from the recorded 1m files (bench/lib/bench-data.ts chainedSeries),
 * resamples them to 8,760 1h candles (shared/domain/resample.ts), writes them as binance_BTC-USDT_1h.csv.gz in a temp
 * folder, times --runs sma-cross jobs over the year with runSweepJob (the worker Lambda's code; different params each,
 * the first two as warm-up), and prints the estimate for --jobs such jobs at the research stack's settings
 * (lib/research-stack.ts: 1024 MB worker, MaxConcurrency 100) and at --concurrency 1000. Figures are printed, never asserted.
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { readFile } from 'node:fs/promises';
import { runSweepJob, type SweepJob } from '../shared/backtest/sweep-pool-job.js';
import { resampleRows, type CandleRow } from '../shared/domain/resample.js';
import { writeCandleRows } from '../shared/local/data-files.js';
import { estimateResearch, formatEstimate } from '../shared/research/aws-estimate.js';
import { chainedSeries, loadAll1m } from './lib/bench-data.js';
import { median } from './lib/engine-runs.js';

const REPO_ROOT = path.resolve(import.meta.dirname, '..');
const { values } = parseArgs({
  options: {
    jobs: { type: 'string', default: '10000' }, runs: { type: 'string', default: '15' },
    data: { type: 'string', default: path.resolve(REPO_ROOT, '../shared/data/market') },
    memory: { type: 'string', default: '1024' }, concurrency: { type: 'string', default: '100' },
  },
});

const all = await loadAll1m(values.data!);
const year = chainedSeries(all, 'BTC/USDT', 525_600).candles['BTC/USDT']!;
const rows: CandleRow[] = year.map((c) => ({
  openTime: c.openTime, open: String(c.open), high: String(c.high), low: String(c.low), close: String(c.close), volume: String(c.volume),
}));
const hourly = resampleRows(rows, '1m', '1h').rows;
const dir = await mkdtemp(path.join(os.tmpdir(), 'stratus-research-estimate-'));
try {
  const file = path.join(dir, 'binance_BTC-USDT_1h.csv.gz');
  await writeCandleRows(file, hourly);
  const from = new Date(hourly[0]!.openTime).toISOString();
  const to = new Date(hourly.at(-1)!.openTime + 3_600_000).toISOString();
  const seconds: number[] = [];
  const runs = Number(values.runs);
  for (let i = 0; i < runs + 2; i++) {
    const job: SweepJob = {
      label: `sma-cross fast=${5 + i} slow=${40 + 3 * i}`, params: { fast: 5 + i, slow: 40 + 3 * i },
      values: { strategy: 'sma-cross', symbols: 'BTC/USDT', timeframe: '1h', from, to, data: dir },
    };
    const t = performance.now();
    const result = await runSweepJob(job, (p) => readFile(p, 'utf8'));
    if (i >= 2) seconds.push((performance.now() - t) / 1000);
    if (i === 2) console.log(`one job: ${hourly.length} 1h candles (${from} .. ${to}), ${result.trades} trades`);
  }
  const jobSeconds = median(seconds);
  console.log(`measured: median ${jobSeconds.toFixed(4)} s per job over ${runs} jobs (runSweepJob: read + parse the file, backtest, metrics) on ${os.cpus()[0]?.model ?? 'this CPU'}; file ${(await stat(file)).size} bytes\n`);
  for (const concurrency of [Number(values.concurrency), 1000]) {
    console.log(formatEstimate(estimateResearch({
      jobs: Number(values.jobs), dataFiles: 1, missingFiles: 1, filesPerJob: 1, jobSeconds,
      workerMemoryMb: Number(values.memory), concurrency, childMode: 'STANDARD',
    })));
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
