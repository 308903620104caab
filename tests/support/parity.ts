/**
 * The pipeline's books in the backtest's shapes, for the parity test: round trips from the stored fills and
 * the ledger's closed-trade journal, open positions from the ledger.
 */
import type { BacktestTrade, OpenPositionReport } from '../../shared/backtest/types.js';
import type { Ledger } from '../../shared/domain/ledger.js';
import { dec, money } from '../../shared/domain/money.js';
import type { Fill } from '../../shared/domain/order.js';

/**
 * The round trips of the pipeline's fills, as the backtest reports them: per symbol in time order, a buy opens
 * a leg and the sell after it closes it (entry/exit price and time of the two fills, fees of both, pnl and exit
 * reason from the ledger's closed trade). Throws on anything else (two buys, a sell without a leg, a partial
 * sell), which the backtest would report differently and the parity test must not pair up silently.
 */
export function pipelineRoundTrips(fills: readonly Fill[], ledger: Ledger): BacktestTrade[] {
  const open = new Map<string, Fill>();
  const trades: BacktestTrade[] = [];
  for (const f of ordersOf([...fills].sort((a, b) => a.time - b.time || (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0)))) {
    const entry = open.get(f.symbol);
    if (f.side === 'buy') {
      if (entry) throw new Error(`two buys of ${f.symbol} without a sell between (${entry.tradeId}, ${f.tradeId})`);
      open.set(f.symbol, f);
      continue;
    }
    if (!entry || !dec(entry.quantity).eq(f.quantity)) throw new Error(`sell ${f.tradeId} does not close a whole ${f.symbol} leg`);
    open.delete(f.symbol);
    const closed = (ledger.trades ?? []).find((t) => t.symbol === f.symbol && t.closedAt === f.time && t.openedAt === entry.time);
    if (!closed) throw new Error(`no closed trade in the ledger for ${f.tradeId}`);
    trades.push({
      symbol: f.symbol, side: 'long', entryTime: entry.time, entryPrice: money(entry.price), exitTime: f.time, exitPrice: money(f.price),
      quantity: money(f.quantity), fees: money(dec(entry.fee).add(f.fee)), pnl: money(closed.pnl), exitReason: closed.exitReason,
    });
  }
  return trades;
}

/**
 * Fills of one symbol and side at one time as one (a sliced order's children, all due at once, fill at the same
 * quote): quantities and fees summed, the price volume-weighted to 12 places as the backtest's legs and merged trades.
 */
export function ordersOf(sorted: readonly Fill[]): Fill[] {
  const out: Fill[] = [];
  for (const f of sorted) {
    const prev = out.at(-1);
    if (!prev || prev.symbol !== f.symbol || prev.side !== f.side || prev.time !== f.time) { out.push(f); continue; }
    const quantity = dec(prev.quantity).add(f.quantity);
    const notional = dec(prev.quantity).mul(prev.price).add(dec(f.quantity).mul(f.price));
    out[out.length - 1] = { ...prev, quantity: money(quantity), price: money(notional.div(quantity).toDecimalPlaces(12)), fee: money(dec(prev.fee).add(f.fee)) };
  }
  return out;
}

/** The ledger's open positions as the backtest reports them (by symbol). */
export function pipelineOpenPositions(ledger: Ledger): OpenPositionReport[] {
  return Object.values(ledger.positions)
    .sort((a, b) => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0))
    .map((p) => ({ symbol: p.symbol, entryTime: p.openedAt, quantity: money(p.quantity), costBasis: money(p.costBasis) }));
}
