import { roiEntry } from '../domain/exits.js';
import type { Ledger } from '../domain/ledger.js';
import { utcDayStart, utcWeekStart } from '../domain/periods.js';
import type { Policy } from '../domain/policy.js';

/**
 * The float64 screens of the backtest's hot path. Money stays decimal: every fill, reservation, limit check,
 * exit and trip is computed by the domain core in decimal.js. These screens only decide, per candle, whether
 * that decimal work could change anything; each is conservative (a tolerance far above float rounding), so
 * a "no" is certain and a "maybe" runs the exact code. The engine's `exact` mode bypasses every screen;
 * tests/unit/backtest/fast-path.test.ts checks both modes give identical results.
 */

/** Tolerance in percentage points for profit / loss / drawdown thresholds (float error is ~1e-13 pp). */
const PCT_TOLERANCE = 1e-6;
/** Relative tolerance for equity and price comparisons (float error is ~1e-15). */
const REL_TOLERANCE = 1e-9;
const MINUTE_MS = 60_000;

/** A held position as floats: what the exit screen and the equity mark read. */
export interface PositionView {
  readonly symbol: string;
  /** The symbol's index in the engine's price array. */
  readonly slot: number;
  readonly quantity: number;
  readonly costBasis: number;
  readonly average: number;
  readonly highWaterMark: number | undefined;
  readonly openedAt: number;
}

/** The ledger's numbers as floats, rebuilt whenever the engine's ledger object changes. */
export interface LedgerView {
  readonly ledger: Ledger;
  readonly cash: number;
  readonly positions: readonly PositionView[];
  readonly peakEquity: number;
  readonly day: { readonly start: number; readonly startEquity: number; readonly peakEquity: number } | undefined;
  readonly week: { readonly start: number; readonly startEquity: number; readonly peakEquity: number } | undefined;
}

/**
 * Float copy of the ledger's cash, positions, peaks and periods; slotOf maps a symbol to its price index. With
 * `previous` (the view of an earlier ledger), every part whose decimal object is unchanged is taken from it
 * instead of converted again (ledger updates are copy-on-write: an untouched field keeps its object).
 */
export function ledgerView(ledger: Ledger, slotOf: (symbol: string) => number, previous?: LedgerView): LedgerView {
  const before = previous?.ledger;
  return {
    ledger,
    cash: before !== undefined && before.cash === ledger.cash ? previous!.cash : ledger.cash.toNumber(),
    positions: before !== undefined && before.positions === ledger.positions ? previous!.positions : positionViews(ledger, slotOf, previous),
    peakEquity: before !== undefined && before.peakEquity === ledger.peakEquity ? previous!.peakEquity : ledger.peakEquity.toNumber(),
    day: before !== undefined && before.day === ledger.day ? previous!.day : periodView(ledger.day),
    week: before !== undefined && before.week === ledger.week ? previous!.week : periodView(ledger.week),
  };
}

/** The float views of the ledger's positions, each one's taken from `previous` when its Position object is the same. */
function positionViews(ledger: Ledger, slotOf: (symbol: string) => number, previous: LedgerView | undefined): PositionView[] {
  const out: PositionView[] = [];
  for (const symbol in ledger.positions) {
    const p = ledger.positions[symbol]!;
    const was = previous?.ledger.positions[symbol];
    const old = was === undefined ? undefined : previous!.positions.find((v) => v.symbol === symbol);
    if (old !== undefined && was === p) { out.push(old); continue; }
    // A new high-water mark alone (the usual change) keeps the quantity and cost objects: their floats are reused.
    const same = old !== undefined && was!.quantity === p.quantity && was!.costBasis === p.costBasis;
    const quantity = same ? old.quantity : p.quantity.toNumber();
    const costBasis = same ? old.costBasis : p.costBasis.toNumber();
    out.push({
      symbol: p.symbol, slot: slotOf(p.symbol), quantity, costBasis, average: same ? old.average : costBasis / quantity,
      highWaterMark: was?.highWaterMark === p.highWaterMark && old !== undefined ? old.highWaterMark : p.highWaterMark?.toNumber(), openedAt: p.openedAt,
    });
  }
  return out;
}

function periodView(m: Ledger['day']): LedgerView['day'] {
  return m ? { start: m.start, startEquity: m.startEquity.toNumber(), peakEquity: m.peakEquity.toNumber() } : undefined;
}

/** Float equity: cash + Σ quantity × price (a position without a price at its cost basis, as valuation does). */
export function equityOf(view: LedgerView, prices: Float64Array): number {
  let equity = view.cash;
  for (let k = 0; k < view.positions.length; k++) {
    const p = view.positions[k]!;
    const price = p.slot < 0 ? Number.NaN : prices[p.slot]!;
    equity += Number.isNaN(price) ? p.costBasis : p.quantity * price;
  }
  return equity;
}

/**
 * False only when exitSignal(position, price, now, policy) is certainly undefined: profit clear of the stop,
 * take-profit and ROI levels, price clear of the trailing stop, not yet at the time stop.
 */
