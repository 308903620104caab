import { Decimal } from '../domain/money.js';
import { DAY_MS, d, mean, pct, safeDiv, sampleStdev, toRatio } from './metrics-math.js';
import type { DrawdownStats, EquityPoint, FloatCurve, MetricsInput, MetricsTrade } from './metrics-types.js';

/** A parsed equity mark. */
export interface Mark { readonly time: number; readonly equity: Decimal }

/** Equity curve sorted by time, with startBalance prepended at `from` unless a mark already exists at or before `from`. */
export function equityCurve(points: readonly EquityPoint[], startBalance: Decimal, from: number): Mark[] {
  const marks = points.map((p) => ({ time: p.time, equity: d(p.equity) })).sort((a, b) => a.time - b.time);
  const first = marks[0];
  if (first === undefined || first.time > from) marks.unshift({ time: from, equity: startBalance });
  return marks;
}

/** Close-to-close daily returns: each UTC day's close is the last mark before the day ends (carried forward); day 0's base is startBalance. */
export function dailyReturns(curve: readonly Mark[], startBalance: Decimal, from: number, to: number): Decimal[] {
  if (to <= from) return [];
  const firstDay = Math.floor(from / DAY_MS);
  const lastDay = Math.floor((to - 1) / DAY_MS);
  const out: Decimal[] = [];
  let prev = startBalance;
  let close = startBalance;
  let i = 0;
  for (let day = firstDay; day <= lastDay; day++) {
    const end = (day + 1) * DAY_MS;
    for (let m = curve[i]; m !== undefined && m.time < end; m = curve[++i]) close = m.equity;
    out.push(prev.isZero() ? new Decimal(0) : close.div(prev).sub(1));
    prev = close;
  }
  return out;
}

/** Annualized Sharpe of daily returns: mean / sample stdev × √365, risk-free 0; null with < 2 days or zero stdev. */
export function sharpe(returns: readonly Decimal[]): number | null {
  const m = mean(returns);
  const s = sampleStdev(returns);
  if (m === null || s === null || s.isZero()) return null;
  return toRatio(m.div(s).mul(new Decimal(365).sqrt()));
}

/** Annualized Sortino: mean / √(Σ min(r,0)² / n) × √365, target 0; null with < 2 days or no down day. */
export function sortino(returns: readonly Decimal[]): number | null {
  const m = mean(returns);
  if (m === null || returns.length < 2) return null;
  const downside = returns.reduce((acc, r) => (r.isNeg() ? acc.add(r.pow(2)) : acc), new Decimal(0));
  if (downside.isZero()) return null;
  return toRatio(m.div(downside.div(returns.length).sqrt()).mul(new Decimal(365).sqrt()));
}

/** Compound annual growth rate as a ratio: (final/start)^(365/days) − 1; null for an empty period, start ≤ 0 or final < 0. */
export function cagr(start: Decimal, final: Decimal, from: number, to: number): Decimal | null {
  if (to <= from || start.lte(0) || final.isNeg()) return null;
  if (final.isZero()) return new Decimal(-1);
  const years = new Decimal(to - from).div(DAY_MS).div(365);
  return final.div(start).pow(new Decimal(1).div(years)).sub(1);
}

/** Largest drawdown by % from the running peak (earliest wins ties), with its peak/trough times and recovery. */
export function drawdown(curve: readonly Mark[]): { stats: DrawdownStats; ratio: Decimal | null } {
  let peak: Mark | undefined;
  let best: { peak: Mark; trough: Mark; ratio: Decimal } | undefined;
  for (const m of curve) {
    if (peak === undefined || m.equity.gt(peak.equity)) { peak = m; continue; }
    if (peak.equity.lte(0)) continue;
    const ratio = peak.equity.sub(m.equity).div(peak.equity);
    if (ratio.gt(0) && (best === undefined || ratio.gt(best.ratio))) best = { peak, trough: m, ratio };
  }
  if (best === undefined) {
    const stats = { maxDrawdownAbs: '0', maxDrawdownPct: 0, drawdownStart: null, drawdownEnd: null, drawdownDurationMs: null, drawdownRecoveredAt: null };
    return { stats, ratio: null };
  }
  const { peak: p, trough: t } = best;
  const recovered = curve.find((m) => m.time > t.time && m.equity.gte(p.equity));
  const stats: DrawdownStats = {
    maxDrawdownAbs: p.equity.sub(t.equity).toFixed(),
    maxDrawdownPct: pct(best.ratio) ?? 0,
    drawdownStart: p.time,
    drawdownEnd: t.time,
    drawdownDurationMs: t.time - p.time,
    drawdownRecoveredAt: recovered?.time ?? null,
  };
  return { stats, ratio: best.ratio };
}

