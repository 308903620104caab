import { timeframeMs, type Candle, type Timeframe } from '../domain/candle.js';
import { effectiveStatus } from '../domain/kill-switch.js';
import { release, type Ledger } from '../domain/ledger.js';
import { markedEquity } from '../domain/valuation.js';
import type { MarketInfo } from '../domain/market.js';
import { dec, money, type Decimal } from '../domain/money.js';
import { signalScope, type SignalScope } from '../domain/signal-scope.js';
import { getStrategy, type SignalScreen } from '../domain/strategy.js';
import { decideAt, intentOf, signalsAt, type SignalGate } from './decisions.js';
import { capIntents } from '../domain/intent-cap.js';
import type { Intent } from '../domain/intent.js';
import { entryVerdict } from './rejection-screen.js';
import type { RiskGuard } from '../domain/risk/guard.js';
import { fillPending } from './fills.js';
import { lockEventAt } from './lock-events.js';
import { belowPeaks, equityOf, exitMaybe, ledgerView, lossTripNear, Upkeep, upkeepNeeded, type LedgerView } from './screens.js';
import { count, newSimState, SeriesPrefix, withPaperFees, type SimState } from './sim-state.js';
import type { BacktestInput, BacktestRun, EquityPoint } from './types.js';
import { raiseMarks, refreshLocks, upkeepAt } from './upkeep.js';
import { regimeRunOf } from './regime-gate.js';
import { heldCandles } from './stream-holds.js';
import { inCycleOrder, type StepSignal } from './cycle-order.js';

/** The chain decide() runs when the entry screen proved every guard passes. */
const NO_GUARDS: readonly RiskGuard[] = [];

/** The JSON equity curve holds at most this many exact (decimal) points; metrics read the per-step float curve. */
export const MAX_EQUITY_POINTS = 5_000;

/**
 * Runs the policy's strategies over the candles with the live domain core (strategies, risk chain, exits,
 * ledger, paper fill model) on in-memory state: no I/O, no clock but the candles'. All symbols advance on
 * one clock, step by step over the distinct candle close times. At each close T, for the symbols whose
 * candle closes at T: orders pending from an earlier close fill at that candle's open, the candle joins
 * what strategies may see, the portfolio is marked and upkept, then risk exits and strategies run and
 * their intents are judged; approved orders fill at the symbol's next candle's open. Deterministic.
 *
 * Speed: per candle the engine does float work only — the strategies' O(1) screens, the exit and upkeep
 * screens (screens.ts) and a float equity mark — and runs the decimal domain code wherever a screen says it
 * could act. `input.exact` runs the decimal code at every step instead (the reference the tests compare to).
 */
