import type { Candle } from '../domain/candle.js';
import { fillMarketOrder } from '../domain/fill-model.js';
import { applyFill, release } from '../domain/ledger.js';
import { splitSymbol, type MarketInfo } from '../domain/market.js';
import { dec, money, ZERO } from '../domain/money.js';
import type { Fill } from '../domain/order.js';
import type { Policy } from '../domain/policy.js';
import { count, type PendingOrder, type SimState } from './sim-state.js';

/**
 * Fills the pending orders of `candle.symbol` at that candle's open (book bid = ask = open) with the paper
 * fill model's market order (fixed slippage against us, taker fee on the notional), books each fill with
 * applyFill and releases its reservation. `candle` is the symbol's first candle opening at or after the
 * decision, so an order decided on candle k fills at candle k+1's open (or the next one after a gap).
 */
export function fillPending(state: SimState, candle: Candle, market: MarketInfo, policy: Policy, policyHash: string): void {
  const mine = state.pending.filter((p) => p.order.symbol === candle.symbol && p.decidedAt <= candle.openTime);
  for (const p of mine) {
    state.pending.splice(state.pending.indexOf(p), 1);
    fillOne(state, p, candle, market, policy, policyHash);
  }
}

function fillOne(state: SimState, p: PendingOrder, candle: Candle, market: MarketInfo, policy: Policy, policyHash: string): void {
  const { order } = p;
  const at = candle.openTime;
  const { base, quote } = splitSymbol(order.symbol);
  const held = state.ledger.positions[order.symbol]?.quantity ?? ZERO;
  const quantity = order.side === 'sell' && dec(order.quantity).gt(held) ? held : dec(order.quantity);
  if (quantity.lte(0)) {
    count(state.unfilled, 'NOTHING_TO_SELL');
    state.ledger = release(state.ledger, order.orderId, at);
    return;
  }
  const sim = fillMarketOrder({
    side: order.side, quantity, book: { bid: candle.open, ask: candle.open }, market,
    slippageBps: policy.paper.slippageBps, feeRate: market.takerFeeRate,
  });
  const fill: Fill = {
    tradeId: `${order.orderId}-1`, orderId: order.orderId, clientOrderId: order.clientOrderId, symbol: order.symbol,
    side: order.side, quantity: money(sim.quantity), price: money(sim.price), fee: money(sim.fee), feeCurrency: quote,
    liquidity: sim.liquidity, time: at, policyHash,
    ...(order.strategy ? { strategy: order.strategy } : {}), ...(order.exitReason ? { exitReason: order.exitReason } : {}),
  };
  const booked = applyFill(state.ledger, fill, base, quote);
  state.ledger = release(booked.ledger, order.orderId, at);
  if (order.side === 'buy') {
    const leg = state.open.get(order.symbol);
    state.open.set(order.symbol, {
      entryTime: leg?.entryTime ?? at,
      quantity: (leg?.quantity ?? ZERO).add(sim.quantity),
      notional: (leg?.notional ?? ZERO).add(sim.quantity.mul(sim.price)),
      fees: (leg?.fees ?? ZERO).add(sim.fee),
    });
    return;
  }
  const leg = state.open.get(order.symbol);
  const closed = state.ledger.trades?.at(-1);
  if (!leg || !closed) return;
  const share = sim.quantity.div(leg.quantity);
  const entryFees = sim.quantity.gte(leg.quantity) ? leg.fees : leg.fees.mul(share).toDecimalPlaces(8);
  state.trades.push({
    symbol: order.symbol, side: 'long', entryTime: leg.entryTime, entryPrice: money(leg.notional.div(leg.quantity).toDecimalPlaces(12)),
    exitTime: at, exitPrice: money(sim.price), quantity: money(sim.quantity), fees: money(entryFees.add(sim.fee)),
    pnl: money(closed.pnl), exitReason: closed.exitReason,
  });
  if (state.ledger.positions[order.symbol]) {
    state.open.set(order.symbol, {
      ...leg, quantity: leg.quantity.sub(sim.quantity), notional: leg.notional.mul(dec(1).sub(share)), fees: leg.fees.sub(entryFees),
    });
  } else {
    state.open.delete(order.symbol);
  }
}
