import { describe, expect, it } from 'vitest';
import { belowPeaks, equityOf, ledgerView, lossTripNear, type LedgerView } from '../../../shared/backtest/screens.js';
import { raiseMarks } from '../../../shared/backtest/upkeep.js';
import { SeriesPrefix } from '../../../shared/backtest/sim-state.js';
import type { Candle } from '../../../shared/domain/candle.js';
import { withHighWaterMarks } from '../../../shared/domain/exits.js';
import { killSwitchTrigger } from '../../../shared/domain/kill-switch-triggers.js';
import { applyFill, newLedger, release, reserve, valuation, withPeak, type Ledger } from '../../../shared/domain/ledger.js';
import { dec } from '../../../shared/domain/money.js';
import type { Fill } from '../../../shared/domain/order.js';
import { rollPeriods } from '../../../shared/domain/periods.js';
import { validatePolicy, type Policy } from '../../../shared/domain/policy.js';

// The engine keeps float views of its ledger up to date from the previous view, and screens the kill switch's
// loss and drawdown triggers in floats. Both are checked against the plain computation on random ledger walks.

const SYMBOLS = ['BTC/USDT', 'ETH/USDT', 'SOL/USDT'];
const T0 = Date.UTC(2024, 2, 4, 10);
const MIN = 60_000;
const slotOf = (s: string) => SYMBOLS.indexOf(s);

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => { s = (s * 1664525 + 1013904223) >>> 0; return s / 2 ** 32; };
}

function policyOf(lossLimits: Record<string, unknown>): Policy {
  const out = validatePolicy({ mode: 'PAPER', timeframe: '1m', symbols: SYMBOLS, strategies: [{ name: 'sma-cross', params: {} }], lossLimits });
  if (!out.ok) throw new Error(JSON.stringify(out.problems));
  return out.policy;
}

const fillOf = (symbol: string, side: 'buy' | 'sell', quantity: string, price: number, at: number, id: string): Fill => ({
  tradeId: `${id}-1`, orderId: id, clientOrderId: id, symbol, side, quantity, price: price.toFixed(2), fee: '0.05', feeCurrency: 'USDT',
  liquidity: 'taker', time: at, policyHash: 'h', strategy: 'sma-cross', ...(side === 'sell' ? { exitReason: 'signal' } : {}),
});

/** A random walk of ledgers through the operations the engine applies, each with the marks it was made at. */
function walk(seed: number, steps: number): { ledger: Ledger; marks: Record<string, ReturnType<typeof dec>>; prices: Float64Array; now: number }[] {
  const r = rng(seed);
  let ledger = newLedger('10000', T0);
  const prices = new Float64Array([60_000, 3_000, 150]);
  const out = [];
  for (let k = 0; k < steps; k++) {
    const now = T0 + k * 37 * MIN;
    for (let i = 0; i < prices.length; i++) prices[i] = Math.round(prices[i]! * (1 + (r() - 0.5) * 0.02) * 100) / 100;
    // Marks as the engine makes them: the Decimal of the float price the equity is computed from.
    const marks = Object.fromEntries(SYMBOLS.map((s, i) => [s, dec(prices[i]! / 100)]));
    const i = Math.floor(r() * SYMBOLS.length);
    const symbol = SYMBOLS[i]!;
    const op = r();
    const held = ledger.positions[symbol];
    if (op < 0.25) ledger = reserve(ledger, { orderId: `o${k}`, symbol, side: 'buy', notional: dec(100), createdAt: now, kind: 'entry' });
    else if (op < 0.35) ledger = release(ledger, Object.keys(ledger.reservations)[0] ?? 'none', now);
    else if (op < 0.55) ledger = applyFill(ledger, fillOf(symbol, 'buy', (0.01 + r()).toFixed(2), prices[i]! / 100, now, `b${k}`), symbol.split('/')[0]!, 'USDT').ledger;
    else if (op < 0.7 && held) ledger = applyFill(ledger, fillOf(symbol, 'sell', held.quantity.toFixed(), prices[i]! / 100, now, `s${k}`), symbol.split('/')[0]!, 'USDT').ledger;
    else {
      const equity = valuation(ledger, marks).equity;
      ledger = withHighWaterMarks(withPeak(rollPeriods(ledger, equity, now), equity, now), marks, now);
    }
    out.push({ ledger, marks, prices: Float64Array.from(prices, (p) => p / 100), now });
  }
  return out;
}

