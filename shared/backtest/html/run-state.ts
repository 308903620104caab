import type { Candle } from '../../domain/candle.js';
import { dec } from '../../domain/money.js';
import { daysSidelined, KILL_SWITCH_REASON_CODE, killSwitchBannerLines, killSwitchTrip, reportKillSwitchFacts } from '../kill-switch-report.js';
import type { BacktestReport, BacktestTrade, OpenPositionReport } from '../types.js';
import { escapeHtml as h } from './escape.js';
import { fmtMoney, fmtTime, signClass } from './format.js';
import { table } from './tables.js';

/** The alert at the top of the page when the kill switch tripped (the terminal's banner text); '' when it did not. */
export function killSwitchBanner(report: BacktestReport): string {
  const trip = killSwitchTrip(reportKillSwitchFacts(report));
  if (!trip) return '';
  const [head, ...rest] = killSwitchBannerLines(trip, report.config.to as number | undefined);
  return `<div class="alert" id="kill-switch-banner" role="alert"><strong>${h(head)}</strong>${rest.map((l) => `<div>${h(l)}</div>`).join('')}</div>`;
}

/** The kill switch's end state as a label/value table (status, when, why, what it refused), not raw JSON. */
export function killSwitchTable(report: BacktestReport): string {
  const ks = report.config.killSwitch as { status?: string; at?: number; reason?: string } | undefined;
  const trip = killSwitchTrip(reportKillSwitchFacts(report));
  const rows: [string, string][] = [['Status at the end', ks?.status ?? 'ARMED']];
  if (trip) {
    const days = daysSidelined(trip, report.config.to as number | undefined);
    rows.push(['Tripped at (UTC)', fmtTime(trip.at)], ['Reason', trip.reason],
      [`Signals refused after the trip (${KILL_SWITCH_REASON_CODE})`, String(trip.refusedSignals)],
      ['Pending orders cancelled at the trip', String(trip.canceledOrders)], ['Days from the trip to the end', days === null ? '—' : String(days)]);
  } else rows.push(['Tripped', 'never']);
  const body = rows.map(([k, v]) => `<tr><th>${h(k)}</th><td>${h(v)}</td></tr>`).join('');
  return `<div class="card"><table class="kv" id="kill-switch-table">${body}</table></div>`;
}

/** Positions still open when the data ended, marked at their symbol's last close (unrealized P&L before exit fees). */
export function openPositionsTable(report: BacktestReport, candles: Readonly<Record<string, readonly Candle[]>>): string {
  const open = (report.config.openPositions as readonly OpenPositionReport[] | undefined) ?? [];
  const mark = (p: OpenPositionReport) => candles[p.symbol]?.at(-1)?.close;
  const value = (p: OpenPositionReport) => { const m = mark(p); return m === undefined ? null : dec(p.quantity).mul(m); };
  const upnl = (p: OpenPositionReport) => value(p)?.sub(dec(p.costBasis)).toFixed() ?? null;
  return table<OpenPositionReport>([
    { head: 'Symbol', cell: (p) => p.symbol }, { head: 'Entry (UTC)', cell: (p) => fmtTime(p.entryTime) },
    { head: 'Quantity', cell: (p) => p.quantity, num: true }, { head: 'Cost basis', cell: (p) => fmtMoney(p.costBasis), num: true },
    { head: 'Last close', cell: (p) => String(mark(p) ?? '—'), num: true },
    { head: 'Value at last close', cell: (p) => fmtMoney(value(p)?.toFixed()), num: true },
    { head: 'Unrealized P&L', cell: (p) => fmtMoney(upnl(p)), num: true, cls: (p) => signClass(upnl(p)) },
  ], open, ' id="open-positions-table"', 'No position was open when the data ended.');
}

function options(id: string, all: string, values: readonly string[]): string {
  const opts = [...new Set(values)].sort().map((v) => `<option value="${h(v)}">${h(v)}</option>`).join('');
  return `<select id="${id}" aria-label="${h(all)}"><option value="">${h(all)}</option>${opts}</select>`;
}

/** The trades table's filter controls: free text, side, exit reason, and the shown-of-total count. */
export function tradeTools(trades: readonly BacktestTrade[]): string {
  if (trades.length === 0) return '';
  return `<div class="table-tools"><input id="trades-filter" type="search" placeholder="Filter trades (any column)" aria-label="Filter trades">`
    + `${options('trades-side', 'All sides', trades.map((t) => t.side))}${options('trades-reason', 'All exit reasons', trades.map((t) => t.exitReason))}`
    + `<span id="trades-count">${trades.length} of ${trades.length} trades</span></div>`;
}
