/**
 * Backtest engine throughput (issues 6 and 12): candles per second of `sma-cross` and `momentum` with the
 * full risk chain, against a bare loop computing the same indicators over the same closes, and peak memory.
 *
 * How to run (from the repository root):
 *   npx tsx bench/backtest.ts [--quick] [--runs 3] [--case sma|sma-trading|momentum|all] [--set one|seven|all]
 *                             [--max-candles N] [--budget 60] [--data ../shared/data/market] [--policy file.json]
 * For a cleaner heap figure: NODE_OPTIONS=--expose-gc npx tsx bench/backtest.ts (a GC runs before each engine run).
 *
 * What it does:
 * 1. Loads the seven 1m files with the repository's loader (gunzip + CSV parse + row checks), timed on its own.
 * 2. Builds two data sets: ~525,600 1m candles of one symbol (the files chained on one continuous minute axis,
 *    each segment rescaled to start at the previous segment's last close; see bench/lib/bench-data.ts) and the
 *    seven symbols over their common period, advancing together.
 * 3. Warms the engine up on a 20k-candle slice of each set (repeated for 1 s, at most 40 runs), then per strategy and set runs shared/backtest/engine.ts
 *    runBacktest with the policy `stratus backtest` builds by default (mode PAPER, timeframe 1m, full risk chain)
 *    up to --runs times (1 with --quick; fewer when the next run would overrun --budget seconds) and prints the
 *    median; and times a bare loop over Float64Array closes computing the same indicators, for the engine's
 *    overhead per candle = (engine seconds − bare seconds) / candles.
 * 4. Cases: `sma` (sma-cross on the policy above), `sma-trading` (the same with killSwitch.maxConsecutiveLosses 0
 *    on top of --policy, so it keeps trading all year), `momentum`. Prints issue 12's goals for the one-symbol year
 *    (≥ 2,000,000, ≥ 1,500,000 and ≥ 1,000,000 candles/s) next to the wall-time and per-CPU-second figures, and
 *    whether they are met. Figures are printed, never asserted.
 */
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { progressBar } from '../shared/backtest/progress-bar.js';
import type { Candle } from '../shared/domain/candle.js';
import { getStrategy } from '../shared/domain/strategy.js';
import { bareMomentum, bareSmaCross, timeBare, type BareResult } from './lib/bare-loops.js';
import { chainedSeries, closesOf, commonPeriodSet, loadAll1m, type BenchSet } from './lib/bench-data.js';
import { decisionCounts, maxRssMiB, median, mib, timedRun } from './lib/engine-runs.js';

const REPO_ROOT = path.resolve(import.meta.dirname, '..');
const YEAR_OF_MINUTES = 525_600;
const WARMUP_CANDLES = 20_000;
/** Warm-up repeats the slice until this many seconds have passed (at most WARMUP_MAX_REPS runs), so a fast engine gets optimised too. */
const WARMUP_SECONDS = 1;
/** 40: the engine runs a 20k slice in ~15 ms now, so 5 runs warmed its fill and decision paths (~35 fills a slice) for under 0.1 s. */
const WARMUP_MAX_REPS = 40;
/** The policy override of the trading case: no consecutive-loss trip, so sma-cross keeps trading all year (issue 12). */
const TRADING_ALL_YEAR = { killSwitch: { maxConsecutiveLosses: 0 } };
/** Cases: strategy, bare loop, policy override (on top of --policy) and issue 12's goal in candles/s (one symbol, a year of 1m). */
const CASES = {
  sma: { strategy: 'sma-cross', bare: (c: Float64Array) => bareSmaCross(c), override: {}, goal: 2_000_000 },
  'sma-trading': { strategy: 'sma-cross', bare: (c: Float64Array) => bareSmaCross(c), override: TRADING_ALL_YEAR, goal: 1_500_000 },
  momentum: { strategy: 'momentum', bare: (c: Float64Array) => bareMomentum(c), override: {}, goal: 1_000_000 },
} as const;
type CaseKey = keyof typeof CASES;

interface Row { key: string; set: string; candles: number; rate: number; cpuRate: number; overheadNs: number; goal: number }

/** The --policy document with a case's override merged one level deep. */
function withOverride(base: Record<string, unknown>, override: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(override)) out[k] = { ...(base[k] as object | undefined), ...(v as object) };
  return out;
}

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** Signals of the domain strategy evaluated candle by candle (no risk chain), to check the bare loop computes the same thing. */
function strategySignals(name: string, candles: readonly Candle[]): BareResult {
  const strategy = getStrategy(name);
  const need = strategy.requiredCandles({});
  let holding = false;
  let entries = 0;
  let exits = 0;
  for (let i = need; i <= candles.length; i++) {
    const s = strategy.evaluate({ candles: candles.slice(i - need, i), holding, params: {} });
    if (s?.kind === 'entry') { holding = true; entries++; } else if (s?.kind === 'exit') { holding = false; exits++; }
  }
  return { entries, exits };
}

