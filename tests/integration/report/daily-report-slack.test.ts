import { describe, expect, it } from 'vitest';
import { parseNotice, toSlackPayload } from '../../../functions/alert-notifier/slack-message.js';
import { renderDailyReport } from '../../../shared/services/daily-report-text.js';
import type { DailyReport } from '../../../shared/services/daily-report.js';

const REPORT: DailyReport = {
  day: '2021-05-19', startingCash: '10000', equity: '9983.47262792', dayPnl: '-2.59920996', dayPnlPct: -0.026,
  cumulativePnl: '-16.52737208', cumulativePnlPct: -0.1653, drawdownPct: 0.1653, sharpeToDate: -19.7188, winRatePct: 0,
  tradesToDate: 5, tradesClosed: 1, fills: 2, feesPaid: '0.39752996',
  decisions: { approved: 2, rejected: 5, rejectedByReason: { PAIR_LOCKED: 4, KILL_SWITCH_NOT_ARMED: 1 } },
  killSwitch: { status: 'TRIPPED', reason: '5 losing trades in a row', tripsToday: 1, tripsTotal: 1 },
  policy: { version: 1, hash: 'da08a23501d6f1461aba3c08f0150f8c' },
  openPositions: [{ symbol: 'BTC/USDT', quantity: '0.01', mark: '40000', value: '400', unrealizedPnl: '-3' }],
  alerts: { total: 1, byKind: { KILL_SWITCH_TRIPPED: 1 }, list: [{ at: Date.UTC(2021, 4, 19, 0, 37, 30), severity: 'critical', kind: 'KILL_SWITCH_TRIPPED', title: 'Kill switch tripped' }] },
};

describe('the daily report digest in Slack', () => {
  it('shows the whole report as one monospace block (columns kept) and no per-field dump of its details', () => {
    const text = renderDailyReport(REPORT);
    const body = JSON.stringify({ severity: 'info', kind: 'DAILY_REPORT', title: 'Stratus daily report 2021-05-19', message: text, details: { day: REPORT.day }, at: 0 });
    const payload = toSlackPayload(parseNotice('x', body));
    const section = payload.blocks.find((b) => b.type === 'section' && (b.text as { text: string } | undefined)?.text.startsWith('```')) as { text: { text: string } };
    expect(section.text.text).toBe(`\`\`\`${text}\`\`\``);
    expect(text).toContain('  day PnL           -2.59920996 (-0.026%)\n');
    expect(text).toContain('    BTC/USDT     0.01 @ 40000 = 400 (unrealized -3)\n');
    expect(text).toContain('    rejected PAIR_LOCKED                 4\n');
    expect(text).toContain('    2021-05-19T00:37:30Z CRITICAL KILL_SWITCH_TRIPPED: Kill switch tripped\n');
  });
});