export function runBacktest(input: BacktestInput): BacktestRun {
  const { policy } = input;
  const exact = input.exact === true;
  const tf = policy.timeframe as Timeframe;
  const tfMs = timeframeMs(tf);
  // The backtest starts flat, so its scope is the policy's symbols; exits judge every held position (decisions.ts).
  const scope = signalScope(policy, []);
  const cap = policy.signals.maxIntentsPerCycle;
  const symbols = [...scope.symbols];
  const n = symbols.length;
  const series = symbols.map((s) => checkedSeries(input.candles[s] ?? [], s, tf));
  // A candle the stream's bad-tick guard holds is not stored at its close: the signal cycle skips its symbol there.
  const held = heldCandles(series);
  const isHeld = (i: number) => held[i]!.size > 0 && held[i]!.has(cursor[i]! - 1);
  const markets: MarketInfo[] = symbols.map((s) => withPaperFees(input.markets(s), policy));
  const index = new Map(symbols.map((s, i) => [s, i]));
  const totalSteps = countSteps(series);
  const first = nextClose(series, new Int32Array(n), tfMs);
  const state = newSimState(policy, symbols, Number.isFinite(first) ? first - tfMs : 0);
  const seen = symbols.map((s, i) => {
    const history = new SeriesPrefix(series[i]!);
    state.seen.set(s, history);
    return history;
  });
  const screens = symbols.map((s) => screensFor(s, input, scope));
  const cursor = new Int32Array(n);
  const price = new Float64Array(n).fill(Number.NaN);
  const slotOf = (symbol: string) => index.get(symbol) ?? -1;
  const curveTime = new Float64Array(totalSteps);
  const curveEquity = new Float64Array(totalSteps);
  const equity: EquityPoint[] = [];
  const sampleEvery = exact ? 1 : Math.max(1, Math.ceil(totalSteps / MAX_EQUITY_POINTS));
  const every = input.progressEvery ?? 10_000;
  const group = new Int32Array(n);
  const stepSignals: StepSignal<{ symbol: string; last: Candle; policy: typeof policy; policyHash: string }>[] = [];
  let view: LedgerView = ledgerView(state.ledger, slotOf);
  let lockAt = -Infinity;
  let lockInputs: readonly unknown[] = [];
  const sync = () => {
    if (view.ledger !== state.ledger) view = ledgerView(state.ledger, slotOf, view);
  };
  // The upkeep's trigger screen: no loss-limit or drawdown trip can fire on this ledger at the float equity.
  const noLossTrip = exact ? undefined : (ledger: Ledger, now: number): boolean => {
    if (view.ledger !== ledger) view = ledgerView(ledger, slotOf, view);
    return !lossTripNear(view, equityOf(view, price), policy, now);
  };
  const decimalMarks = (): Record<string, Decimal> => {
    const marks: Record<string, Decimal> = {};
    for (let k = 0; k < view.positions.length; k++) {
      const p = view.positions[k]!;
      const x = p.slot < 0 ? Number.NaN : price[p.slot]!;
      if (!Number.isNaN(x)) marks[p.symbol] = dec(x);
    }
    return marks;
  };

  for (let step = 0; step < totalSteps; step++) {
    const now = nextClose(series, cursor, tfMs);
    let g = 0;
    for (let i = 0; i < n; i++) {
      const c = series[i]![cursor[i]!];
      if (c !== undefined && c.openTime + tfMs === now) group[g++] = i;
    }
    const before = state.ledger;
    for (let k = 0; k < g; k++) {
      const i = group[k]!;
      const c = series[i]![cursor[i]!]!;
      if (state.pending.length) fillPending(state, c, markets[i]!, policy, input.policyHash, exact);
      seen[i]!.advance(c);
      const screened = screens[i]!;
      for (let j = 0; j < screened.length; j++) screened[j]!.screen?.push(c.close);
      cursor[i]! += 1;
    }
    for (let i = 0; i < n; i++) {
      const next = series[i]![cursor[i]!];
      if (next !== undefined && next.openTime === now) price[i] = next.open;
      else if (cursor[i]! > 0) price[i] = series[i]![cursor[i]! - 1]!.close;
    }
    sync();
    const tripped = effectiveStatus(state.killSwitch, now) === 'TRIPPED';
    let marks: Record<string, Decimal> | undefined;
    let need = exact || state.ledger !== before
      ? Upkeep.Full
      : flatAndCurrent(view, now, lockAt)
        ? Upkeep.None
        : upkeepNeeded({ view, equity: equityOf(view, price), prices: price, now, policy, tripped, lockEventAt: lockAt });
    // Only a lock event is due (same ledger, no trip near, same periods): the locks are refreshed, the rest screened as usual.
    let locksDue = false;
    if (need === Upkeep.Full && !exact && state.ledger === before && now >= lockAt) {
      const rest = upkeepNeeded({ view, equity: equityOf(view, price), prices: price, now, policy, tripped, lockEventAt: Infinity });
      if (rest !== Upkeep.Full) { need = rest; locksDue = true; }
    }
    if (need === Upkeep.Marks) {
      marks = decimalMarks();
      state.ledger = raiseMarks(state.ledger, marks, now, belowPeaks(view, equityOf(view, price)));
      sync();
    } else if (need === Upkeep.Full) {
      marks = decimalMarks();
      const locksCurrent = !exact && now < lockAt && state.ledger.trades === lockInputs[0] && state.ledger.locks === lockInputs[1];
      upkeepAt(state, marks, policy, now, exact ? {} : { noLossTrip, locksCurrent, screenLocks: true });
      sync();
    }
    if (locksDue) { refreshLocks(state, policy, now); sync(); }
    if (need === Upkeep.Full || locksDue) {
      const inputs = [state.ledger.trades, state.ledger.locks];
      if (lockAt <= now || inputs.some((x, j) => x !== lockInputs[j])) { lockAt = lockEventAt(state.ledger, policy, now); lockInputs = inputs; }
    }
    // signals.maxIntentsPerCycle: when the step could hold more signals than the cap, all are gathered first and capped as the signal function caps them.
    const survivors = cap < g * (policy.strategies.length + 1) ? cappedIds(group, g, (i) => {
      if (isHeld(i)) return [];
      const last = seen[i]!.at(-1)!;
      const gate = exact ? undefined : gateFor(view, i, last.close, now, policy.exits, screens[i]!);
      const s = { symbol: symbols[i]!, last, policy, policyHash: input.policyHash };
      return gate === null ? [] : signalsAt(state, s, gate, scope).map((x) => intentOf(x, s));
    }, cap) : undefined;
    stepSignals.length = 0;
    for (let k = 0; k < g; k++) {
      const i = group[k]!;
      if (isHeld(i)) continue;
      const last = seen[i]!.at(-1)!;
      const gate = exact ? undefined : gateFor(view, i, last.close, now, policy.exits, screens[i]!);
      if (gate === null) continue;
      const s = { symbol: symbols[i]!, last, policy, policyHash: input.policyHash };
      for (const x of signalsAt(state, s, gate, scope)) stepSignals.push({ slot: i, x, s });
    }
    if (stepSignals.length > 1) inCycleOrder(stepSignals, policy);
    for (let k = 0; k < stepSignals.length; k++) {
      const { slot: i, x, s } = stepSignals[k]!;
      const { symbol, last } = s;
      if (survivors && !survivors.has(intentOf(x, s).intentId)) continue;
      let codes: readonly string[] | undefined;
      if (!exact && x.signal.side === 'buy') {
        sync();
        codes = entryVerdict({
          policy, ledger: state.ledger, view, prices: price, symbol, strategy: x.strategy,
          killSwitch: effectiveStatus(state.killSwitch, now), now, price: price[i]!, lastClose: last.close, market: markets[i]!, locksFixedUntil: lockAt,
        });
        if (codes?.length) { for (const c of codes) count(state.rejections, c); continue; }
      }
      marks ??= decimalMarks();
      // codes = []: every guard certainly passes, so decide() sizes and builds the order without re-running them.
      decideAt(state, intentOf(x, s), { ...s, price: dec(price[i]!), marks, market: markets[i]! }, codes === undefined ? undefined : NO_GUARDS);
    }
    sync();
    const floatEquity = equityOf(view, price);
    curveTime[step] = now;
    curveEquity[step] = floatEquity;
    if (step % sampleEvery === sampleEvery - 1 || step === totalSteps - 1) {
      equity.push({ time: now, equity: money(markedEquity(state.ledger, marks ?? decimalMarks())) });
    }
    if (input.onProgress && (step + 1) % every === 0) input.onProgress(step + 1, totalSteps);
  }
  input.onProgress?.(totalSteps, totalSteps);
  const run = finish(state, { equity, curve: { time: curveTime, equity: curveEquity } }, series, tf, totalSteps);
  const regime = regimeRunOf(state, policy, symbols, series);
  return regime ? { ...run, regime } : run;
}

