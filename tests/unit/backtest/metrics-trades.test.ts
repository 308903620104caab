import { describe, expect, it } from 'vitest';
import { computeMetrics } from '../../../shared/backtest/metrics.js';
import { bestWorstDay, bestWorstTrade, expectancy, parseTrades, profitFactor, sqn, streaks } from '../../../shared/backtest/metrics-trades.js';
import { DAY, H, T0, trade } from './metrics-fixtures.js';

const seq = (pnls: string[]) => parseTrades(pnls.map((pnl, i) => trade({ pnl, entryTime: T0 + i * H, exitTime: T0 + (i + 1) * H })));

describe('streaks', () => {
  it.each([
    [['1', '2', '0', '3', '-1', '-1', '-1'], 2, 3],
    [['1', '1', '1'], 3, 0],
    [['-1', '0', '-1'], 0, 1],
    [[], 0, 0],
  ])('%j -> %d wins, %d losses (a draw breaks a streak)', (pnls, w, l) => {
    expect(streaks(seq(pnls))).toEqual({ maxConsecutiveWins: w, maxConsecutiveLosses: l });
  });

  it('follows exit order, not input order', () => {
    const ts = [
      trade({ pnl: '1', exitTime: T0 + 1 }), trade({ pnl: '1', exitTime: T0 + 3 }), trade({ pnl: '-1', exitTime: T0 + 2 }),
    ];
    expect(streaks(parseTrades(ts)).maxConsecutiveWins).toBe(1);
  });
});

describe('SQN, profit factor and expectancy', () => {
  it('SQN of (2, 4) = sqrt(2) * 3 / sqrt(2) = 3', () => {
    expect(sqn(seq(['2', '4']))).toBeCloseTo(3, 12);
  });

  it('caps the SQN sample factor at sqrt(100): 150 trades alternating 1 and 3 -> 10 * 2 / stdev', () => {
    const pnls = Array.from({ length: 150 }, (_, i) => (i % 2 === 0 ? '1' : '3'));
    // mean 2, every deviation is ±1 -> sample var = 150/149
    expect(sqn(seq(pnls))).toBeCloseTo((10 * 2) / Math.sqrt(150 / 149), 10);
  });

  it('SQN is null with one trade or zero stdev', () => {
    expect([sqn(seq(['5'])), sqn(seq(['5', '5'])), sqn(seq([]))]).toEqual([null, null, null]);
  });

  it('profit factor (3 + 1) / |-2| = 2; null without losses', () => {
    expect(profitFactor(seq(['3', '-2', '1', '0']))).toBe(2);
    expect(profitFactor(seq(['3', '0']))).toBeNull();
  });

  it('expectancy of (3, -2, 1, 0): 0.5*2 - 0.25*2 = 0.5; ratio (1 + 2/2)*0.5 - 1 = 0', () => {
    expect(expectancy(seq(['3', '-2', '1', '0']))).toEqual({ expectancy: '0.5', expectancyRatio: 0 });
  });

  it('expectancy with only losses: -(1 * 3) = -3, ratio (1 + 0/3)*0 - 1 = -1', () => {
    expect(expectancy(seq(['-2', '-4']))).toEqual({ expectancy: '-3', expectancyRatio: -1 });
  });
});

describe('best and worst', () => {
  it('ranks trades by return %, not by pnl: 5 on 100 (5%) beats 8 on 400 (2%)', () => {
    const ts = parseTrades([trade({ pnl: '8', entryPrice: '400' }), trade({ pnl: '5', exitTime: T0 + 2 * H })]);
    const r = bestWorstTrade(ts);
    expect([r.bestTrade?.pnl, r.bestTrade?.returnPct, r.worstTrade?.pnl, r.worstTrade?.returnPct]).toEqual(['5', 5, '8', 2]);
  });

  it('skips trades with zero entry notional when ranking', () => {
    expect(bestWorstTrade(parseTrades([trade({ pnl: '1', quantity: '0' })]))).toEqual({ bestTrade: null, worstTrade: null });
  });

  it('sums pnl per UTC exit day: Jan 1 = 2 + 3, Jan 2 = -1 - 0.5', () => {
    const ts = parseTrades([
      trade({ pnl: '2', exitTime: T0 + H }), trade({ pnl: '3', exitTime: T0 + DAY - 1 }),
      trade({ pnl: '-1', exitTime: T0 + DAY }), trade({ pnl: '-0.5', exitTime: T0 + 2 * DAY - 1 }),
    ]);
    expect(bestWorstDay(ts)).toEqual({ bestDay: { day: '2024-01-01', pnl: '5' }, worstDay: { day: '2024-01-02', pnl: '-1.5' } });
  });
});

describe('decimal money', () => {
  it('keeps money exact: fees 0.1 + 0.2 = "0.3", pnl 0.1 + 0.2 → final 1000.3', () => {
    const m = computeMetrics({
      trades: [trade({ pnl: '0.1', fees: '0.1' }), trade({ pnl: '0.2', fees: '0.2' })], equity: [], startBalance: '1000', from: T0, to: T0 + DAY,
    });
    expect([m.feesPaid, m.finalBalance, m.avgTradePnl]).toEqual(['0.3', '1000.3', '0.15']);
  });

  it('groups the per-month table by UTC exit month, chronologically', () => {
    const m = computeMetrics({
      trades: [trade({ pnl: '1', exitTime: Date.UTC(2024, 1, 1) }), trade({ pnl: '2', exitTime: Date.UTC(2024, 0, 31, 23) })],
      equity: [], startBalance: '100', from: T0, to: Date.UTC(2024, 2, 1),
    });
    expect(m.perMonth.map((r) => [r.key, r.totalPnl, r.totalProfitPct])).toEqual([['2024-01', '2', 2], ['2024-02', '1', 1]]);
  });
});
