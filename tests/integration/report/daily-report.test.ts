import { describe, expect, it } from 'vitest';
import { DynamoOpsRecords } from '../../../shared/adapters/dynamo-ops-records.js';
import type { Candle } from '../../../shared/domain/candle.js';
import { Decimal, dec } from '../../../shared/domain/money.js';
import { readCandleDir, replayDataDir } from '../../../shared/local/candle-files.js';
import { runEmbedded } from '../../../shared/local/embedded.js';
import type { Deps } from '../../../shared/runtime/deps.js';
import { buildDailyReport, type DailyReport } from '../../../shared/services/daily-report.js';
import { renderDailyReport } from '../../../shared/services/daily-report-text.js';

const SYMBOLS = ['BTC/USDT', 'ETH/USDT', 'SOL/USDT'];
const FROM = Date.UTC(2021, 4, 18, 21, 0);
const TO = Date.UTC(2021, 4, 19, 3, 0);
const DAYS = ['2021-05-18', '2021-05-19'] as const;
const END = { '2021-05-18': Date.UTC(2021, 4, 19), '2021-05-19': Date.UTC(2021, 4, 20) } as const;

describe('the daily report on a replay-produced state (dynalite + fauxqs)', () => {
  it('reports each day\'s PnL, equity, drawdown, Sharpe, win rate, trades, rejections, kill switch, policy and alerts exactly as recomputed from the fills and candles', async () => {
    const candles = await readCandleDir(replayDataDir(), SYMBOLS, '1m', { from: FROM, to: TO });
    const reports: Record<string, DailyReport> = {};
    const expected: Record<string, { equity: Decimal; rejected: Record<string, number>; trades: number; wins: number; closed: number; fills: number; fees: Decimal }> = {};
    let policyHash = '';
    const summary = await runEmbedded({
      candles, policy: { symbols: SYMBOLS },
      onFinished: async (deps: Deps) => {
        const ops = new DynamoOpsRecords({ tableName: deps.config.tables.state });
        for (const day of DAYS) reports[day] = await buildDailyReport({ ...deps, ops }, day);
        const fills = await deps.state.listFills();
        const decisions = await deps.state.listDecisions();
        const journal = (await deps.state.getLedger())!.value.trades ?? [];
        policyHash = (await deps.policies.load()).hash;
        for (const day of DAYS) {
          const end = END[day];
          const start = end - 86_400_000;
          // independent: cash and quantities from the fills' cash flows (paper fees are in quote), marked at the last close before the day's end
          let cash = dec(10_000);
          const qty: Record<string, Decimal> = {};
          for (const f of fills.filter((x) => x.time < end)) {
            expect(f.feeCurrency).toBe('USDT');
            const notional = dec(f.quantity).mul(f.price);
            cash = f.side === 'buy' ? cash.sub(notional).sub(f.fee) : cash.add(notional).sub(f.fee);
            qty[f.symbol] = (qty[f.symbol] ?? dec(0))[f.side === 'buy' ? 'add' : 'sub'](f.quantity);
          }
          const mark = (symbol: string) => lastClose(candles[symbol]!, end);
          const equity = Object.entries(qty).reduce((e, [s, q]) => e.add(q.mul(mark(s))), cash);
          const rejected: Record<string, number> = {};
          for (const d of decisions.filter((x) => !x.approved && x.decidedAt >= start && x.decidedAt < end)) {
            for (const r of d.reasons) rejected[r.code] = (rejected[r.code] ?? 0) + 1;
          }
          const toDate = journal.filter((t) => t.closedAt < end);
          const dayFills = fills.filter((x) => x.time >= start && x.time < end);
          expected[day] = {
            equity, rejected, trades: toDate.length, wins: toDate.filter((t) => t.pnl.gt(0)).length,
            closed: toDate.filter((t) => t.closedAt >= start).length, fills: dayFills.length,
            fees: dayFills.reduce((s, f) => s.add(f.fee), dec(0)),
          };
        }
      },
    });
    const [d1, d2] = [reports[DAYS[0]]!, reports[DAYS[1]]!];
    const [e1, e2] = [expected[DAYS[0]]!, expected[DAYS[1]]!];
    expect(d1.fills + d2.fills).toBeGreaterThan(0);
    for (const [r, e] of [[d1, e1], [d2, e2]] as const) {
      expect(r.equity).toBe(e.equity.toDecimalPlaces(8).toFixed());
      expect(r.decisions.rejectedByReason).toEqual(e.rejected);
      expect(r.tradesToDate).toBe(e.trades);
      expect(r.winRatePct).toBe(e.trades ? Number((e.wins / e.trades * 100).toFixed(4)) : null);
      expect(r.tradesClosed).toBe(e.closed);
      expect(r.fills).toBe(e.fills);
      expect(r.feesPaid).toBe(e.fees.toDecimalPlaces(8).toFixed());
      expect(r.policy.hash).toBe(policyHash);
      expect(r.startingCash).toBe('10000');
    }
    expect(d1.dayPnl).toBe(e1.equity.sub(10_000).toDecimalPlaces(8).toFixed());
    expect(d2.dayPnl).toBe(e2.equity.sub(e1.equity).toDecimalPlaces(8).toFixed());
    expect(d2.cumulativePnl).toBe(e2.equity.sub(10_000).toDecimalPlaces(8).toFixed());
    const peak = Decimal.max(10_000, e1.equity, e2.equity);
    expect(d2.drawdownPct).toBe(Number(peak.sub(e2.equity).div(peak).mul(100).toDecimalPlaces(4).toFixed()));
    // Sharpe over two daily returns: mean / sample stdev × √365
    const r1 = e1.equity.toNumber() / 10_000 - 1;
    const r2 = e2.equity.toNumber() / e1.equity.toNumber() - 1;
    const sharpe = ((r1 + r2) / 2) / (Math.abs(r1 - r2) / Math.SQRT2) * Math.sqrt(365);
    expect(d1.sharpeToDate).toBeNull();
    expect(d2.sharpeToDate).toBeCloseTo(sharpe, 3);
    // every alert published during the run is in the day it was published, the 00:00 UTC report included
    const byKind: Record<string, number> = {};
    for (const r of [d1, d2]) for (const [k, n] of Object.entries(r.alerts.byKind)) byKind[k] = (byKind[k] ?? 0) + n;
    expect(byKind).toEqual(summary.alerts.byKind);
    expect(d2.alerts.byKind.DAILY_REPORT).toBe(1);
    expect(d2.killSwitch.status).toBe(summary.killSwitch);
    if (summary.killSwitch === 'TRIPPED') { // it tripped on the 19th: the 18th's report shows it as it was at that day's end
      expect(d1.killSwitch).toMatchObject({ status: 'ARMED', tripsToday: 0 });
      expect(d2.killSwitch.tripsToday).toBe(1);
    }
    expect(summary.dailyReports.map((r) => r.day)).toEqual([...DAYS]);
    expect(summary.dailyReports[1]!.equity).toBe(d2.equity);
    expect(renderDailyReport(d2)).toMatch(new RegExp(`^Stratus daily report 2021-05-19 \\(UTC\\)\\n  equity +${d2.equity.replace('.', '\\.')} \\(start 10000\\)`));
    expect(['OK', 'DEGRADED', 'CRITICAL']).toContain(summary.health.verdict);
  }, 240_000);
});

function lastClose(list: readonly Candle[], end: number): Decimal {
  const closed = list.filter((c) => c.openTime + 60_000 <= end);
  return dec(closed.at(-1)!.close);
}
