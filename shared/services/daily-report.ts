import { computeMetrics } from '../backtest/metrics.js';
import type { MetricsTrade } from '../backtest/metrics-types.js';
import { effectiveStatus, type KillSwitchState, type KillSwitchStatus } from '../domain/kill-switch.js';
import { applyFill, newLedger, valuation, type Ledger } from '../domain/ledger.js';
import { splitSymbol } from '../domain/market.js';
import { dec, money, type Decimal } from '../domain/money.js';
import type { Fill } from '../domain/order.js';
import type { Clock, MarketDataStore, PolicyStore, StateStore } from '../ports.js';
import type { AlertRecord, OpsRecordStore } from './ops-records.js';

/** UTC day length, ms. */
export const DAY_MS = 86_400_000;
/** Days of history the report replays for Sharpe to date (older fills still count toward cash and positions). */
export const REPORT_HISTORY_DAYS = 366;

/** What the daily report reads. */
export interface DailyReportDeps {
  readonly clock: Clock;
  readonly state: Pick<StateStore, 'getKillSwitch' | 'getLedger' | 'listDecisions' | 'listFills'>;
  readonly policies: Pick<PolicyStore, 'load'>;
  readonly market: Pick<MarketDataStore, 'getRecentClosedCandles'>;
  readonly ops: Pick<OpsRecordStore, 'listAlerts'>;
}

/** The digest of one UTC day. Money as decimal strings (8 dp); percentages as numbers (4 dp). */
export interface DailyReport {
  readonly day: string;
  readonly startingCash: string;
  readonly equity: string;
  readonly dayPnl: string;
  readonly dayPnlPct: number;
  readonly cumulativePnl: string;
  readonly cumulativePnlPct: number;
  /** Below the highest day-end equity so far (the starting cash counts), percent. */
  readonly drawdownPct: number;
  /** Annualized, from close-to-close daily returns since the first fill (backtest definition); null before two days. */
  readonly sharpeToDate: number | null;
  /** Closed trades to date (the ledger's journal) that made money, percent; null without trades. */
  readonly winRatePct: number | null;
  readonly tradesToDate: number;
  readonly tradesClosed: number;
  readonly fills: number;
  readonly feesPaid: string;
  readonly decisions: { readonly approved: number; readonly rejected: number; readonly rejectedByReason: Readonly<Record<string, number>> };
  /** As at the day's end (now, for today): status, why, trips on the day and in all. */
  readonly killSwitch: { readonly status: KillSwitchStatus; readonly reason?: string; readonly tripsToday: number; readonly tripsTotal: number };
  readonly policy: { readonly version: number; readonly hash: string };
  readonly openPositions: readonly { readonly symbol: string; readonly quantity: string; readonly mark: string; readonly value: string; readonly unrealizedPnl: string }[];
  readonly alerts: { readonly total: number; readonly byKind: Readonly<Record<string, number>>; readonly list: readonly AlertRecord[] };
}

const m8 = (d: Decimal) => money(d.toDecimalPlaces(8));
const pct = (d: Decimal) => Number(d.mul(100).toDecimalPlaces(4).toFixed());

/** Start (epoch ms) of a YYYY-MM-DD UTC day; throws on anything else. */
export function dayStartOf(day: string): number {
  const t = /^\d{4}-\d{2}-\d{2}$/.test(day) ? Date.parse(`${day}T00:00:00Z`) : NaN;
  // Date.parse rolls an impossible day over (2021-02-30 is 2 March): the round trip must give the same day back.
  if (Number.isNaN(t) || new Date(t).toISOString().slice(0, 10) !== day) throw new RangeError(`not a YYYY-MM-DD day: ${day}`);
  return t;
}

/**
 * Builds the report of `day` from state alone, so it is the same whenever it runs: cash and positions at each
 * day end are the fills replayed through the ledger's own applyFill, marked at the last 1m close before the day
 * ended (the last fill price when no candle is kept); Sharpe and win rate are the backtest's computeMetrics over
 * those day-end marks and the ledger's trade journal.
 */