/** % of [from, to) during which at least one position was open (union of [entryTime, exitTime] intervals). */
export function exposurePct(trades: readonly MetricsTrade[], from: number, to: number): number | null {
  if (to <= from) return null;
  const spans = trades
    .map((t) => [Math.max(t.entryTime, from), Math.min(t.exitTime, to)] as const)
    .filter(([a, b]) => b > a)
    .sort((x, y) => x[0] - y[0]);
  let covered = 0;
  let end = -Infinity;
  for (const [a, b] of spans) {
    if (b <= end) continue;
    covered += b - Math.max(a, end);
    end = b;
  }
  return (covered / (to - from)) * 100;
}

/** Buy and hold: mean over symbols of (last / first − 1) × 100, skipping symbols with first ≤ 0; null when none. */
export function marketChangePct(change: MetricsInput['marketChange']): number | null {
  const ratios = Object.keys(change ?? {}).sort().flatMap((s) => {
    const c = change![s]!;
    const r = safeDiv(d(c.last), d(c.first));
    return r === null || d(c.first).lte(0) ? [] : [r.sub(1)];
  });
  return pct(mean(ratios));
}

/**
 * The float curve's last mark of each UTC day (as exact decimals of the floats), with startBalance at `from`
 * as equityCurve does: dailyReturns carries the last mark of a day forward, so it gives the same returns
 * from these as from every mark.
 */
export function dailyCloseMarks(curve: FloatCurve, startBalance: Decimal, from: number): Mark[] {
  const out: Mark[] = [];
  const n = curve.time.length;
  if (n === 0 || curve.time[0]! > from) out.push({ time: from, equity: startBalance });
  for (let i = 0; i < n; i++) {
    const t = curve.time[i]!;
    const next = i + 1 < n ? curve.time[i + 1]! : Infinity;
    if (Math.floor(t / DAY_MS) !== Math.floor(next / DAY_MS)) out.push({ time: t, equity: new Decimal(curve.equity[i]!) });
  }
  return out;
}

/**
 * drawdown() over every mark of the float curve (with startBalance at `from` first, as equityCurve adds it),
 * in float64; the peak and trough equities are then taken as exact decimals of their floats.
 */
export function floatDrawdown(curve: FloatCurve, startBalance: Decimal, from: number): { stats: DrawdownStats; ratio: Decimal | null } {
  const { time, equity } = curve;
  const n = time.length;
  const lead = n === 0 || time[0]! > from;
  const timeAt = (i: number) => (i < 0 ? from : time[i]!);
  const valueAt = (i: number) => (i < 0 ? startBalance.toNumber() : equity[i]!);
  let peak = lead ? -1 : 0;
  let best: { peak: number; trough: number; ratio: number } | undefined;
  for (let i = lead ? 0 : 1; i < n; i++) {
    const e = equity[i]!;
    const top = valueAt(peak);
    if (e > top) { peak = i; continue; }
    if (top <= 0) continue;
    const ratio = (top - e) / top;
    if (ratio > 0 && (best === undefined || ratio > best.ratio)) best = { peak, trough: i, ratio };
  }
  if (best === undefined) return drawdown([]);
  const top = valueAt(best.peak);
  let recovered: number | null = null;
  for (let i = best.trough + 1; i < n && recovered === null; i++) if (equity[i]! >= top) recovered = time[i]!;
  const p = best.peak < 0 ? startBalance : new Decimal(top);
  const t = new Decimal(valueAt(best.trough));
  const ratio = p.sub(t).div(p);
  const stats: DrawdownStats = {
    maxDrawdownAbs: p.sub(t).toFixed(),
    maxDrawdownPct: pct(ratio) ?? 0,
    drawdownStart: timeAt(best.peak),
    drawdownEnd: timeAt(best.trough),
    drawdownDurationMs: timeAt(best.trough) - timeAt(best.peak),
    drawdownRecoveredAt: recovered,
  };
  return { stats, ratio };
}
