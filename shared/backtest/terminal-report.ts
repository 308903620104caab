import { fmtDuration, fmtMoney, fmtNum, fmtPct } from './html/format.js';
import { killSwitchBannerLines, killSwitchTrip, reportKillSwitchFacts, utcMinute } from './kill-switch-report.js';
import { d } from './metrics-math.js';
import { breakdownRow } from './metrics-tables.js';
import { parseTrades } from './metrics-trades.js';
import { regimeTable } from './regime-terminal.js';
import type { BacktestMetrics, BreakdownRow, DayRef, TradeRef } from './metrics-types.js';
import { banner, keyValueTable, textTable, type TextColumn } from './text-table.js';
import type { BacktestReport, OpenPositionReport } from './types.js';

const BREAKDOWN_COLUMNS = (key: string): TextColumn[] => [
  { head: key }, { head: 'Trades', right: true }, { head: 'Avg return', right: true }, { head: 'Total P&L', right: true },
  { head: 'Total %', right: true }, { head: 'Avg duration', right: true }, { head: 'Win / Draw / Loss', right: true },
  { head: 'Win %', right: true }, { head: 'Fees', right: true },
];

function breakdownCells(r: BreakdownRow): string[] {
  return [r.key, String(r.trades), fmtPct(r.avgReturnPct), fmtMoney(r.totalPnl), fmtPct(r.totalProfitPct), fmtDuration(r.trades ? r.avgDurationMs : null),
    `${r.wins} / ${r.draws} / ${r.losses}`, fmtPct(r.winRatePct, 1), fmtMoney(r.fees)];
}

/** A per-pair or per-exit-reason table with a TOTAL row over every closed trade (so the rows sum to it). */
function breakdown(title: string, key: string, rows: readonly BreakdownRow[], totalRow: BreakdownRow | null): string {
  if (rows.length === 0) return `${title}\n  no closed trades\n`;
  return textTable(title, BREAKDOWN_COLUMNS(key), rows.map(breakdownCells), totalRow ? [breakdownCells(totalRow)] : []);
}

const tradeRef = (t: TradeRef | null) => (t ? `${t.symbol} ${fmtPct(t.returnPct)} (${fmtMoney(t.pnl)}, closed ${utcMinute(t.exitTime)})` : '—');
const dayRef = (x: DayRef | null) => (x ? `${x.day} (${fmtMoney(x.pnl)})` : '—');
const day = (ms: unknown) => (typeof ms === 'number' ? utcMinute(ms).replace(' 00:00 UTC', '') : '—');