export async function buildDailyReport(deps: DailyReportDeps, day: string): Promise<DailyReport> {
  const start = dayStartOf(day);
  const end = start + DAY_MS;
  const [loaded, stored, ks, fills, decisions, alerts] = await Promise.all([
    deps.policies.load(), deps.state.getLedger(), deps.state.getKillSwitch(),
    deps.state.listFills(), deps.state.listDecisions({ since: start }), deps.ops.listAlerts(start, end),
  ]);
  const startingCash = stored?.value.startingCash ?? dec(loaded.policy.paper.startingCash);
  const sorted = fills.filter((f) => f.time < end).sort((a, b) => a.time - b.time || a.tradeId.localeCompare(b.tradeId));
  const firstDay = Math.max(sorted.length ? Math.floor(sorted[0]!.time / DAY_MS) * DAY_MS : start, start - (REPORT_HISTORY_DAYS - 1) * DAY_MS);
  const points: { time: number; equity: string }[] = [];
  let ledger = newLedger(startingCash, firstDay);
  const seenOrders = new Set<string>();
  let i = 0;
  let last = { equity: startingCash, marks: {} as Record<string, Decimal> };
  let previousEquity = startingCash;
  for (let dayStart = firstDay; dayStart < end; dayStart += DAY_MS) {
    for (; i < sorted.length && sorted[i]!.time < dayStart + DAY_MS; i++) ledger = book(ledger, sorted[i]!, seenOrders);
    previousEquity = last.equity;
    last = await markAt(deps, ledger, dayStart + DAY_MS, sorted);
    points.push({ time: dayStart + DAY_MS - 1, equity: last.equity.toFixed() });
  }
  const journal = (stored?.value.trades ?? []).filter((t) => t.closedAt < end);
  const metrics = computeMetrics({ trades: journal.map(toMetricsTrade), equity: points, startBalance: startingCash.toFixed(), from: firstDay, to: end });
  const peak = points.reduce((p, x) => (dec(x.equity).gt(p) ? dec(x.equity) : p), startingCash);
  const dayPnl = last.equity.sub(previousEquity);
  const dayFills = sorted.filter((f) => f.time >= start);
  const todays = decisions.filter((d) => d.decidedAt < end);
  const rejectedByReason: Record<string, number> = {};
  for (const d of todays.filter((x) => !x.approved)) for (const r of d.reasons) rejectedByReason[r.code] = (rejectedByReason[r.code] ?? 0) + 1;
  const byKind: Record<string, number> = {};
  for (const a of alerts) byKind[a.kind] = (byKind[a.kind] ?? 0) + 1;
  const now = deps.clock.now();
  return {
    day, startingCash: m8(startingCash), equity: m8(last.equity), dayPnl: m8(dayPnl),
    dayPnlPct: previousEquity.isZero() ? 0 : pct(dayPnl.div(previousEquity)),
    cumulativePnl: m8(last.equity.sub(startingCash)), cumulativePnlPct: startingCash.isZero() ? 0 : pct(last.equity.sub(startingCash).div(startingCash)),
    drawdownPct: peak.isZero() ? 0 : pct(peak.sub(last.equity).div(peak)),
    sharpeToDate: metrics.sharpe === null ? null : Number(metrics.sharpe.toFixed(4)),
    winRatePct: metrics.winRatePct === null ? null : Number(metrics.winRatePct.toFixed(4)),
    tradesToDate: metrics.trades,
    tradesClosed: journal.filter((t) => t.closedAt >= start).length,
    fills: dayFills.length,
    feesPaid: m8(dayFills.reduce((s, f) => s.add(feeInQuote(f)), dec(0))),
    decisions: { approved: todays.filter((d) => d.approved).length, rejected: todays.filter((d) => !d.approved).length, rejectedByReason },
    killSwitch: {
      ...switchAt(ks?.value, Math.min(now, end)),
      tripsToday: (ks?.value.history ?? []).filter((e) => e.event === 'TRIP' && e.at >= start && e.at < end).length,
      tripsTotal: ks?.value.tripCount ?? 0,
    },
    policy: { version: loaded.version, hash: loaded.hash },
    openPositions: Object.values(ledger.positions).map((p) => {
      const mark = last.marks[p.symbol];
      const value = mark ? p.quantity.mul(mark) : p.costBasis;
      return { symbol: p.symbol, quantity: money(p.quantity), mark: mark ? money(mark) : 'n/a', value: m8(value), unrealizedPnl: m8(value.sub(p.costBasis)) };
    }),
    alerts: { total: alerts.length, byKind, list: alerts.slice(0, 50) },
  };
}

/** The switch at `at`: the stored state when `at` is now, else the last trip or reset before `at` in its history (a reset reads ARMED). */
function switchAt(ks: KillSwitchState | undefined, at: number): { status: KillSwitchStatus; reason?: string } {
  if (!ks || (ks.changedAt ?? 0) < at) {
    const status = effectiveStatus(ks, at);
    return { status, ...(ks?.reason && status !== 'ARMED' ? { reason: ks.reason } : {}) };
  }
  const last = ks.history.filter((e) => e.at < at).at(-1);
  return last?.event === 'TRIP' ? { status: 'TRIPPED', reason: last.reason } : { status: 'ARMED' };
}

function book(ledger: Ledger, fill: Fill, seenOrders: Set<string>): Ledger {
  const { base, quote } = splitSymbol(fill.symbol);
  const next = applyFill(ledger, fill, base, quote, { continuesOrder: seenOrders.has(fill.orderId) }).ledger;
  seenOrders.add(fill.orderId);
  return next;
}

async function markAt(deps: DailyReportDeps, ledger: Ledger, at: number, fills: readonly Fill[]) {
  const marks: Record<string, Decimal> = {};
  for (const symbol of Object.keys(ledger.positions)) {
    const [candle] = await deps.market.getRecentClosedCandles(symbol, '1m', at, 1);
    const price = candle ? String(candle.close) : fills.filter((f) => f.symbol === symbol && f.time < at).at(-1)?.price;
    if (price !== undefined) marks[symbol] = dec(price);
  }
  return { equity: valuation(ledger, marks).equity, marks };
}

function feeInQuote(f: Fill): Decimal {
  return f.feeCurrency === splitSymbol(f.symbol).quote ? dec(f.fee) : dec(f.fee).mul(f.price);
}

function toMetricsTrade(t: NonNullable<Ledger['trades']>[number]): MetricsTrade {
  return {
    symbol: t.symbol, side: 'long', entryTime: t.openedAt, entryPrice: '0', exitTime: t.closedAt, exitPrice: '0',
    quantity: money(t.quantity), fees: '0', pnl: t.pnl.toFixed(), exitReason: t.exitReason,
  };
}
