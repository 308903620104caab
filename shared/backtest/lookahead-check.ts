import { closeTime, type Candle } from '../domain/candle.js';
import { getStrategy, type Strategy, type StrategyParams, type StrategySignal } from '../domain/strategy.js';

/** Candles per symbol, oldest first, as a run is given them. */
export type CandleSet = Readonly<Record<string, readonly Candle[]>>;

/**
 * Where the checker gets a strategy from, given the data of the run being checked. The default is the
 * global registry (getStrategy). Tests pass a factory to inject a strategy that reads the loaded data on
 * its own, the side channel through which a strategy can see past the window it is given.
 */
export type StrategySource = (name: string, data: CandleSet) => Strategy;

/** What to check: one strategy with its params over candles of the policy's symbols. */
export interface LookaheadInput {
  readonly strategy: string;
  readonly params: StrategyParams;
  readonly candles: CandleSet;
  /** How many truncated runs, cut at evenly spaced close times (default 5). */
  readonly cuts?: number;
  readonly strategies?: StrategySource;
}

/** A signal, or none, of one strategy at one candle close for one holding state. */
export interface SignalDiff {
  readonly symbol: string;
  /** Close time of the decision candle, epoch ms. */
  readonly time: number;
  readonly holding: boolean;
  /** The cut (last close time kept) of the truncated run that disagreed. */
  readonly cut: number;
  readonly full: StrategySignal | null;
  readonly truncated: StrategySignal | null;
}

/** The verdict: ok when every truncated run agrees with the full run on every shared decision. */
export interface LookaheadResult {
  readonly ok: boolean;
  readonly cuts: readonly number[];
  /** Decisions compared (symbol × close × holding state × cut). */
  readonly compared: number;
  readonly differences: readonly SignalDiff[];
}

/**
 * Runs the strategy's signal generation on the full data and on data truncated after each cut, candle by
 * candle as the engine does (at each close the closed candles so far, the last requiredCandles of them,
 * for holding false and true), and reports every decision in the shared part that differs.
 */
export function lookaheadCheck(input: LookaheadInput): LookaheadResult {
  const source = input.strategies ?? ((name: string) => getStrategy(name));
  const cuts = cutTimes(input.candles, input.cuts ?? 5);
  const full = signalsOf(source(input.strategy, input.candles), input.params, input.candles);
  const differences: SignalDiff[] = [];
  let compared = 0;
  for (const cut of cuts) {
    const data = truncate(input.candles, cut);
    const truncated = signalsOf(source(input.strategy, data), input.params, data);
    for (const [key, sig] of truncated) {
      compared += 1;
      const other = full.get(key) ?? null;
      if (!sameSignal(other, sig)) differences.push({ ...parseKey(key), cut, full: other, truncated: sig });
    }
  }
  return { ok: differences.length === 0, cuts, compared, differences };
}

/** Every decision of the strategy over the data, keyed by symbol, close time and holding state. */
function signalsOf(strategy: Strategy, params: StrategyParams, data: CandleSet): Map<string, StrategySignal | null> {
  const needed = strategy.requiredCandles(params);
  const out = new Map<string, StrategySignal | null>();
  for (const symbol of Object.keys(data).sort()) {
    const series = data[symbol]!;
    for (let k = needed - 1; k < series.length; k++) {
      const window = series.slice(k + 1 - needed, k + 1);
      const time = closeTime(series[k]!);
      for (const holding of [false, true]) {
        out.set(keyOf(symbol, time, holding), strategy.evaluate({ candles: window, holding, params }) ?? null);
      }
    }
  }
  return out;
}

/** `count` close times spread evenly over the run, excluding its last (the full run). */
function cutTimes(data: CandleSet, count: number): number[] {
  const all = [...new Set(Object.values(data).flatMap((s) => s.map(closeTime)))].sort((a, b) => a - b);
  if (all.length < 2 || count < 1) return [];
  const picks = new Set<number>();
  for (let i = 1; i <= count; i++) picks.add(all[Math.max(0, Math.floor((i * (all.length - 1)) / (count + 1)))]!);
  return [...picks].sort((a, b) => a - b);
}

/** The candles closed by `cut`. */
function truncate(data: CandleSet, cut: number): Record<string, Candle[]> {
  return Object.fromEntries(Object.entries(data).map(([s, series]) => [s, series.filter((c) => closeTime(c) <= cut)]));
}

function sameSignal(a: StrategySignal | null, b: StrategySignal | null): boolean {
  if (a === null || b === null) return a === b;
  return a.side === b.side && a.kind === b.kind && Object.is(a.score, b.score) && a.reason === b.reason;
}

function keyOf(symbol: string, time: number, holding: boolean): string {
  return `${symbol}|${time}|${holding ? 1 : 0}`;
}

function parseKey(key: string): { symbol: string; time: number; holding: boolean } {
  const [symbol, time, holding] = key.split('|');
  return { symbol: symbol!, time: Number(time), holding: holding === '1' };
}

/** One line per difference (capped), for the CLI. */
export function describeDifferences(result: LookaheadResult, iso: (t: number) => string, limit = 20): string {
  const show = (s: StrategySignal | null) => (s ? `${s.side} ${s.kind} (${s.reason})` : 'no signal');
  const lines = result.differences.slice(0, limit).map((d) =>
    `  ${d.symbol} ${iso(d.time)} holding=${d.holding} cut ${iso(d.cut)}: full run ${show(d.full)}, truncated run ${show(d.truncated)}`);
  const more = result.differences.length - lines.length;
  return `${lines.join('\n')}${more > 0 ? `\n  ... and ${more} more` : ''}\n`;
}