/** A strategy of the policy trading a symbol, with its screen when it has one and the engine may use it. */
interface ScreenedStrategy {
  readonly index: number;
  readonly screen: SignalScreen | undefined;
}

function screensFor(symbol: string, input: BacktestInput, scope: SignalScope): ScreenedStrategy[] {
  return scope.strategiesOn(symbol).map((index) => {
    const cfg = input.policy.strategies[index]!;
    return { index, screen: input.exact ? undefined : getStrategy(cfg.name).screen?.(cfg.params) };
  });
}

/** Intent ids that survive signals.maxIntentsPerCycle among the step's signals (capIntents, as the signal function). */
function cappedIds(group: Int32Array | readonly number[], g: number, signalsOf: (i: number) => Intent[], cap: number): ReadonlySet<string> {
  const all: Intent[] = [];
  for (let k = 0; k < g; k++) all.push(...signalsOf(group[k]!));
  return new Set(capIntents(all, cap).kept.map((i) => i.intentId));
}

const DAY_MS = 86_400_000;

/**
 * upkeepNeeded's first None, without building its input: no lock event due, the day and week marks those of
 * `now` (a mark's start is a period start, so start ≤ now < start + length), nothing held.
 */
function flatAndCurrent(view: LedgerView, now: number, lockAt: number): boolean {
  const { day, week } = view;
  return now < lockAt && view.positions.length === 0 && day !== undefined && week !== undefined
    && now >= day.start && now < day.start + DAY_MS && now >= week.start && now < week.start + 7 * DAY_MS;
}

