import { roiEntry } from '../domain/exits.js';
import type { Ledger } from '../domain/ledger.js';
import { utcDayStart, utcWeekStart } from '../domain/periods.js';
import type { Policy } from '../domain/policy.js';
import { nextLockChange } from '../domain/protections.js';

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

/** Float copy of the ledger's cash, positions, peaks and periods; slotOf maps a symbol to its price index. */
export function ledgerView(ledger: Ledger, slotOf: (symbol: string) => number): LedgerView {
  const positions = Object.values(ledger.positions).map((p) => {
    const quantity = p.quantity.toNumber();
    const costBasis = p.costBasis.toNumber();
    return {
      symbol: p.symbol, slot: slotOf(p.symbol), quantity, costBasis, average: costBasis / quantity,
      highWaterMark: p.highWaterMark?.toNumber(), openedAt: p.openedAt,
    };
  });
  const period = (m: Ledger['day']) => (m ? { start: m.start, startEquity: m.startEquity.toNumber(), peakEquity: m.peakEquity.toNumber() } : undefined);
  return { ledger, cash: ledger.cash.toNumber(), positions, peakEquity: ledger.peakEquity.toNumber(), day: period(ledger.day), week: period(ledger.week) };
}

/** Float equity: cash + Σ quantity × price (a position without a price at its cost basis, as valuation does). */
export function equityOf(view: LedgerView, prices: Float64Array): number {
  let equity = view.cash;
  for (const p of view.positions) {
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
  const peak = Math.min(view.peakEquity, view.day.peakEquity, view.week.peakEquity);
  if (!(equity < peak - REL_TOLERANCE * Math.abs(peak))) return Upkeep.Marks;
  for (const p of view.positions) {
    const price = p.slot < 0 ? Number.NaN : s.prices[p.slot]!;
    if (!Number.isNaN(price) && (p.highWaterMark === undefined || price > p.highWaterMark)) return Upkeep.Marks;
  }
  return Upkeep.None;
}

/** A loss-limit or drawdown trigger of killSwitchTrigger within tolerance at the float equity. */
function tripNear(s: UpkeepScreenInput): boolean {
  const { view, equity } = s;
  const { basis, dailyStopPct, weeklyStopPct, maxDrawdownPct } = s.policy.lossLimits;
  const lossPct = (m: NonNullable<LedgerView['day']>) => {
    const ref = basis === 'start' ? m.startEquity : Math.max(m.peakEquity, equity);
    return ref > 0 ? ((equity - ref) / ref) * 100 : 0;
  };
  if (dailyStopPct !== null && view.day && lossPct(view.day) <= dailyStopPct + PCT_TOLERANCE) return true;
  if (weeklyStopPct !== null && view.week && lossPct(view.week) <= weeklyStopPct + PCT_TOLERANCE) return true;
  if (maxDrawdownPct === null) return false;
  const top = Math.max(view.peakEquity, equity);
  return (top > 0 ? ((top - equity) / top) * 100 : 0) >= maxDrawdownPct - PCT_TOLERANCE;
}

/**
 * The first time after `now` at which upkeepAt's deriveLocks / withLocks could change the stored locks with
 * no new trade (see nextLockChange); Infinity when there is none.
 */
export function lockEventAt(ledger: Ledger, policy: Policy, now: number): number {
  return nextLockChange(ledger.trades ?? [], ledger.locks ?? [], policy, now);
}