describe('ledgerView from the previous view', () => {
  it('is the view built from scratch, after every kind of ledger update', () => {
    for (let seed = 1; seed <= 40; seed++) {
      let view: LedgerView | undefined;
      for (const { ledger } of walk(seed, 60)) {
        view = ledgerView(ledger, slotOf, view);
        expect(view).toEqual(ledgerView(ledger, slotOf));
      }
    }
  });
});

describe('ledgerView from the previous view, on hand-made position changes', () => {
  it('converts again whatever decimal changed: the quantity alone, the cost alone, the high-water mark alone', () => {
    let ledger = applyFill(newLedger('10000', T0), fillOf('BTC/USDT', 'buy', '0.5', 100, T0, 'b1'), 'BTC', 'USDT').ledger;
    ledger = withHighWaterMarks(ledger, { 'BTC/USDT': dec(101) }, T0);
    const p = ledger.positions['BTC/USDT']!;
    const view = ledgerView(ledger, slotOf);
    for (const changed of [{ ...p, quantity: p.quantity.add(1) }, { ...p, costBasis: p.costBasis.add(1) }, { ...p, highWaterMark: dec(105) }, { ...p }]) {
      const next: Ledger = { ...ledger, positions: { 'BTC/USDT': changed } };
      expect(ledgerView(next, slotOf, view)).toEqual(ledgerView(next, slotOf));
    }
  });
});

describe('raiseMarks behind the belowPeaks screen', () => {
  it('gives the ledger the full marks step gives, at every step of random walks (equity above, at and below the peaks)', () => {
    let screened = 0;
    let raised = 0;
    for (let seed = 1; seed <= 60; seed++) {
      for (const { ledger, marks, prices, now } of walk(seed * 13, 60)) {
        const current = rollPeriods(ledger, valuation(ledger, marks).equity, now - 1);
        if (current.day?.start !== rollPeriods(current, dec(0), now).day?.start || current.week?.start !== rollPeriods(current, dec(0), now).week?.start) continue;
        const view = ledgerView(current, slotOf);
        const below = belowPeaks(view, equityOf(view, prices));
        const full = raiseMarks(current, marks, now, false);
        expect(raiseMarks(current, marks, now, below)).toEqual(full);
        if (below) screened++;
        if (full.peakEquity !== current.peakEquity || full.day !== current.day) raised++;
      }
    }
    expect(screened).toBeGreaterThan(300);
    expect(raised).toBeGreaterThan(300);
  });

  it('sees equity above any one of the three peaks (all-time, day, week) as a peak that may rise', () => {
    let ledger = applyFill(newLedger('10000', T0), fillOf('BTC/USDT', 'buy', '1', 600, T0, 'b1'), 'BTC', 'USDT').ledger;
    const marks = { 'BTC/USDT': dec(610) };
    const equity = valuation(ledger, marks).equity;
    ledger = rollPeriods(ledger, equity, T0);
    const prices = new Float64Array([610, Number.NaN, Number.NaN]);
    for (const low of ['all', 'day', 'week'] as const) {
      const peak = (which: string) => (which === low ? equity.sub(1) : equity.add(100));
      const l: Ledger = { ...ledger, peakEquity: peak('all'), day: { ...ledger.day!, peakEquity: peak('day') }, week: { ...ledger.week!, peakEquity: peak('week') } };
      const view = ledgerView(l, slotOf);
      expect(belowPeaks(view, equityOf(view, prices))).toBe(false);
      expect(raiseMarks(l, marks, T0, false)).not.toEqual(raiseMarks(l, marks, T0, true));
    }
  });
});

