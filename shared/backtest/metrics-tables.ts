import type { Decimal } from '../domain/money.js';
import { d, monthKey, pct, safeDiv } from './metrics-math.js';
import { avgDuration, avgReturnPct, total, type ParsedTrade } from './metrics-trades.js';
import type { BreakdownRow } from './metrics-types.js';

/** One table row summarising a group of trades; totalProfitPct is relative to the account's startBalance. */
export function breakdownRow(key: string, trades: readonly ParsedTrade[], startBalance: Decimal): BreakdownRow {
  const wins = trades.filter((t) => t.pnl.gt(0)).length;
  const losses = trades.filter((t) => t.pnl.lt(0)).length;
  const pnl = total(trades.map((t) => t.pnl));
  return {
    key,
    trades: trades.length,
    wins,
    draws: trades.length - wins - losses,
    losses,
    winRatePct: (wins / trades.length) * 100,
    totalPnl: pnl.toFixed(),
    totalProfitPct: pct(safeDiv(pnl, startBalance)),
    avgReturnPct: avgReturnPct(trades),
    avgDurationMs: avgDuration(trades) ?? 0,
    fees: total(trades.map((t) => t.fees)).toFixed(),
  };
}

function groupBy(trades: readonly ParsedTrade[], keyOf: (t: ParsedTrade) => string): Map<string, ParsedTrade[]> {
  const groups = new Map<string, ParsedTrade[]>();
  for (const t of trades) {
    const k = keyOf(t);
    const g = groups.get(k);
    if (g === undefined) groups.set(k, [t]);
    else g.push(t);
  }
  return groups;
}

function rows(groups: Map<string, ParsedTrade[]>, startBalance: Decimal): BreakdownRow[] {
  return [...groups].map(([k, ts]) => breakdownRow(k, ts, startBalance));
}

const byKey = (a: BreakdownRow, b: BreakdownRow): number => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

/** Rows sorted by total pnl (compared as decimals), highest first; equal pnl sorted by key so output is deterministic. */
function byPnlDesc(a: BreakdownRow, b: BreakdownRow): number {
  return d(b.totalPnl).comparedTo(d(a.totalPnl)) || byKey(a, b);
}

/** Per-pair, per-exit-reason (both by total pnl, best first) and per-month (chronological, by exit month UTC) tables. */
export function tables(trades: readonly ParsedTrade[], startBalance: Decimal): {
  perPair: BreakdownRow[]; perExitReason: BreakdownRow[]; perMonth: BreakdownRow[];
} {
  return {
    perPair: rows(groupBy(trades, (t) => t.raw.symbol), startBalance).sort(byPnlDesc),
    perExitReason: rows(groupBy(trades, (t) => t.raw.exitReason), startBalance).sort(byPnlDesc),
    perMonth: rows(groupBy(trades, (t) => monthKey(t.raw.exitTime)), startBalance).sort(byKey),
  };
}
