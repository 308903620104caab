import type { GapInput, Unavailable } from '../domain/durability.js';
import { dec, sum, type DecimalLike } from '../domain/money.js';
import type { MetricsTrade } from './metrics-types.js';

/** A closed round trip of the deployment's ledger (its trade journal), as the gap reads it. */
export interface RecordedTrade {
  readonly symbol: string;
  readonly strategy?: string;
  readonly pnl: DecimalLike;
  readonly closedAt: number;
}

/** The window and run the recorded trades are compared with. */
export interface GapWindow {
  readonly strategy: string;
  readonly symbols: readonly string[];
  readonly from: number;
  readonly to: number;
  /** The policy's starting cash (quote): both realised PnLs are taken as a % of it. */
  readonly startingCash: DecimalLike;
}

/**
 * The recorded-vs-backtest gap: realised PnL of the deployment's trades closed in [from, to) on the run's symbols (and
 * strategy, when a trade names one) against that of the backtest's trades exiting in the same window, each as a % of
 * the starting cash. Unavailable when the deployment recorded no such trade.
 */
export function gapOf(recorded: readonly RecordedTrade[], backtest: readonly MetricsTrade[], w: GapWindow): GapInput | Unavailable {
  const inWindow = (t: number) => t >= w.from && t < w.to;
  const own = recorded.filter((t) => inWindow(t.closedAt) && w.symbols.includes(t.symbol) && (t.strategy === undefined || t.strategy === w.strategy));
  if (own.length === 0) return { unavailable: 'the deployment recorded no closed trade of this strategy and symbols in --from..--to' };
  const pct = (pnls: readonly DecimalLike[]) => sum(pnls).div(w.startingCash).times(100).toNumber();
  return {
    paperReturnPct: pct(own.map((t) => dec(t.pnl))),
    backtestReturnPct: pct(backtest.filter((t) => inWindow(t.exitTime)).map((t) => t.pnl)),
  };
}
