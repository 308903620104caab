import { iso } from './report-format.js';
import type { DailyReport } from './daily-report.js';

const signed = (s: string) => (s.startsWith('-') ? s : `+${s}`);
const signedPct = (n: number) => `${n >= 0 ? '+' : ''}${n}%`;

/** The daily report as plain text (the SNS/Slack digest, `stratus report` and the embedded run print the same). */
export function renderDailyReport(r: DailyReport): string {
  const rejected = Object.entries(r.decisions.rejectedByReason).sort((a, b) => b[1] - a[1]);
  const alerts = Object.entries(r.alerts.byKind).sort((a, b) => b[1] - a[1]);
  const lines = [
    `Stratus daily report ${r.day} (UTC)`,
    `  equity            ${r.equity} (start ${r.startingCash})`,
    `  day PnL           ${signed(r.dayPnl)} (${signedPct(r.dayPnlPct)})`,
    `  cumulative PnL    ${signed(r.cumulativePnl)} (${signedPct(r.cumulativePnlPct)})`,
    `  drawdown          ${r.drawdownPct}% from the day-end peak`,
    `  Sharpe to date    ${r.sharpeToDate ?? 'n/a (fewer than two days)'}`,
    `  win rate          ${r.winRatePct === null ? 'n/a (no closed trades)' : `${r.winRatePct}%`} over ${r.tradesToDate} trade(s) to date`,
    `  trades            ${r.tradesClosed} closed, ${r.fills} fill(s), fees ${r.feesPaid}`,
    `  decisions         ${r.decisions.approved} approved, ${r.decisions.rejected} rejected`,
    ...rejected.map(([code, n]) => `    rejected ${code.padEnd(27)} ${n}`),
    `  kill switch       ${r.killSwitch.status}${r.killSwitch.reason ? ` (${r.killSwitch.reason})` : ''}, trips today ${r.killSwitch.tripsToday}, total ${r.killSwitch.tripsTotal}`,
    `  policy            v${r.policy.version} ${r.policy.hash.slice(0, 16)}`,
    `  open positions    ${r.openPositions.length ? '' : 'none'}`.trimEnd(),
    ...r.openPositions.map((p) => `    ${p.symbol.padEnd(12)} ${p.quantity} @ ${p.mark} = ${p.value} (unrealized ${signed(p.unrealizedPnl)})`),
    `  alerts            ${r.alerts.total}${alerts.length ? ` (${alerts.map(([k, n]) => `${k} ${n}`).join(', ')})` : ''}`,
    ...r.alerts.list.slice(0, 10).map((a) => `    ${iso(a.at)} ${a.severity.toUpperCase().padEnd(8)} ${a.kind}: ${a.title}`),
  ];
  return `${lines.join('\n')}\n`;
}
