/**
 * Order slicing in the backtest, as the pipeline does it when every child is due at once
 * (execution.slicing.intervalSeconds 0): the decision carries the same slice plan (slicePlan on the mean
 * volume of the last volumeCandles closed candles), and at the next open each child fills in turn through
 * the paper fill model — its own impact, its own participation cap, Almgren–Chriss's permanent part from
 * the children before it — booked as one order (continuesOrder), so an exit is one closed trade, and the
 * parent's reservation released after the last. Later children (intervalSeconds > 0) are not simulated:
 * slicedOrder leaves such an order whole (README, Parity).
 */
import type { MarketInfo } from '../domain/market.js';
import { dec, money, ZERO, type Decimal } from '../domain/money.js';
import type { OrderRequest } from '../domain/order.js';
import type { Policy } from '../domain/policy.js';
import { childRequest, meanVolume, slicePlan } from '../domain/slicing.js';
import type { BacktestTrade } from './types.js';
import type { CandleHistory, PendingOrder, SimState } from './sim-state.js';

/** The order with its slice plan when the policy slices it and every child is due at once; else the order as it is. */
export function slicedOrder(policy: Policy, order: OrderRequest, seen: CandleHistory | undefined, market: MarketInfo): OrderRequest {
  const s = policy.execution.slicing;
  if (!s.enabled || s.intervalSeconds !== 0 || !seen) return order;
  const slices = slicePlan(s, order.quantity, order.referencePrice, meanVolume(seen.slice(-s.volumeCandles)), market);
  return slices ? { ...order, slices, sliceIntervalSeconds: s.intervalSeconds } : order;
}

/** How one child is filled: fills.ts fillOne with the parent's executed quantity and the continuation flag; returns the base quantity filled. */
export type FillChild = (child: PendingOrder, options: { executedBefore: Decimal; continues: boolean }) => Decimal;

/** Fills a sliced parent's children in order (see the file header); one trade for the children of an exit. */
export function fillSliced(state: SimState, p: PendingOrder, fillChild: FillChild): void {
  const parent = p.order;
  let executed = ZERO;
  const tradesBefore = state.trades.length;
  for (let i = 0; i < parent.slices!.length; i++) {
    const child = { order: childRequest(parent, i, executed, p.decidedAt), decidedAt: p.decidedAt };
    executed = executed.add(fillChild(child, { executedBefore: executed, continues: executed.gt(0) }));
  }
  const parts = state.trades.splice(tradesBefore);
  if (parts.length > 0) state.trades.push(mergeTrades(parts));
}

/** The children's exit trades as one: quantities and fees summed, the exit price volume-weighted, the last pnl (the ledger's merged trade). */
function mergeTrades(parts: readonly BacktestTrade[]): BacktestTrade {
  if (parts.length === 1) return parts[0]!;
  let quantity = ZERO;
  let notional = ZERO;
  let fees = ZERO;
  for (const t of parts) {
    quantity = quantity.add(t.quantity);
    notional = notional.add(dec(t.exitPrice).mul(t.quantity));
    fees = fees.add(t.fees);
  }
  const last = parts.at(-1)!;
  return { ...last, quantity: money(quantity), exitPrice: money(notional.div(quantity).toDecimalPlaces(12)), fees: money(fees) };
}
