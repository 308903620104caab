import { DAY_MS, d, pct, safeDiv, toRatio } from './metrics-math.js';
import {
  cagr, dailyCloseMarks, dailyReturns, drawdown, equityCurve, exposurePct, floatDrawdown, marketChangePct, sharpe, sortino,
} from './metrics-equity.js';
import { tables } from './metrics-tables.js';
import {
  avgDuration, avgReturnPct, bestWorstDay, bestWorstTrade, expectancy, parseTrades, profitFactor, sqn, streaks, total,
} from './metrics-trades.js';
import type { BacktestMetrics, MetricsInput } from './metrics-types.js';

export type { BacktestMetrics, BreakdownRow, DayRef, DrawdownStats, EquityPoint, MetricsInput, MetricsTrade, TradeRef } from './metrics-types.js';

/** Computes every backtest metric from closed trades and the equity curve; pure and deterministic (definitions in the README). */
export function computeMetrics(input: MetricsInput): BacktestMetrics {
  const start = d(input.startBalance);
  const trades = parseTrades(input.trades);
  const curve = equityCurve(input.equity, start, input.from);
  const final = input.equity.length > 0 ? curve[curve.length - 1]!.equity : start.add(total(trades.map((t) => t.pnl)));
  const profit = final.sub(start);
  const returns = dailyReturns(input.curve ? dailyCloseMarks(input.curve, start, input.from) : curve, start, input.from, input.to);
  const growth = cagr(start, final, input.from, input.to);
  const dd = input.curve ? floatDrawdown(input.curve, start, input.from) : drawdown(curve);
  const days = input.to > input.from ? (input.to - input.from) / DAY_MS : null;
  const n = trades.length;
  const wins = trades.filter((t) => t.pnl.gt(0));
  const losses = trades.filter((t) => t.pnl.lt(0));
  const t = tables(trades, start);
  const best = t.perPair[0];
  const worst = t.perPair[t.perPair.length - 1];
  return {
    startBalance: start.toFixed(),
    finalBalance: final.toFixed(),
    absoluteProfit: profit.toFixed(),
    totalProfitPct: pct(safeDiv(profit, start)),
    cagrPct: pct(growth),
    sharpe: sharpe(returns),
    sortino: sortino(returns),
    calmar: growth === null || dd.ratio === null ? null : toRatio(growth.div(dd.ratio)),
    sqn: sqn(trades),
    profitFactor: profitFactor(trades),
    ...expectancy(trades),
    trades: n,
    tradesPerDay: days === null ? null : n / days,
    wins: wins.length,
    draws: n - wins.length - losses.length,
    losses: losses.length,
    winRatePct: n === 0 ? null : (wins.length / n) * 100,
    avgTradePnl: n === 0 ? null : total(trades.map((x) => x.pnl)).div(n).toFixed(),
    avgTradeReturnPct: avgReturnPct(trades),
    avgDurationMs: avgDuration(trades),
    avgWinnerDurationMs: avgDuration(wins),
    avgLoserDurationMs: avgDuration(losses),
    ...bestWorstTrade(trades),
    bestPair: best?.key ?? null,
    worstPair: worst?.key ?? null,
    ...bestWorstDay(trades),
    ...streaks(trades),
    ...dd.stats,
    marketChangePct: marketChangePct(input.marketChange),
    exposurePct: exposurePct(input.trades, input.from, input.to),
    feesPaid: total(trades.map((x) => x.fees)).toFixed(),
    ...t,
  };
}
