import type { Candle, Timeframe } from '../domain/candle.js';
import type { MarketInfo } from '../domain/market.js';
import type { Policy } from '../domain/policy.js';
import type { EquityPoint, FloatCurve, MetricsTrade } from './metrics-types.js';
import type { RegimeRun } from './regime-report.js';

/** What a backtest runs: the policy in force (symbols, timeframe, strategies, risk, paper fees), its data and rules. */
export interface BacktestInput {
  /** The policy after defaults; its symbols, timeframe and strategies drive the run. */
  readonly policy: Policy;
  readonly policyHash: string;
  /** Closed candles per symbol, oldest first, of policy.timeframe (gaps allowed). */
  readonly candles: Readonly<Record<string, readonly Candle[]>>;
  /** Exchange rules per symbol (fee rates are taken from policy.paper, not from here). */
  readonly markets: (symbol: string) => MarketInfo;
  /** Echoed into the output's config (what the run was asked for: dates, data path ...). */
  readonly config?: Readonly<Record<string, unknown>>;
  /** Called every `progressEvery` time steps with (steps done, steps total). */
  readonly onProgress?: (done: number, total: number) => void;
  readonly progressEvery?: number;
  /**
   * Run the decimal domain code at every step, bypassing the float screens (screens.ts), and keep an exact
   * equity point per step: the reference the fast path is tested against. Slow (~20k steps/s).
   */
  readonly exact?: boolean;
}

export type { FloatCurve };

/**
 * One closed round trip (long only), the metrics module's trade narrowed to long: quantity is the base bought
 * (and sold), fees entry plus exit, pnl proceeds − cost with both fees (the ledger's realized PnL of the trade),
 * exitReason one of stop-loss, trailing-stop, take-profit, roi, time-stop or signal.
 */
export interface BacktestTrade extends MetricsTrade {
  readonly side: 'long';
}

/** Equity (cash + positions at the mark) after a time step. */
export type { EquityPoint };

/** A position still open when the data ended, valued at the last mark. */
export interface OpenPositionReport {
  readonly symbol: string;
  readonly entryTime: number;
  readonly quantity: string;
  readonly costBasis: string;
}

/** The engine's raw result, before metrics. */
export interface BacktestRun {
  readonly trades: readonly BacktestTrade[];
  /**
   * Exact (decimal) equity after a step: every step when the run has ≤ MAX_EQUITY_POINTS steps (or in exact
   * mode), else the last step of each of MAX_EQUITY_POINTS equal runs of steps; the final step always.
   */
  readonly equity: readonly EquityPoint[];
  /** Float equity after every step (see FloatCurve). */
  readonly curve: FloatCurve;
  /** Rejected decisions counted per reason code (each code of a rejection counts once). */
  readonly rejections: Readonly<Record<string, number>>;
  readonly openPositions: readonly OpenPositionReport[];
  readonly startingCash: string;
  readonly finalEquity: string;
  /** Orders that could not fill (e.g. nothing to fill against), by reason. */
  readonly unfilled: Readonly<Record<string, number>>;
  readonly steps: number;
  readonly candles: number;
  /** The kill switch at the end: ARMED, or TRIPPED with when and why (it is never reset in a backtest). */
  readonly killSwitch: { readonly status: string; readonly at?: number; readonly reason?: string };
  readonly timeframe: Timeframe;
  /** The regime gate's timeline and what it changed; only when policy.regime.enabled. */
  readonly regime?: RegimeRun;
}

/** The --json document. */
export interface BacktestReport {
  readonly config: Readonly<Record<string, unknown>>;
  readonly metrics: Readonly<Record<string, unknown>>;
  readonly trades: readonly BacktestTrade[];
  readonly equity: readonly EquityPoint[];
  readonly rejections: Readonly<Record<string, number>>;
  /** BacktestRun.regime, when the regime gate was on. */
  readonly regime?: RegimeRun;
}
