import type { Candle } from '../domain/candle.js';
import { marketFillPrice, needsVolume as volumeNeeded, orderRuleViolation, takeLiquidity, type FillConfig } from '../domain/fill-model.js';
import { recentVolatility, volatilityCloses } from '../domain/impact.js';
import { applyFill, release } from '../domain/ledger.js';
import { splitSymbol, type MarketInfo } from '../domain/market.js';
import { dec, money, ZERO, type Decimal } from '../domain/money.js';
import type { Fill } from '../domain/order.js';
import type { Policy } from '../domain/policy.js';
import { screenedMarketFillPrice, screenedTakeLiquidity } from './fill-screen.js';
import { fillSliced } from './slice-fills.js';
import { count, feeRateOf, type PendingOrder, type SimState } from './sim-state.js';

/**
 * Fills the pending orders of `candle.symbol` at that candle's open with the paper venue's market order
 * (PaperExchange.placeOrder on fill-model.ts): book bid = ask = the open; the exchange filters checked at
 * the fixed-slippage price; fixed + square-root impact slippage and the volume participation cap on the
 * volume of the latest candle closed before it (what the venue reads at placement: the decision candle),
 * the rest expiring; the fill refused when it costs more than the cash. Books each fill with applyFill,
 * timed at the open, and releases the reservation. `candle` is the symbol's first candle opening at or after
 * the decision, so an order decided on candle k fills at candle k+1's open (or the next one after a gap).
 * Prices come through the float screen of fill-screen.ts (the same fills); `exact` calls the fill model directly.
 */
export function fillPending(state: SimState, candle: Candle, market: MarketInfo, policy: Policy, policyHash: string, exact = false): void {
  const mine = state.pending.filter((p) => p.order.symbol === candle.symbol && p.decidedAt <= candle.openTime);
  if (mine.length === 0) return;
  const config = fillConfigOf(policy);
  const seen = state.seen.get(candle.symbol);
  const volume = seen?.at(-1)?.volume;
  const lookback = config.impactModel === 'almgren-chriss' ? policy.execution.almgrenChriss.volatilityCandles : 0;
  const volatility = lookback > 0 && seen ? recentVolatility(volatilityCloses(seen.slice(-(lookback + 1)), lookback)).toFixed() : undefined;
  for (const p of mine) {
    state.pending.splice(state.pending.indexOf(p), 1);
    if (p.order.slices) {
      fillSliced(state, p, (child, o) => fillOne(state, child, candle, volume, market, config, policyHash, exact, volatility, o));
      state.ledger = release(state.ledger, p.order.orderId, candle.openTime);
      continue;
    }
    fillOne(state, p, candle, volume, market, config, policyHash, exact, volatility);
  }
}

/** The fill model's parameters from the policy's paper section, as paperOptionsFor gives them to the paper venue (built once per policy). */
export function fillConfigOf(policy: Policy): FillConfig {
  let config = fillConfigs.get(policy);
  if (!config) {
    const p = policy.paper;
    config = {
      slippageBps: p.slippageBps, impactCoefficient: p.impactCoefficient, maxVolumeParticipationPct: p.maxVolumeParticipationPct,
      takerFeeRate: feeRateOf(p.takerFeeBps), makerFeeRate: feeRateOf(p.makerFeeBps), seed: p.seed,
      ...(policy.execution.impactModel === 'almgren-chriss' ? { impactModel: 'almgren-chriss' as const, almgrenChriss: policy.execution.almgrenChriss } : {}),
    };
    fillConfigs.set(policy, config);
  }
  return config;
}

/** fillConfigOf results: policies are not mutated once validated. */
const fillConfigs = new WeakMap<Policy, FillConfig>();