/** Engine runs of one strategy on one set (adaptive repeat count) plus the bare loop; prints a block, returns its row. */
function benchCase(key: CaseKey, set: BenchSet, runs: number, budget: number, base: Record<string, unknown>): Row {
  const { strategy, bare, goal } = CASES[key];
  const document = withOverride(base, CASES[key].override);
  console.log(`\n${key} (${strategy}${key === 'sma-trading' ? ', killSwitch.maxConsecutiveLosses 0' : ''}) · ${set.name} · ${fmt(set.total)} candles`);
  const seconds: number[] = [];
  const cpuSeconds: number[] = [];
  let last: ReturnType<typeof timedRun> | undefined;
  let spent = 0;
  for (let i = 0; i < runs; i++) {
    const bar = progressBar((t) => process.stderr.write(t), `  ${strategy} run ${i + 1}/${runs}`);
    last = timedRun(strategy, set.symbols, set.candles, document, bar.update);
    bar.end();
    seconds.push(last.seconds);
    cpuSeconds.push(last.cpuSeconds);
    spent += last.seconds;
    if (i + 1 < runs && spent + last.seconds > budget) break;
  }
  const engine = median(seconds);
  const run = last!.run;
  const cut = seconds.length < runs ? ` (stopped at ${seconds.length}: another run would pass the ${budget} s budget)` : '';
  console.log(`  engine    ${engine.toFixed(3)} s median of ${seconds.length} run(s)${cut} [${seconds.map((s) => s.toFixed(3)).join(', ')}]`);
  console.log(`            ${fmt(set.total / engine)} candles/s (per CPU-second: ${fmt(set.total / median(cpuSeconds))}), ${fmt(run.steps)} time steps (${fmt(run.steps / engine)} steps/s), ${fmt(run.candles)} candles seen by the engine`);
  console.log(`            trades ${run.trades.length}, open at end ${run.openPositions.length}, ${decisionCounts(run)}, kill switch ${run.killSwitch.status}${run.killSwitch.reason ? ` (${run.killSwitch.reason}${run.killSwitch.at === undefined ? '' : ` at ${new Date(run.killSwitch.at).toISOString().slice(0, 16)}`})` : ''}, final equity ${run.finalEquity}`);
  if (run.killSwitch.status !== 'ARMED') console.log('            note: once the kill switch trips, every entry is rejected at the kill-switch guard, so the rest of the run times that path');
  console.log(`  memory    peak RSS ${maxRssMiB().toFixed(1)} MiB (process since start, incl. loaded data); sampled during the last run: RSS ${mib(last!.rssPeak)} MiB, heap used ${mib(last!.heapPeak)} MiB`);
  const arrays = set.symbols.map((s) => closesOf(set.candles[s]!));
  const b = timeBare(arrays, bare);
  console.log(`  bare loop ${(b.seconds * 1000).toFixed(3)} ms, ${fmt(set.total / b.seconds / 1e6, 1)}M candles/s (same indicators over Float64Array closes; ${b.result.entries} entries / ${b.result.exits} exits without risk chain)`);
  const overheadNs = ((engine - b.seconds) / set.total) * 1e9;
  console.log(`  overhead  ${fmt(overheadNs, 1)} ns/candle = (engine − bare) / candles`);
  const rate = set.total / engine;
  if (set.symbols.length === 1) console.log(`  goal      ≥ ${fmt(goal)} candles/s (issue 12, one symbol): ${rate >= goal ? 'MET' : `NOT MET (${fmt(goal / rate, 2)}× short)`} on wall time; `
    + `${set.total / median(cpuSeconds) >= goal ? 'met' : 'not met'} per CPU-second`);
  return { key, set: set.name, candles: set.total, rate, cpuRate: set.total / median(cpuSeconds), overheadNs, goal };
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false }, runs: { type: 'string', default: '3' }, case: { type: 'string', default: 'all' },
      set: { type: 'string', default: 'all' }, 'max-candles': { type: 'string' }, budget: { type: 'string', default: '60' },
      data: { type: 'string', default: path.join(REPO_ROOT, '..', 'shared', 'data', 'market') }, policy: { type: 'string' },
    },
  });
  const cases: CaseKey[] = values.case === 'all' ? ['sma', 'sma-trading', 'momentum'] : [values.case as CaseKey];
  if (!cases.every((c) => c in CASES)) throw new Error(`--case must be sma, sma-trading, momentum or all, got ${values.case}`);
  if (!['one', 'seven', 'all'].includes(values.set!)) throw new Error(`--set must be one, seven or all, got ${values.set}`);
  const maxCandles = values['max-candles'] === undefined ? Infinity : Number(values['max-candles']);
  if (!(maxCandles >= 1000)) throw new Error(`--max-candles must be a number ≥ 1000, got ${values['max-candles']}`);
  const runs = values.quick ? 1 : Math.max(1, Math.floor(Number(values.runs)));
  const budget = Number(values.budget);
  if (!(budget > 0)) throw new Error(`--budget must be seconds > 0, got ${values.budget}`);
  const base = values.policy ? JSON.parse(await readFile(values.policy, 'utf8')) as Record<string, unknown> : {};

  const cpu = os.cpus();
  console.log(`backtest bench: node ${process.version}, ${cpu.length} × ${cpu[0]?.model ?? 'cpu'}, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} (shared machine: figures are noisy)`);
  console.log(`mode ${values.quick ? 'quick (1 run per case)' : `up to ${runs} runs per case, median`}; budget ${budget} s per case; cases ${cases.join(', ')}; policy ${values.policy ?? 'default (conservative), as `stratus backtest` without --policy'}; max candles ${maxCandles === Infinity ? 'none' : fmt(maxCandles)}`);

  let t0 = performance.now();
  const all = await loadAll1m(values.data!);
  const loadSeconds = (performance.now() - t0) / 1000;
  const loaded = Object.values(all).reduce((n, c) => n + c.length, 0);
  console.log(`\nloading (not in the engine figures): ${fmt(loaded)} candles from 7 gzip CSV files in ${loadSeconds.toFixed(2)} s `
    + `(${fmt(loaded / loadSeconds)} candles/s: gunzip + CSV parse + row checks, shared/cli/cli-args.ts loadCandles)`);
  t0 = performance.now();
  const sets: BenchSet[] = [];
  if (values.set !== 'seven') sets.push(chainedSeries(all, 'BTC/USDT', Math.min(YEAR_OF_MINUTES, maxCandles)));
  if (values.set !== 'one') sets.push(commonPeriodSet(all, Math.floor(maxCandles / 7)));
  console.log(`building the sets: ${((performance.now() - t0) / 1000).toFixed(2)} s`);
  for (const s of sets) console.log(`  ${s.name}: ${s.description}`);

  console.log(`\nwarm-up (JIT, not counted): up to ${fmt(WARMUP_CANDLES)} candles from the start of each set`);
  for (const set of sets) {
    const per = Math.ceil(WARMUP_CANDLES / set.symbols.length);
    const slice = Object.fromEntries(set.symbols.map((s) => [s, set.candles[s]!.slice(0, per)]));
    for (const key of cases) {
      const { strategy, bare } = CASES[key];
      const document = withOverride(base, CASES[key].override);
      let warmSeconds = 0;
      let reps = 0;
      while (reps < WARMUP_MAX_REPS && (reps === 0 || warmSeconds < WARMUP_SECONDS)) { warmSeconds += timedRun(strategy, set.symbols, slice, document).seconds; reps++; }
      const first = slice[set.symbols[0]!]!;
      const domain = strategySignals(strategy, first);
      const ours = bare(closesOf(first));
      const agree = domain.entries === ours.entries && domain.exits === ours.exits;
      console.log(`  ${strategy} · ${set.name}: ${reps} run(s), ${warmSeconds.toFixed(2)} s; bare loop vs the domain strategy's signals on ${fmt(first.length)} candles of ${set.symbols[0]}: `
        + `${ours.entries}/${ours.exits} vs ${domain.entries}/${domain.exits} entries/exits ${agree ? '(agree)' : '(DIFFER)'}`);
    }
  }

  const rows: Row[] = [];
  for (const set of sets) for (const key of cases) rows.push(benchCase(key, set, runs, budget, base));

  console.log('\nsummary (median wall time, one thread):');
  for (const r of rows) {
    const goal = r.set.endsWith('chained') ? `  goal ≥ ${fmt(r.goal)}/s: ${r.rate >= r.goal ? 'MET' : 'NOT MET'} (per CPU-s ${fmt(r.cpuRate)})` : `  (per CPU-s ${fmt(r.cpuRate)})`;
    console.log(`  ${r.key.padEnd(11)} ${r.set.padEnd(18)} ${fmt(r.candles).padStart(9)} candles ${fmt(r.rate).padStart(11)} candles/s ${fmt(r.overheadNs, 1).padStart(8)} ns/candle over the bare loop${goal}`);
  }
  console.log(`peak RSS of the whole run: ${maxRssMiB().toFixed(1)} MiB`);
  return 0;
}

process.exitCode = await main();
