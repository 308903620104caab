/**
 * Timed runs of the backtest engine (shared/backtest/engine.ts) for bench/backtest.ts: the policy built as
 * `stratus backtest` builds it, wall time, and memory (OS peak RSS plus heap sampled from the progress callback).
 */
import { paperMarkets } from '../../shared/adapters/paper-markets.js';
import { runBacktest } from '../../shared/backtest/engine.js';
import type { BacktestRun } from '../../shared/backtest/types.js';
import type { Candle } from '../../shared/domain/candle.js';
import { policyHash, validatePolicy, type Policy } from '../../shared/domain/policy.js';

const MIB = 1024 * 1024;
/** Steps between progress callbacks (each samples process.memoryUsage() and redraws the bar). */
const PROGRESS_EVERY = 100_000;

/**
 * The policy shared/cli/backtest-command.ts builds with no fee/slippage/seed overrides: the --policy document (none: the
 * default conservative policy) with the full risk chain, mode PAPER, the symbols, timeframe 1m, the one strategy (default params).
 */
export function benchPolicy(strategy: string, symbols: readonly string[], document: Record<string, unknown> = {}): { policy: Policy; hash: string } {
  const own = (document.strategies as { name?: string }[] | undefined)?.find((s) => s.name === strategy);
  const checked = validatePolicy({
    ...document, mode: 'PAPER', symbols: [...symbols], timeframe: '1m', paper: { ...(document.paper as object | undefined) },
    strategies: [{ params: {}, ...own, name: strategy, enabled: true }],
  });
  if (!checked.ok) throw new Error(`policy invalid: ${checked.problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
  return { policy: checked.policy, hash: policyHash(checked.policy) };
}

/** One timed engine run. */
export interface EngineSample {
  readonly seconds: number;
  /** CPU seconds (user + system, all threads incl. GC) the process spent during the run: less exposed to a busy machine than wall time. */
  readonly cpuSeconds: number;
  readonly run: BacktestRun;
  /** Highest heapUsed seen at the engine's progress callbacks (and before/after), bytes. */
  readonly heapPeak: number;
  /** Highest RSS seen likewise, bytes (the OS peak, process-wide, is maxRssMiB()). */
  readonly rssPeak: number;
}

/** Runs the engine once over the candles and times it; `onProgress` also drives the memory sampling. */
export function timedRun(
  strategy: string, symbols: readonly string[], candles: Readonly<Record<string, readonly Candle[]>>,
  document: Record<string, unknown> = {}, onProgress?: (done: number, total: number) => void,
): EngineSample {
  const { policy, hash } = benchPolicy(strategy, symbols, document);
  const markets = paperMarkets();
  (globalThis as { gc?: () => void }).gc?.();
  let heapPeak = 0;
  let rssPeak = 0;
  const sample = (): void => {
    const m = process.memoryUsage();
    if (m.heapUsed > heapPeak) heapPeak = m.heapUsed;
    if (m.rss > rssPeak) rssPeak = m.rss;
  };
  sample();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const run = runBacktest({
    policy, policyHash: hash, candles, markets, progressEvery: PROGRESS_EVERY,
    onProgress: (done, total) => { sample(); onProgress?.(done, total); },
  });
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  sample();
  return { seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, run, heapPeak, rssPeak };
}

/** Peak resident set size of this process since it started (getrusage ru_maxrss), MiB. */
export function maxRssMiB(): number {
  return process.resourceUsage().maxRSS / 1024;
}

/** Bytes as MiB with one decimal. */
export function mib(bytes: number): string {
  return (bytes / MIB).toFixed(1);
}

/** The median of a non-empty list. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Counts the engine reports about decisions: rejections by reason, unfilled orders, and intents/decisions when the engine provides them. */
export function decisionCounts(run: BacktestRun): string {
  const sum = (r: Readonly<Record<string, number>>) => Object.values(r).reduce((a, b) => a + b, 0);
  const extra = run as unknown as Record<string, unknown>;
  const optional = ['intents', 'decisions', 'approvals'].filter((k) => typeof extra[k] === 'number').map((k) => `${k} ${String(extra[k])}`);
  const top = Object.entries(run.rejections).sort((a, b) => b[1] - a[1]).slice(0, 3).map(([k, v]) => `${k} ${v}`).join(', ');
  return [...optional, `rejection codes ${sum(run.rejections)}${top ? ` (${top})` : ''}`, `unfilled ${sum(run.unfilled)}`].join(', ');
}