describe('lossTripNear', () => {
  const POLICIES = [
    policyOf({}), policyOf({ basis: 'start', dailyStopPct: -0.2, weeklyStopPct: -0.4, maxDrawdownPct: 0.6 }),
    policyOf({ dailyStopPct: -0.05, weeklyStopPct: null, maxDrawdownPct: 0.3 }), policyOf({ basis: 'start', dailyStopPct: -0.01, weeklyStopPct: null, maxDrawdownPct: null }),
  ];

  it('says no only when killSwitchTrigger certainly fires none of the daily, weekly and drawdown triggers', () => {
    let quiet = 0;
    let trips = 0;
    for (const policy of POLICIES) {
      for (let seed = 1; seed <= 40; seed++) {
        for (const { ledger, marks, prices, now } of walk(seed * 7, 60)) {
          const rolled = rollPeriods(ledger, valuation(ledger, marks).equity, now);
          const v = valuation(rolled, marks);
          const trip = killSwitchTrigger({ ledger: rolled, equity: v.equity, drawdownPct: v.drawdownPct, policy, now });
          const lossTrip = trip !== undefined && trip.code !== 'CONSECUTIVE_LOSSES' && trip.code !== 'ERROR_BURST';
          const view = ledgerView(rolled, slotOf);
          const near = lossTripNear(view, equityOf(view, prices), policy, now);
          if (lossTrip) { trips++; expect(near).toBe(true); }
          if (!near) quiet++;
        }
      }
    }
    expect(trips).toBeGreaterThan(50);
    expect(quiet).toBeGreaterThan(1000);
  });

  it('says near at equities exactly on each limit (where float rounding falls either side)', () => {
    const policy = policyOf({ basis: 'start', dailyStopPct: -3, weeklyStopPct: -7, maxDrawdownPct: 10 });
    let checked = 0;
    for (let k = 1; k <= 300; k++) {
      const start = dec(1000 + k * 13.37);
      for (const [field, pct] of [['day', -3], ['week', -7], ['peak', -10]] as const) {
        const equity = start.mul(dec(100).add(pct)).div(100);
        const base = rollPeriods(newLedger(start, T0), start, T0);
        // Only the limit under test is reached: the other period marks start at the equity, the peak too, unless it is the drawdown case.
        const ledger: Ledger = field === 'peak'
          ? { ...base, cash: equity, day: { ...base.day!, startEquity: equity }, week: { ...base.week!, startEquity: equity } }
          : { ...base, cash: equity, peakEquity: equity, [field === 'day' ? 'week' : 'day']: { ...base[field === 'day' ? 'week' : 'day']!, startEquity: equity, peakEquity: equity } };
        const v = valuation(ledger, {});
        const trip = killSwitchTrigger({ ledger, equity: v.equity, drawdownPct: v.drawdownPct, policy, now: T0 });
        expect(trip?.code).toBe(field === 'day' ? 'DAILY_LOSS_LIMIT' : field === 'week' ? 'WEEKLY_LOSS_LIMIT' : 'MAX_DRAWDOWN');
        const view = ledgerView(ledger, slotOf);
        expect(lossTripNear(view, equityOf(view, new Float64Array(3)), policy, T0)).toBe(true);
        checked++;
      }
    }
    expect(checked).toBe(900);
  });

  it('counts a period mark that is missing or from an earlier day or week as near', () => {
    const policy = POLICIES[0]!;
    const ledger = newLedger('10000', T0);
    const view = ledgerView(ledger, slotOf);
    expect(lossTripNear(view, 10_000, policy, T0)).toBe(true);
    const rolled = ledgerView(rollPeriods(ledger, dec(10_000), T0), slotOf);
    expect(lossTripNear(rolled, 10_000, policy, T0)).toBe(false);
    expect(lossTripNear(rolled, 10_000, policy, T0 + 86_400_000)).toBe(true);
  });
});

describe('SeriesPrefix', () => {
  const series: Candle[] = Array.from({ length: 12 }, (_, i) => ({
    symbol: 'BTC/USDT', timeframe: '1m', openTime: i * MIN, open: i, high: i, low: i, close: i, volume: i,
  }));

  it('reads as the array of the candles taken so far: length, at and slice with any bounds', () => {
    const history = new SeriesPrefix(series);
    const bounds = [undefined, -20, -13, -12, -5, -1, 0, 1, 3, 11, 12, 30];
    for (let n = 0; n <= series.length; n++) {
      const prefix = series.slice(0, n);
      expect(history.length).toBe(n);
      for (const i of bounds) if (i !== undefined) expect(history.at(i)).toBe(prefix.at(i));
      for (const a of bounds) for (const b of bounds) expect(history.slice(a, b)).toEqual(prefix.slice(a, b));
      if (n < series.length) history.advance(series[n]!);
    }
  });

  it('refuses a candle that is not the series\' next one', () => {
    const history = new SeriesPrefix(series);
    history.advance(series[0]!);
    expect(() => history.advance(series[2]!)).toThrow(RangeError);
    expect(() => history.advance({ ...series[1]! })).toThrow(RangeError);
  });
});
