import { Decimal } from '../domain/money.js';
import { d, dayKey, mean, pct, safeDiv, sampleStdev, toRatio } from './metrics-math.js';
import type { DayRef, MetricsTrade, TradeRef } from './metrics-types.js';

/** A trade with its decimals parsed once. */
export interface ParsedTrade {
  readonly raw: MetricsTrade;
  readonly pnl: Decimal;
  readonly fees: Decimal;
  /** pnl / (entryPrice × quantity); null when the entry notional is zero. */
  readonly ret: Decimal | null;
  readonly durationMs: number;
}

/** Parses trades and orders them by exit time, then entry time, then input order (stable). */
export function parseTrades(trades: readonly MetricsTrade[]): ParsedTrade[] {
  return trades
    .map((t) => {
      const pnl = d(t.pnl);
      return { raw: t, pnl, fees: d(t.fees), ret: safeDiv(pnl, d(t.entryPrice).mul(d(t.quantity)).abs()), durationMs: t.exitTime - t.entryTime };
    })
    .sort((a, b) => a.raw.exitTime - b.raw.exitTime || a.raw.entryTime - b.raw.entryTime);
}

/** Σ of decimals. */
export function total(values: readonly Decimal[]): Decimal {
  return values.reduce((acc, v) => acc.add(v), new Decimal(0));
}

/** Mean trade duration in ms, or null with no trades. */
export function avgDuration(trades: readonly ParsedTrade[]): number | null {
  return trades.length === 0 ? null : trades.reduce((acc, t) => acc + t.durationMs, 0) / trades.length;
}

/** Mean per-trade return in %, over trades whose return is defined. */
export function avgReturnPct(trades: readonly ParsedTrade[]): number | null {
  return pct(mean(trades.flatMap((t) => (t.ret === null ? [] : [t.ret]))));
}

/** Gross profit / |gross loss|; null when there is no losing trade. */
export function profitFactor(trades: readonly ParsedTrade[]): number | null {
  const wins = total(trades.filter((t) => t.pnl.gt(0)).map((t) => t.pnl));
  const losses = total(trades.filter((t) => t.pnl.lt(0)).map((t) => t.pnl)).abs();
  return toRatio(safeDiv(wins, losses));
}

/** freqtrade's expectancy (= mean pnl, money) and expectancy ratio ((1 + avgWin/avgLoss) × winRate − 1; null without losses). */
export function expectancy(trades: readonly ParsedTrade[]): { expectancy: string | null; expectancyRatio: number | null } {
  if (trades.length === 0) return { expectancy: null, expectancyRatio: null };
  const winners = trades.filter((t) => t.pnl.gt(0)).map((t) => t.pnl);
  const losers = trades.filter((t) => t.pnl.lt(0)).map((t) => t.pnl.abs());
  const n = trades.length;
  const avgWin = mean(winners) ?? new Decimal(0);
  const avgLoss = mean(losers);
  const winRate = new Decimal(winners.length).div(n);
  const lossRate = new Decimal(losers.length).div(n);
  const e = winRate.mul(avgWin).sub(lossRate.mul(avgLoss ?? 0));
  const ratio = avgLoss === null ? null : new Decimal(1).add(avgWin.div(avgLoss)).mul(winRate).sub(1);
  return { expectancy: e.toFixed(), expectancyRatio: toRatio(ratio) };
}

/** System Quality Number: √min(n,100) × mean(pnl) / sample stdev(pnl); null with < 2 trades or zero stdev. */
export function sqn(trades: readonly ParsedTrade[]): number | null {
  const r = trades.map((t) => t.pnl);
  const m = mean(r);
  const s = sampleStdev(r);
  if (m === null || s === null || s.isZero()) return null;
  return toRatio(new Decimal(Math.min(r.length, 100)).sqrt().mul(m).div(s));
}

/** Longest runs of consecutive winners (pnl > 0) and losers (pnl < 0) in exit order; a draw breaks both. */
export function streaks(trades: readonly ParsedTrade[]): { maxConsecutiveWins: number; maxConsecutiveLosses: number } {
  let w = 0, l = 0, maxW = 0, maxL = 0;
  for (const t of trades) {
    w = t.pnl.gt(0) ? w + 1 : 0;
    l = t.pnl.lt(0) ? l + 1 : 0;
    maxW = Math.max(maxW, w);
    maxL = Math.max(maxL, l);
  }
  return { maxConsecutiveWins: maxW, maxConsecutiveLosses: maxL };
}

/** Best and worst trade by return % (first in exit order wins ties); null when no trade has a defined return. */
export function bestWorstTrade(trades: readonly ParsedTrade[]): { bestTrade: TradeRef | null; worstTrade: TradeRef | null } {
  let best: ParsedTrade | undefined, worst: ParsedTrade | undefined;
  for (const t of trades) {
    if (t.ret === null) continue;
    if (best === undefined || t.ret.gt(best.ret!)) best = t;
    if (worst === undefined || t.ret.lt(worst.ret!)) worst = t;
  }
  const ref = (t: ParsedTrade | undefined): TradeRef | null => (t === undefined ? null : {
    symbol: t.raw.symbol, entryTime: t.raw.entryTime, exitTime: t.raw.exitTime, pnl: t.pnl.toFixed(), returnPct: pct(t.ret)!,
  });
  return { bestTrade: ref(best), worstTrade: ref(worst) };
}

/** Best and worst UTC day by Σ pnl of trades closed that day (days without closes are not candidates). */
export function bestWorstDay(trades: readonly ParsedTrade[]): { bestDay: DayRef | null; worstDay: DayRef | null } {
  const byDay = new Map<string, Decimal>();
  for (const t of trades) {
    const k = dayKey(t.raw.exitTime);
    byDay.set(k, (byDay.get(k) ?? new Decimal(0)).add(t.pnl));
  }
  let best: [string, Decimal] | undefined, worst: [string, Decimal] | undefined;
  for (const e of [...byDay].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    if (best === undefined || e[1].gt(best[1])) best = e;
    if (worst === undefined || e[1].lt(worst[1])) worst = e;
  }
  const ref = (e: [string, Decimal] | undefined): DayRef | null => (e === undefined ? null : { day: e[0], pnl: e[1].toFixed() });
  return { bestDay: ref(best), worstDay: ref(worst) };
}
