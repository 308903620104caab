import { closeTime, timeframeMs, type Candle, type Timeframe } from '../domain/candle.js';
import type { MarketInfo } from '../domain/market.js';
import { dec, money, type Decimal } from '../domain/money.js';
import { release, valuation } from '../domain/ledger.js';
import { decideAt, intentsAt } from './decisions.js';
import { fillPending } from './fills.js';
import { count, newSimState, withPaperFees, type SimState } from './sim-state.js';
import type { BacktestInput, BacktestRun, EquityPoint } from './types.js';
import { upkeepAt } from './upkeep.js';

/**
 * Runs the policy's strategies over the candles with the live domain core (strategies, risk chain, exits,
 * ledger, paper fill model) on in-memory state: no I/O, no clock but the candles'. All symbols advance on
 * one clock, step by step over the distinct candle close times. At each close T, for the symbols whose
 * candle closes at T: orders pending from an earlier close fill at that candle's open, the candle joins
 * what strategies may see, the portfolio is marked and upkept, then risk exits and strategies run and
 * their intents are judged; approved orders fill at the symbol's next candle's open. Deterministic.
 */
export function runBacktest(input: BacktestInput): BacktestRun {
  const { policy } = input;
  const tf = policy.timeframe as Timeframe;
  const symbols = [...policy.symbols];
  const series = symbols.map((s) => checkedSeries(input.candles[s] ?? [], s, tf));
  const markets = new Map<string, MarketInfo>(symbols.map((s) => [s, withPaperFees(input.markets(s), policy)]));
  const times = closeTimes(series);
  const state = newSimState(policy, symbols, times[0] === undefined ? 0 : times[0] - timeframeMs(tf));
  const cursor = symbols.map(() => 0);
  const equity: EquityPoint[] = [];
  const every = input.progressEvery ?? 10_000;
  for (let step = 0; step < times.length; step++) {
    const now = times[step]!;
    const group: number[] = [];
    for (let i = 0; i < symbols.length; i++) {
      const c = series[i]![cursor[i]!];
      if (c && closeTime(c) === now) group.push(i);
    }
    for (const i of group) {
      const c = series[i]![cursor[i]!]!;
      fillPending(state, c, markets.get(c.symbol)!, policy, input.policyHash);
      state.seen.get(c.symbol)!.push(c);
      cursor[i]! += 1;
    }
    const prices = pricesAt(symbols, series, cursor, state, now);
    const marks = marksOf(state, prices);
    upkeepAt(state, marks, policy, now);
    for (const i of group) {
      const symbol = symbols[i]!;
      const last = series[i]![cursor[i]! - 1]!;
      const step = { symbol, last, policy, policyHash: input.policyHash };
      for (const intent of intentsAt(state, step)) {
        decideAt(state, intent, { ...step, price: prices.get(symbol)!, marks, market: markets.get(symbol)! });
      }
    }
    equity.push({ time: now, equity: money(valuation(state.ledger, marks).equity) });
    if (input.onProgress && (step + 1) % every === 0) input.onProgress(step + 1, times.length);
  }
  input.onProgress?.(times.length, times.length);
  return finish(state, equity, series, tf, times.length);
}

/** The series of one symbol, checked: its symbol and timeframe, open times strictly ascending. */
function checkedSeries(candles: readonly Candle[], symbol: string, tf: Timeframe): readonly Candle[] {
  let prev = -Infinity;
  for (const c of candles) {
    if (c.symbol !== symbol || c.timeframe !== tf) throw new RangeError(`candle ${c.symbol} ${c.timeframe} in the ${symbol} ${tf} series`);
    if (c.openTime <= prev) throw new RangeError(`${symbol}: candle open times must ascend (${c.openTime} after ${prev})`);
    prev = c.openTime;
  }
  return candles;
}

/** Distinct close times of every series, ascending: the shared clock. */
function closeTimes(series: readonly (readonly Candle[])[]): number[] {
  const all = new Set<number>();
  for (const s of series) for (const c of s) all.add(closeTime(c));
  return [...all].sort((a, b) => a - b);
}

/**
 * The price of each symbol at `now` (book bid = ask): the open of its next candle when that candle opens
 * at `now` (the first trade after the close), else its last close; symbols with no candle yet are absent.
 */
function pricesAt(symbols: readonly string[], series: readonly (readonly Candle[])[], cursor: readonly number[], state: SimState, now: number): Map<string, Decimal> {
  const prices = new Map<string, Decimal>();
  symbols.forEach((symbol, i) => {
    const next = series[i]![cursor[i]!];
    const last = state.seen.get(symbol)!.at(-1);
    if (next && next.openTime === now) prices.set(symbol, dec(next.open));
    else if (last) prices.set(symbol, dec(last.close));
  });
  return prices;
}

/** Marks for the held positions (decide-intent marks held symbols at the book's bid). */
function marksOf(state: SimState, prices: ReadonlyMap<string, Decimal>): Record<string, Decimal> {
  const marks: Record<string, Decimal> = {};
  for (const symbol of Object.keys(state.ledger.positions)) {
    const p = prices.get(symbol);
    if (p) marks[symbol] = p;
  }
  return marks;
}

/** Orders still pending when the data ends never fill; open positions are reported at their cost. */
function finish(state: SimState, equity: EquityPoint[], series: readonly (readonly Candle[])[], tf: Timeframe, steps: number): BacktestRun {
  for (const p of state.pending.splice(0)) {
    count(state.unfilled, 'DATA_ENDED');
    state.ledger = release(state.ledger, p.order.orderId);
  }
  const openPositions = Object.values(state.ledger.positions)
    .sort((a, b) => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0))
    .map((p) => ({ symbol: p.symbol, entryTime: p.openedAt, quantity: money(p.quantity), costBasis: money(p.costBasis) }));
  return {
    trades: state.trades, equity, rejections: sortedCounts(state.rejections), openPositions,
    startingCash: money(state.ledger.startingCash), finalEquity: equity.at(-1)?.equity ?? money(state.ledger.cash),
    unfilled: sortedCounts(state.unfilled), steps, killSwitch: killSwitchOf(state), candles: series.reduce((n, s) => n + s.length, 0), timeframe: tf,
  };
}

function killSwitchOf(state: SimState): BacktestRun['killSwitch'] {
  const ks = state.killSwitch;
  if (!ks) return { status: 'ARMED' };
  return { status: ks.status, ...(ks.changedAt === undefined ? {} : { at: ks.changedAt }), ...(ks.reason === undefined ? {} : { reason: ks.reason }) };
}

/** Counts with keys in code-point order, so the JSON is byte-identical run to run. */
function sortedCounts(counts: Readonly<Record<string, number>>): Record<string, number> {
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
