/** One closed backtest trade as it appears in the report JSON (money as decimal strings, times epoch ms). */
export interface MetricsTrade {
  readonly symbol: string;
  readonly side: string;
  readonly entryTime: number;
  readonly entryPrice: string;
  readonly exitTime: number;
  readonly exitPrice: string;
  readonly quantity: string;
  readonly fees: string;
  /** Net of fees, quote currency. */
  readonly pnl: string;
  readonly exitReason: string;
}

/** One mark of account equity (quote currency, decimal string) at epoch ms. */
export interface EquityPoint {
  readonly time: number;
  readonly equity: string;
}

/** Equity marked at every step in float64 (cash + Σ quantity × price); times epoch ms, ascending. */
export interface FloatCurve {
  readonly time: Float64Array;
  readonly equity: Float64Array;
}

/** Everything computeMetrics needs; the period is [from, to) in epoch ms. */
export interface MetricsInput {
  readonly trades: readonly MetricsTrade[];
  /** Exact equity marks; the last one is the final balance. */
  readonly equity: readonly EquityPoint[];
  /**
   * The per-step float curve, when the run has one: drawdown and daily returns are then read from it (every
   * step) instead of from `equity` (which may be sampled). Tests show both give the decimal results to 1e-9.
   */
  readonly curve?: FloatCurve;
  readonly startBalance: string;
  readonly from: number;
  readonly to: number;
  /** First and last close per symbol over the period, for buy-and-hold comparison. */
  readonly marketChange?: Readonly<Record<string, { readonly first: string; readonly last: string }>>;
}

/** A single trade picked out as best or worst, by return %. */
export interface TradeRef {
  readonly symbol: string;
  readonly entryTime: number;
  readonly exitTime: number;
  readonly pnl: string;
  readonly returnPct: number;
}

/** A UTC day (YYYY-MM-DD) and the net pnl of the trades that closed on it. */
export interface DayRef {
  readonly day: string;
  readonly pnl: string;
}

/** One row of a per-pair / per-exit-reason / per-month table. */
export interface BreakdownRow {
  readonly key: string;
  readonly trades: number;
  readonly wins: number;
  readonly draws: number;
  readonly losses: number;
  readonly winRatePct: number;
  /** Σ pnl of the group, decimal string. */
  readonly totalPnl: string;
  /** Σ pnl / startBalance × 100. */
  readonly totalProfitPct: number | null;
  /** Mean of per-trade return % (pnl / entry notional × 100). */
  readonly avgReturnPct: number | null;
  readonly avgDurationMs: number;
  readonly fees: string;
}

/** Largest peak-to-trough fall of the equity curve, chosen by % from peak. */
export interface DrawdownStats {
  /** Peak − trough of that drawdown, decimal string; "0" when equity never fell. */
  readonly maxDrawdownAbs: string;
  /** (peak − trough) / peak × 100; 0 when equity never fell. */
  readonly maxDrawdownPct: number;
  /** Time of the peak; null when equity never fell. */
  readonly drawdownStart: number | null;
  /** Time of the trough; null when equity never fell. */
  readonly drawdownEnd: number | null;
  /** drawdownEnd − drawdownStart in ms; null when equity never fell. */
  readonly drawdownDurationMs: number | null;
  /** First time equity got back to the peak after the trough; null if never (or no drawdown). */
  readonly drawdownRecoveredAt: number | null;
}

/** Every backtest performance metric; see the README (Backtesting → Metric definitions). */
export interface BacktestMetrics extends DrawdownStats {
  readonly startBalance: string;
  readonly finalBalance: string;
  readonly absoluteProfit: string;
  readonly totalProfitPct: number | null;
  readonly cagrPct: number | null;
  readonly sharpe: number | null;
  readonly sortino: number | null;
  readonly calmar: number | null;
  readonly sqn: number | null;
  readonly profitFactor: number | null;
  readonly expectancy: string | null;
  readonly expectancyRatio: number | null;
  readonly trades: number;
  readonly tradesPerDay: number | null;
  readonly wins: number;
  readonly draws: number;
  readonly losses: number;
  readonly winRatePct: number | null;
  readonly avgTradePnl: string | null;
  readonly avgTradeReturnPct: number | null;
  readonly avgDurationMs: number | null;
  readonly avgWinnerDurationMs: number | null;
  readonly avgLoserDurationMs: number | null;
  readonly bestTrade: TradeRef | null;
  readonly worstTrade: TradeRef | null;
  readonly bestPair: string | null;
  readonly worstPair: string | null;
  readonly bestDay: DayRef | null;
  readonly worstDay: DayRef | null;
  readonly maxConsecutiveWins: number;
  readonly maxConsecutiveLosses: number;
  readonly marketChangePct: number | null;
  readonly exposurePct: number | null;
  readonly feesPaid: string;
  readonly perPair: readonly BreakdownRow[];
  readonly perExitReason: readonly BreakdownRow[];
  readonly perMonth: readonly BreakdownRow[];
}
