import type { BacktestMetrics, BreakdownRow, DayRef, TradeRef } from '../metrics-types.js';
import type { BacktestTrade } from '../types.js';
import { escapeHtml as h } from './escape.js';
import { fmtDuration, fmtMoney, fmtNum, fmtPct, fmtTime, signClass } from './format.js';

/** A table column: header, cell text (escaped on output), optional CSS class per cell, how the page sorts it. */
export interface Column<T> {
  readonly head: string;
  readonly cell: (row: T, index: number) => string;
  readonly cls?: (row: T) => string;
  readonly num?: boolean;
  /** Makes the header a sort button (report-client.js): by number, text or duration (`2d 9h`). */
  readonly sort?: 'num' | 'text' | 'duration';
}

/** An HTML table of `rows`; every header and cell is escaped. */
export function table<T>(columns: readonly Column<T>[], rows: readonly T[], attrs = '', empty = 'None.'): string {
  if (rows.length === 0) return `<p class="empty">${h(empty)}</p>`;
  const head = columns.map((c) => `<th${c.num ? ' class="num"' : ''}${c.sort ? ` data-sort="${c.sort}" tabindex="0" aria-sort="none"` : ''}>${h(c.head)}</th>`).join('');
  const body = rows.map((r, i) => `<tr>${columns.map((c) => {
    const cls = [c.num ? 'num' : '', c.cls?.(r) ?? ''].filter(Boolean).join(' ');
    return `<td${cls ? ` class="${cls}"` : ''}>${h(c.cell(r, i))}</td>`;
  }).join('')}</tr>`).join('\n');
  return `<div class="table-wrap"><table${attrs}><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table></div>`;
}

type Pair = readonly [label: string, value: string, cls?: string];

/** A two-column definition table (label → value). */
function pairs(title: string, rows: readonly Pair[]): string {
  const body = rows.map(([k, v, c]) => `<tr><th>${h(k)}</th><td class="num${c ? ` ${c}` : ''}">${h(v)}</td></tr>`).join('');
  return `<div class="card"><h3>${h(title)}</h3><table class="kv">${body}</table></div>`;
}

const tradeRef = (t: TradeRef | null) => (t ? `${t.symbol} ${fmtPct(t.returnPct)} (${fmtMoney(t.pnl)}, ${fmtTime(t.exitTime, true)})` : '—');
const dayRef = (d: DayRef | null) => (d ? `${d.day} (${fmtMoney(d.pnl)})` : '—');

/** The summary metrics as cards of label/value tables (returns, risk-adjusted, trades, drawdown). */
export function summaryTables(m: BacktestMetrics): string {
  return `<div class="cards">${[
    pairs('Returns', [
      ['Start balance', fmtMoney(m.startBalance)], ['Final balance', fmtMoney(m.finalBalance)],
      ['Absolute profit', fmtMoney(m.absoluteProfit), signClass(m.absoluteProfit)], ['Total profit', fmtPct(m.totalProfitPct), signClass(m.totalProfitPct)],
      ['CAGR', fmtPct(m.cagrPct), signClass(m.cagrPct)], ['Market change (buy & hold)', fmtPct(m.marketChangePct), signClass(m.marketChangePct)],
      ['Exposure time', fmtPct(m.exposurePct)], ['Fees paid', fmtMoney(m.feesPaid)],
    ]),
    pairs('Risk-adjusted', [
      ['Sharpe', fmtNum(m.sharpe)], ['Sortino', fmtNum(m.sortino)], ['Calmar', fmtNum(m.calmar)], ['SQN', fmtNum(m.sqn)],
      ['Profit factor', fmtNum(m.profitFactor)], ['Expectancy', fmtMoney(m.expectancy), signClass(m.expectancy)],
      ['Expectancy ratio', fmtNum(m.expectancyRatio)],
    ]),
    pairs('Trades', [
      ['Trades', String(m.trades)], ['Trades per day', fmtNum(m.tradesPerDay)],
      ['Wins / draws / losses', `${m.wins} / ${m.draws} / ${m.losses}`], ['Win rate', fmtPct(m.winRatePct)],
      ['Average trade', `${fmtMoney(m.avgTradePnl)} (${fmtPct(m.avgTradeReturnPct)})`, signClass(m.avgTradePnl)],
      ['Average duration', fmtDuration(m.avgDurationMs)],
      ['Avg duration winners / losers', `${fmtDuration(m.avgWinnerDurationMs)} / ${fmtDuration(m.avgLoserDurationMs)}`],
      ['Best trade', tradeRef(m.bestTrade)], ['Worst trade', tradeRef(m.worstTrade)],
      ['Best / worst pair', `${m.bestPair ?? '—'} / ${m.worstPair ?? '—'}`],
      ['Best day', dayRef(m.bestDay)], ['Worst day', dayRef(m.worstDay)],
      ['Max consecutive wins / losses', `${m.maxConsecutiveWins} / ${m.maxConsecutiveLosses}`],
    ]),
    pairs('Drawdown', [
      ['Max drawdown', fmtPct(m.maxDrawdownPct), m.maxDrawdownPct > 0 ? 'neg' : ''], ['Max drawdown (abs)', fmtMoney(m.maxDrawdownAbs)],
      ['Peak', fmtTime(m.drawdownStart)], ['Trough', fmtTime(m.drawdownEnd)], ['Duration', fmtDuration(m.drawdownDurationMs)],
      ['Recovered', m.drawdownStart === null ? '—' : m.drawdownRecoveredAt === null ? 'not recovered' : fmtTime(m.drawdownRecoveredAt)],
    ]),
  ].join('')}</div>`;
}