function summary(report: BacktestReport, m: BacktestMetrics): string {
  const c = report.config;
  const open = (c.openPositions as readonly OpenPositionReport[] | undefined) ?? [];
  const unfilled = Object.entries((c.unfilledOrders as Record<string, number> | undefined) ?? {}).map(([k, n]) => `${k} ${n}`).join(', ');
  const ks = c.killSwitch as { status?: string; at?: number } | undefined;
  const days = typeof c.from === 'number' && typeof c.to === 'number' ? ` (${fmtNum((c.to - c.from) / 86_400_000, 1)} days)` : '';
  const rows: [string, string][] = [
    ['Period', `${day(c.from)} → ${day(c.to)}${days}`],
    ['Strategy / timeframe', `${String(c.strategy ?? '—')} / ${String(c.timeframe ?? '—')}`],
    ['Pairs', Array.isArray(c.symbols) ? c.symbols.join(', ') : '—'],
    ['Trades', `${m.trades} (${fmtNum(m.tradesPerDay)} per day)`],
    ['Start → final balance', `${fmtMoney(m.startBalance)} → ${fmtMoney(m.finalBalance)}`],
    ['Absolute profit', `${fmtMoney(m.absoluteProfit)} (${fmtPct(m.totalProfitPct)})`],
    ['CAGR', fmtPct(m.cagrPct)],
    ['Sharpe / Sortino / Calmar', `${fmtNum(m.sharpe)} / ${fmtNum(m.sortino)} / ${fmtNum(m.calmar)}`],
    ['SQN / profit factor', `${fmtNum(m.sqn)} / ${fmtNum(m.profitFactor)}`],
    ['Expectancy (ratio)', `${fmtMoney(m.expectancy)} (${fmtNum(m.expectancyRatio)})`],
    ['Win / draw / loss', `${m.wins} / ${m.draws} / ${m.losses} (win rate ${fmtPct(m.winRatePct, 1)})`],
    ['Average trade', `${fmtMoney(m.avgTradePnl)} (${fmtPct(m.avgTradeReturnPct)}), ${fmtDuration(m.avgDurationMs)}`],
    ['Avg duration win / loss', `${fmtDuration(m.avgWinnerDurationMs)} / ${fmtDuration(m.avgLoserDurationMs)}`],
    ['Best trade', tradeRef(m.bestTrade)],
    ['Worst trade', tradeRef(m.worstTrade)],
    ['Best / worst pair', `${m.bestPair ?? '—'} / ${m.worstPair ?? '—'}`],
    ['Best / worst day', `${dayRef(m.bestDay)} / ${dayRef(m.worstDay)}`],
    ['Max consecutive wins / losses', `${m.maxConsecutiveWins} / ${m.maxConsecutiveLosses}`],
    ['Max drawdown', `${fmtPct(m.maxDrawdownPct)} (${fmtMoney(m.maxDrawdownAbs)})${m.drawdownStart === null ? '' : `, ${day(m.drawdownStart)} → ${day(m.drawdownEnd)}`}`],
    ['Drawdown recovered', m.drawdownStart === null ? '—' : m.drawdownRecoveredAt === null ? 'not recovered' : utcMinute(m.drawdownRecoveredAt)],
    ['Market change (buy & hold)', fmtPct(m.marketChangePct)],
    ['Exposure', fmtPct(m.exposurePct)],
    ['Fees paid', fmtMoney(m.feesPaid)],
    ['Open at the end', open.length ? open.map((p) => `${p.symbol} ${p.quantity} (cost ${fmtMoney(p.costBasis)})`).join(', ') : 'none'],
    ['Unfilled orders', unfilled || 'none'],
    ['Kill switch', ks?.status === undefined || ks.status === 'ARMED' ? 'ARMED (never tripped)' : `${ks.status} since ${ks.at === undefined ? '—' : utcMinute(ks.at)}`],
  ];
  return keyValueTable('SUMMARY METRICS', rows);
}

function rejections(report: BacktestReport): string {
  const entries = Object.entries(report.rejections).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  if (entries.length === 0) return 'REJECTED SIGNALS BY REASON\n  none\n';
  const sum = entries.reduce((n, [, k]) => n + k, 0);
  return textTable('REJECTED SIGNALS BY REASON', [{ head: 'Reason code' }, { head: 'Signals', right: true }, { head: 'Share', right: true }],
    entries.map(([code, n]) => [code, String(n), fmtPct((n / sum) * 100, 1)]), [['TOTAL (a signal counts once per code)', String(sum), '100.0 %']]);
}

/**
 * The terminal report of a backtest, after freqtrade's: per-pair and per-exit-reason tables (each with a TOTAL row
 * over all closed trades), rejections by reason, the regime gate's table (when it was on), the summary metrics and, last (the line a reader sees), a
 * kill-switch banner when the switch tripped. Money is formatted from the report's decimal strings; 100 columns.
 */
export function formatBacktestReport(report: BacktestReport): string {
  const m = report.metrics as unknown as BacktestMetrics;
  const trades = parseTrades(report.trades);
  const totalRow = trades.length ? breakdownRow('TOTAL', trades, d(m.startBalance)) : null;
  const trip = killSwitchTrip(reportKillSwitchFacts(report));
  const to = typeof report.config.to === 'number' ? report.config.to : undefined;
  return [
    breakdown('PER PAIR', 'Pair', m.perPair, totalRow),
    breakdown('PER EXIT REASON', 'Exit reason', m.perExitReason, totalRow),
    rejections(report),
    regimeTable(report.regime),
    summary(report, m),
    trip ? banner(killSwitchBannerLines(trip, to)) : '',
  ].filter(Boolean).join('\n');
}