export function exitMaybe(p: PositionView, price: number, now: number, exits: Policy['exits']): boolean {
  if (!(p.quantity > 0 && price > 0 && p.average > 0 && Number.isFinite(p.average))) return true;
  const profit = ((price - p.average) / p.average) * 100;
  if (exits.stopLossPct !== null && profit <= exits.stopLossPct + PCT_TOLERANCE) return true;
  if (exits.trailingStop.enabled) {
    const hwm = Math.max(p.highWaterMark ?? p.average, price);
    const peakPct = ((hwm - p.average) / p.average) * 100;
    const stop = (hwm * (100 - exits.trailingStop.trailPct)) / 100;
    if (peakPct >= exits.trailingStop.activationPct - PCT_TOLERANCE && price <= stop * (1 + REL_TOLERANCE)) return true;
  }
  if (exits.takeProfitPct !== null && profit >= exits.takeProfitPct - PCT_TOLERANCE) return true;
  const held = Math.floor((now - p.openedAt) / MINUTE_MS);
  const roi = exits.roi.length ? roiEntry(exits.roi, held) : undefined;
  if (roi && profit >= roi.pct - PCT_TOLERANCE) return true;
  return exits.timeStopMinutes > 0 && held >= exits.timeStopMinutes;
}

/** What the upkeep screen needs beyond the ledger view. */
export interface UpkeepScreenInput {
  readonly view: LedgerView;
  readonly equity: number;
  /** Price per symbol slot (NaN: none yet). */
  readonly prices: Float64Array;
  readonly now: number;
  readonly policy: Policy;
  /** The kill switch is TRIPPED now (no trigger is evaluated). */
  readonly tripped: boolean;
  /** Earliest time a protection lock can appear or expire (from lockEventAt). */
  readonly lockEventAt: number;
}

/** What upkeepAt could do this step: nothing, only raise marks (peaks and high-water marks), or anything (run it). */
export const enum Upkeep { None = 0, Marks = 1, Full = 2 }

/**
 * What upkeepAt (the metrics cycle) could change at this step. Full — run it — on a new UTC day or week, a
 * lock event due, or a loss-limit / drawdown trigger within tolerance. Otherwise no lock can appear or
 * expire and no trip can fire, so upkeepAt could at most raise the period and all-time equity peaks and the
 * high-water marks: Marks when equity is within tolerance of a peak or a price is above a position's
 * high-water mark, else None (equity certainly below every peak, no new high).
 */
export function upkeepNeeded(s: UpkeepScreenInput): Upkeep {
  const { view, equity, now } = s;
  if (now >= s.lockEventAt) return Upkeep.Full;
  if (!view.day || view.day.start !== utcDayStart(now) || !view.week || view.week.start !== utcWeekStart(now)) return Upkeep.Full;
  if (view.positions.length === 0) return Upkeep.None;
  if (!s.tripped && tripNear(s)) return Upkeep.Full;
  if (!belowPeaks(view, equity)) return Upkeep.Marks;
  for (let k = 0; k < view.positions.length; k++) {
    const p = view.positions[k]!;
    const price = p.slot < 0 ? Number.NaN : s.prices[p.slot]!;
    if (!Number.isNaN(price) && (p.highWaterMark === undefined || price > p.highWaterMark)) return Upkeep.Marks;
  }
  return Upkeep.None;
}

/**
 * Float `equity` certainly below the all-time, day and week peak equity of `view` (by REL_TOLERANCE): then
 * rollPeriods and withPeak leave a ledger whose period marks are current as it is.
 */
export function belowPeaks(view: LedgerView, equity: number): boolean {
  if (!view.day || !view.week) return false;
  const peak = Math.min(view.peakEquity, view.day.peakEquity, view.week.peakEquity);
  return equity < peak - REL_TOLERANCE * Math.abs(peak);
}

/** A loss-limit or drawdown trigger of killSwitchTrigger within tolerance at the float equity. */
function tripNear(s: UpkeepScreenInput): boolean {
  return lossTripNear(s.view, s.equity, s.policy, s.now);
}

/**
 * Whether a daily / weekly loss-limit or the drawdown trigger of killSwitchTrigger could fire at float `equity`
 * on the ledger of `view` at `now` (within PCT_TOLERANCE); false means none of the three certainly fires. A
 * period mark missing or not of `now`'s day / week counts as near (the trigger would roll it first).
 */
export function lossTripNear(view: LedgerView, equity: number, policy: Policy, now: number): boolean {
  const { basis, dailyStopPct, weeklyStopPct, maxDrawdownPct } = policy.lossLimits;
  const { day, week } = view;
  if (dailyStopPct !== null && (!day || day.start !== utcDayStart(now) || lossPct(day, equity, basis) <= dailyStopPct + PCT_TOLERANCE)) return true;
  if (weeklyStopPct !== null && (!week || week.start !== utcWeekStart(now) || lossPct(week, equity, basis) <= weeklyStopPct + PCT_TOLERANCE)) return true;
  if (maxDrawdownPct === null) return false;
  const top = Math.max(view.peakEquity, equity);
  return (top > 0 ? ((top - equity) / top) * 100 : 0) >= maxDrawdownPct - PCT_TOLERANCE;
}

/** periodLossPct in floats. */
function lossPct(m: NonNullable<LedgerView['day']>, equity: number, basis: 'start' | 'peak'): number {
  const ref = basis === 'start' ? m.startEquity : Math.max(m.peakEquity, equity);
  return ref > 0 ? ((equity - ref) / ref) * 100 : 0;
}