/** A per-pair / per-exit-reason / per-month table; `keyHead` names the first column. */
export function breakdownTable(keyHead: string, rows: readonly BreakdownRow[]): string {
  return table<BreakdownRow>([
    { head: keyHead, cell: (r) => r.key },
    { head: 'Trades', cell: (r) => String(r.trades), num: true },
    { head: 'W / D / L', cell: (r) => `${r.wins} / ${r.draws} / ${r.losses}`, num: true },
    { head: 'Win rate', cell: (r) => fmtPct(r.winRatePct, 1), num: true },
    { head: 'Total P&L', cell: (r) => fmtMoney(r.totalPnl), num: true, cls: (r) => signClass(r.totalPnl) },
    { head: 'Total profit', cell: (r) => fmtPct(r.totalProfitPct), num: true, cls: (r) => signClass(r.totalProfitPct) },
    { head: 'Avg return', cell: (r) => fmtPct(r.avgReturnPct), num: true, cls: (r) => signClass(r.avgReturnPct) },
    { head: 'Avg duration', cell: (r) => fmtDuration(r.avgDurationMs), num: true },
    { head: 'Fees', cell: (r) => fmtMoney(r.fees), num: true },
  ], rows, '', 'No closed trades.');
}

/** Rejected signals per reason code, most frequent first (then by code). */
export function rejectionsTable(rejections: Readonly<Record<string, number>>): string {
  const rows = Object.entries(rejections).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  return table<[string, number]>([
    { head: 'Reason code', cell: (r) => r[0] },
    { head: 'Rejected signals', cell: (r) => String(r[1]), num: true },
  ], rows, '', 'No signal was rejected.');
}

const returnPct = (t: BacktestTrade) => {
  const notional = Number(t.entryPrice) * Number(t.quantity);
  return notional > 0 ? (Number(t.pnl) / notional) * 100 : null;
};

/** Every closed trade in report order, one row each; the page sorts it by any header and filters it (report-client.js). */
export function tradesTable(trades: readonly BacktestTrade[]): string {
  return table<BacktestTrade>([
    { head: '#', cell: (_t, i) => String(i + 1), num: true, sort: 'num' },
    { head: 'Symbol', cell: (t) => t.symbol, sort: 'text' }, { head: 'Side', cell: (t) => t.side, sort: 'text' },
    { head: 'Entry (UTC)', cell: (t) => fmtTime(t.entryTime), sort: 'text' }, { head: 'Entry price', cell: (t) => t.entryPrice, num: true, sort: 'num' },
    { head: 'Exit (UTC)', cell: (t) => fmtTime(t.exitTime), sort: 'text' }, { head: 'Exit price', cell: (t) => t.exitPrice, num: true, sort: 'num' },
    { head: 'Quantity', cell: (t) => t.quantity, num: true, sort: 'num' }, { head: 'Fees', cell: (t) => fmtMoney(t.fees, 4), num: true, sort: 'num' },
    { head: 'P&L', cell: (t) => fmtMoney(t.pnl), num: true, cls: (t) => signClass(t.pnl), sort: 'num' },
    { head: 'Return', cell: (t) => fmtPct(returnPct(t)), num: true, cls: (t) => signClass(t.pnl), sort: 'num' },
    { head: 'Duration', cell: (t) => fmtDuration(t.exitTime - t.entryTime), num: true, sort: 'duration' },
    { head: 'Exit reason', cell: (t) => t.exitReason, sort: 'text' },
  ], trades, ' id="trades-table" class="trades"', 'No closed trades.');
}