function fillOne(
  state: SimState, p: PendingOrder, candle: Candle, volume: number | undefined, market: MarketInfo, config: FillConfig, policyHash: string, exact: boolean,
  volatility?: string, slice?: { readonly executedBefore: Decimal; readonly continues: boolean },
): Decimal {
  const { order } = p;
  const at = candle.openTime;
  const { base, quote } = splitSymbol(order.symbol);
  const held = state.ledger.positions[order.symbol]?.quantity ?? ZERO;
  const ordered = dec(order.quantity);
  const quantity = order.side === 'sell' && ordered.gt(held) ? held : ordered;
  const book = { bid: candle.open, ask: candle.open };
  const unfilled = (reason: string) => {
    count(state.unfilled, reason);
    state.ledger = release(state.ledger, order.orderId, at);
    return ZERO;
  };
  if (quantity.lte(0)) return unfilled('NOTHING_TO_SELL');
  const violation = orderRuleViolation(market, quantity, (exact ? marketFillPrice : screenedMarketFillPrice)(order.side, book, config.slippageBps, market.priceStep));
  if (violation) return unfilled(`REJECTED_${violation.rule}`);
  const needsVolume = volumeNeeded(config);
  const sim = (exact ? takeLiquidity : screenedTakeLiquidity)({
    side: order.side, quantity, book, config, market, ...(needsVolume && volume !== undefined ? { volume } : {}), ...(volatility === undefined ? {} : { volatility }),
    ...(slice ? { executedBefore: slice.executedBefore } : {}),
  });
  if (!sim) return unfilled('NO_LIQUIDITY');
  if (order.side === 'buy' && sim.price.mul(sim.quantity).add(sim.fee).gt(state.ledger.cash)) return unfilled('INSUFFICIENT_FUNDS');
  const fill: Fill = {
    tradeId: `${order.orderId}-1`, orderId: order.orderId, clientOrderId: order.clientOrderId, symbol: order.symbol,
    side: order.side, quantity: money(sim.quantity), price: money(sim.price), fee: money(sim.fee), feeCurrency: quote,
    liquidity: sim.liquidity, time: at, policyHash,
    ...(order.strategy ? { strategy: order.strategy } : {}), ...(order.exitReason ? { exitReason: order.exitReason } : {}),
  };
  const booked = applyFill(state.ledger, fill, base, quote, slice?.continues ? { continuesOrder: true } : {});
  state.ledger = release(booked.ledger, order.orderId, at);
  if (order.side === 'buy') {
    const leg = state.open.get(order.symbol);
    state.open.set(order.symbol, {
      entryTime: leg?.entryTime ?? at,
      quantity: (leg?.quantity ?? ZERO).add(sim.quantity),
      notional: (leg?.notional ?? ZERO).add(sim.quantity.mul(sim.price)),
      fees: (leg?.fees ?? ZERO).add(sim.fee),
    });
    return sim.quantity;
  }
  const leg = state.open.get(order.symbol);
  const closed = state.ledger.trades?.at(-1);
  if (!leg || !closed) return sim.quantity;
  const whole = sim.quantity.gte(leg.quantity);
  const share = whole ? undefined : sim.quantity.div(leg.quantity);
  const entryFees = share === undefined ? leg.fees : leg.fees.mul(share).toDecimalPlaces(8);
  state.trades.push({
    symbol: order.symbol, side: 'long', entryTime: leg.entryTime, entryPrice: money(leg.notional.div(leg.quantity).toDecimalPlaces(12)),
    exitTime: at, exitPrice: money(sim.price), quantity: money(sim.quantity), fees: money(entryFees.add(sim.fee)),
    pnl: money(closed.pnl), exitReason: closed.exitReason,
  });
  if (state.ledger.positions[order.symbol]) {
    state.open.set(order.symbol, {
      ...leg, quantity: leg.quantity.sub(sim.quantity), notional: leg.notional.mul(dec(1).sub(share ?? sim.quantity.div(leg.quantity))), fees: leg.fees.sub(entryFees),
    });
  } else {
    state.open.delete(order.symbol);
  }
  return sim.quantity;
}
