import { describe, expect, it } from 'vitest';
import { computeMetrics, type MetricsInput } from '../../../shared/backtest/metrics.js';
import { DAY, H, T0, nonFinite, trade } from './metrics-fixtures.js';

const SQRT365 = Math.sqrt(365);

/**
 * Scenario A: start 1000 over 4 UTC days [T0, T0+4d).
 * Equity closes per day: 1100, 990, 1089, 1197.9 -> daily returns +0.1, -0.1, +0.1, +0.1.
 * Trades (exit order):
 *   T1 BTC  100x1   pnl  9.8  fees .2  2h  ret  9.8%   signal     exits day0
 *   T2 ETH   50x2   pnl -10.1 fees .1  4h  ret -10.1%  stop_loss  exits day1
 *   T3 BTC  100x.5  pnl  0    fees 0   1h  ret  0%     signal     exits day2
 *   T4 BTC  200x1   pnl 20.3  fees .3 22h  ret 10.15%  roi        exits T0+3d (day3)
 *   T5 ETH  100x1   pnl -5    fees .1  1h  ret -5%     stop_loss  exits day3
 */
const scenarioA: MetricsInput = {
  startBalance: '1000',
  from: T0,
  to: T0 + 4 * DAY,
  equity: [
    { time: T0, equity: '1000' },
    { time: T0 + 12 * H, equity: '1100' },
    { time: T0 + DAY + 12 * H, equity: '990' },
    { time: T0 + 2 * DAY + 12 * H, equity: '1089' },
    { time: T0 + 3 * DAY + 12 * H, equity: '1197.9' },
  ],
  trades: [
    trade({ symbol: 'ETH/USDT', entryTime: T0 + 3 * DAY + H, exitTime: T0 + 3 * DAY + 2 * H, pnl: '-5', fees: '0.1', exitReason: 'stop_loss' }),
    trade({ entryTime: T0 + H, exitTime: T0 + 3 * H, exitPrice: '110', pnl: '9.8', fees: '0.2' }),
    trade({ symbol: 'ETH/USDT', entryTime: T0 + DAY, exitTime: T0 + DAY + 4 * H, entryPrice: '50', quantity: '2', pnl: '-10.1', fees: '0.1', exitReason: 'stop_loss' }),
    trade({ entryTime: T0 + 2 * DAY, exitTime: T0 + 2 * DAY + H, quantity: '0.5', pnl: '0' }),
    trade({ entryTime: T0 + 2 * DAY + 2 * H, exitTime: T0 + 3 * DAY, entryPrice: '200', pnl: '20.3', fees: '0.3', exitReason: 'roi' }),
  ],
  marketChange: { 'BTC/USDT': { first: '100', last: '120' }, 'ETH/USDT': { first: '50', last: '45' } },
};