/** The gate for intentsAt from the screens; null when neither a risk exit nor any strategy may signal. */
function gateFor(
  view: LedgerView, slot: number, close: number, now: number, exits: Parameters<typeof exitMaybe>[3], screened: readonly ScreenedStrategy[],
): SignalGate | null {
  let position: LedgerView['positions'][number] | undefined;
  for (let k = 0; k < view.positions.length; k++) if (view.positions[k]!.slot === slot) position = view.positions[k];
  const holding = position !== undefined;
  let open: number[] | undefined;
  for (let k = 0; k < screened.length; k++) {
    const s = screened[k]!;
    if (s.screen === undefined || s.screen.maybe(holding)) (open ??= []).push(s.index);
  }
  const exit = position !== undefined && exitMaybe(position, close, now, exits);
  if (!exit && open === undefined) return null;
  return new ScreenGate(exit, open);
}

/** A SignalGate over the strategies the screens left open (a class: no closure per candle). */
class ScreenGate implements SignalGate {
  constructor(readonly exit: boolean, private readonly open: readonly number[] | undefined) {}

  strategy(index: number): boolean {
    return this.open !== undefined && this.open.includes(index);
  }
}

/** The series of one symbol, checked: its symbol and timeframe, open times strictly ascending. */
function checkedSeries(candles: readonly Candle[], symbol: string, tf: Timeframe): readonly Candle[] {
  let prev = -Infinity;
  // Indexed, not for-of: this runs once per series and is never optimised, so an iterator would allocate per candle.
  for (let i = 0; i < candles.length; i++) {
    const c = candles[i]!;
    if (c.symbol !== symbol || c.timeframe !== tf) throw new RangeError(`candle ${c.symbol} ${c.timeframe} in the ${symbol} ${tf} series`);
    if (c.openTime <= prev) throw new RangeError(`${symbol}: candle open times must ascend (${c.openTime} after ${prev})`);
    prev = c.openTime;
  }
  return candles;
}

/** The earliest close time among the symbols' next candles (the shared clock's next tick); Infinity at the end. */
function nextClose(series: readonly (readonly Candle[])[], cursor: Int32Array, tfMs: number): number {
  let now = Infinity;
  for (let i = 0; i < series.length; i++) {
    const c = series[i]![cursor[i]!];
    if (c !== undefined && c.openTime + tfMs < now) now = c.openTime + tfMs;
  }
  return now;
}

/** Distinct open times across the series (= distinct close times, one timeframe): the number of steps. */
function countSteps(series: readonly (readonly Candle[])[]): number {
  if (series.length === 1) return series[0]!.length;
  const cursor = new Int32Array(series.length);
  let steps = 0;
  for (;;) {
    const t = nextClose(series, cursor, 0);
    if (t === Infinity) return steps;
    steps += 1;
    for (let i = 0; i < series.length; i++) if (series[i]![cursor[i]!]?.openTime === t) cursor[i]! += 1;
  }
}

/** Orders still pending when the data ends never fill; open positions are reported at their cost. */
function finish(state: SimState, out: Pick<BacktestRun, 'equity' | 'curve'>, series: readonly (readonly Candle[])[], tf: Timeframe, steps: number): BacktestRun {
  for (const p of state.pending.splice(0)) {
    count(state.unfilled, 'DATA_ENDED');
    state.ledger = release(state.ledger, p.order.orderId);
  }
  const openPositions = Object.values(state.ledger.positions)
    .sort((a, b) => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0))
    .map((p) => ({ symbol: p.symbol, entryTime: p.openedAt, quantity: money(p.quantity), costBasis: money(p.costBasis) }));
  return {
    trades: state.trades, equity: out.equity, curve: out.curve, rejections: sortedCounts(state.rejections), openPositions,
    startingCash: money(state.ledger.startingCash), finalEquity: out.equity.at(-1)?.equity ?? money(state.ledger.cash),
    unfilled: sortedCounts(state.unfilled), steps, killSwitch: killSwitchOf(state), candles: series.reduce((k, s) => k + s.length, 0), timeframe: tf,
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