describe('computeMetrics on a hand-computed scenario', () => {
  const m = computeMetrics(scenarioA);

  it('reports balances and profit from the equity curve (1197.9 - 1000 = 197.9 = 19.79%)', () => {
    expect([m.startBalance, m.finalBalance, m.absoluteProfit]).toEqual(['1000', '1197.9', '197.9']);
    expect(m.totalProfitPct).toBeCloseTo(19.79, 12);
  });

  it('annualizes daily returns with sqrt(365): Sharpe = 0.05/0.1*sqrt365, Sortino = 0.05/sqrt(0.01/4)*sqrt365', () => {
    // mean = 0.05; sample var = (3*0.05^2 + 0.15^2)/3 = 0.01 -> stdev 0.1; downside dev = sqrt(0.1^2/4) = 0.05
    expect(m.sharpe).toBeCloseTo(0.5 * SQRT365, 10);
    expect(m.sortino).toBeCloseTo(SQRT365, 10);
  });

  it('finds the 1100 -> 990 drawdown (110, 10%), its 1-day duration and recovery at 1197.9', () => {
    expect(m.maxDrawdownAbs).toBe('110');
    expect(m.maxDrawdownPct).toBeCloseTo(10, 12);
    expect([m.drawdownStart, m.drawdownEnd, m.drawdownDurationMs]).toEqual([T0 + 12 * H, T0 + DAY + 12 * H, DAY]);
    expect(m.drawdownRecoveredAt).toBe(T0 + 3 * DAY + 12 * H);
  });

  it('computes CAGR (1.1979^(365/4) - 1) and Calmar = CAGR / 0.10', () => {
    const cagr = Math.pow(1.1979, 365 / 4) - 1;
    expect(m.cagrPct! / (cagr * 100)).toBeCloseTo(1, 9);
    expect(m.calmar! / (cagr / 0.1)).toBeCloseTo(1, 9);
  });

  it('counts trades, outcomes and rates: 5 trades in 4 days, 2W/1D/2L', () => {
    expect([m.trades, m.wins, m.draws, m.losses]).toEqual([5, 2, 1, 2]);
    expect(m.tradesPerDay).toBe(1.25);
    expect(m.winRatePct).toBe(40);
  });

  it('computes profit factor 30.1/15.1, expectancy 3 and expectancy ratio (1 + 15.05/7.55)*0.4 - 1', () => {
    expect(m.profitFactor).toBeCloseTo(30.1 / 15.1, 12);
    expect(m.expectancy).toBe('3'); // 0.4*15.05 - 0.4*7.55
    expect(m.expectancyRatio).toBeCloseTo(29.8 / 151, 12);
  });

  it('computes SQN = sqrt(5) * 3 / sqrt(590.14/4)', () => {
    // deviations from mean 3: 6.8, -13.1, -3, 17.3, -8 -> squares sum 590.14
    expect(m.sqn).toBeCloseTo((Math.sqrt(5) * 3) / Math.sqrt(590.14 / 4), 12);
  });

  it('averages trade pnl (15/5 = 3), return ((9.8-10.1+0+10.15-5)/5 = 0.97%) and durations (6h, winners 12h, losers 2.5h)', () => {
    expect(m.avgTradePnl).toBe('3');
    expect(m.avgTradeReturnPct).toBeCloseTo(0.97, 12);
    expect([m.avgDurationMs, m.avgWinnerDurationMs, m.avgLoserDurationMs]).toEqual([6 * H, 12 * H, 2.5 * H]);
  });

  it('picks best/worst trade by return %, pair by total pnl and day by pnl of trades closed that UTC day', () => {
    expect(m.bestTrade).toEqual({ symbol: 'BTC/USDT', entryTime: T0 + 2 * DAY + 2 * H, exitTime: T0 + 3 * DAY, pnl: '20.3', returnPct: 10.15 });
    expect(m.worstTrade).toMatchObject({ symbol: 'ETH/USDT', pnl: '-10.1', returnPct: -10.1 });
    expect([m.bestPair, m.worstPair]).toEqual(['BTC/USDT', 'ETH/USDT']);
    expect(m.bestDay).toEqual({ day: '2024-01-04', pnl: '15.3' }); // 20.3 - 5
    expect(m.worstDay).toEqual({ day: '2024-01-02', pnl: '-10.1' });
  });

  it('reports streaks (W L D W L -> 1/1), exposure (30h of 96h), fees (0.7) and market change ((20% - 10%)/2)', () => {
    expect([m.maxConsecutiveWins, m.maxConsecutiveLosses]).toEqual([1, 1]);
    expect(m.exposurePct).toBe(31.25);
    expect(m.feesPaid).toBe('0.7');
    expect(m.marketChangePct).toBeCloseTo(5, 12);
  });

  it('builds per-pair and per-exit-reason tables sorted by total pnl, and per-month tables', () => {
    expect(m.perPair).toEqual([
      { key: 'BTC/USDT', trades: 3, wins: 2, draws: 1, losses: 0, winRatePct: expect.closeTo(200 / 3, 10), totalPnl: '30.1', totalProfitPct: 3.01, avgReturnPct: 6.65, avgDurationMs: 30_000_000 /* 25h/3 */, fees: '0.5' },
      { key: 'ETH/USDT', trades: 2, wins: 0, draws: 0, losses: 2, winRatePct: 0, totalPnl: '-15.1', totalProfitPct: -1.51, avgReturnPct: -7.55, avgDurationMs: 2.5 * H, fees: '0.2' },
    ]);
    expect(m.perExitReason.map((r) => [r.key, r.totalPnl])).toEqual([['roi', '20.3'], ['signal', '9.8'], ['stop_loss', '-15.1']]);
    expect(m.perMonth.map((r) => [r.key, r.trades, r.totalPnl])).toEqual([['2024-01', 5, '15']]);
  });

  it('never emits NaN or Infinity', () => {
    expect(nonFinite(m)).toEqual([]);
  });
});

describe('computeMetrics on degenerate input', () => {
  it('returns null, never NaN, for ratios undefined with no trades and a flat equity curve', () => {
    const m = computeMetrics({ trades: [], equity: [], startBalance: '1000', from: T0, to: T0 + 2 * DAY });
    expect(nonFinite(m)).toEqual([]);
    expect(m).toMatchObject({
      finalBalance: '1000', absoluteProfit: '0', totalProfitPct: 0, cagrPct: 0, sharpe: null, sortino: null, calmar: null,
      sqn: null, profitFactor: null, expectancy: null, expectancyRatio: null, trades: 0, tradesPerDay: 0, winRatePct: null,
      avgTradePnl: null, avgTradeReturnPct: null, avgDurationMs: null, avgWinnerDurationMs: null, avgLoserDurationMs: null,
      bestTrade: null, worstTrade: null, bestPair: null, worstPair: null, bestDay: null, worstDay: null,
      maxConsecutiveWins: 0, maxConsecutiveLosses: 0, maxDrawdownAbs: '0', maxDrawdownPct: 0, drawdownStart: null,
      marketChangePct: null, exposurePct: 0, feesPaid: '0', perPair: [], perExitReason: [], perMonth: [],
    });
  });

  it('returns null for period-based metrics when to <= from', () => {
    const m = computeMetrics({ trades: [trade({ pnl: '1' })], equity: [], startBalance: '1000', from: T0, to: T0 });
    expect([m.cagrPct, m.tradesPerDay, m.exposurePct, m.sharpe, m.sortino]).toEqual([null, null, null, null, null]);
  });

  it('falls back to startBalance + sum(pnl) for the final balance when no equity curve is given (1000 + 5 - 2)', () => {
    const m = computeMetrics({ trades: [trade({ pnl: '5' }), trade({ pnl: '-2' })], equity: [], startBalance: '1000', from: T0, to: T0 + DAY });
    expect([m.finalBalance, m.absoluteProfit]).toEqual(['1003', '3']);
  });

  it('returns null profit factor and expectancy ratio when no trade lost', () => {
    const m = computeMetrics({ trades: [trade({ pnl: '5' }), trade({ pnl: '0' })], equity: [], startBalance: '1000', from: T0, to: T0 + DAY });
    expect([m.profitFactor, m.expectancyRatio, m.expectancy]).toEqual([null, null, '2.5']);
  });
});
