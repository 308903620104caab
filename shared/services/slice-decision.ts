import type { Timeframe } from '../domain/candle.js';
import type { Decision } from '../domain/decision.js';
import type { MarketInfo } from '../domain/market.js';
import type { Policy } from '../domain/policy.js';
import { meanVolume, slicePlan } from '../domain/slicing.js';
import type { MarketDataStore } from '../ports.js';

/**
 * The approved decision with its order's slice plan (execution.slicing), when the order exceeds the threshold of
 * the mean volume of the last volumeCandles closed candles; else the decision as it is. Reads candles only when
 * slicing is enabled. The plan is part of the decided order, so execution sends only the children risk approved.
 */
export async function slicedDecision(
  market: Pick<MarketDataStore, 'getRecentClosedCandles'>, policy: Policy, decision: Decision, info: MarketInfo, now: number,
): Promise<Decision> {
  const s = policy.execution.slicing;
  const order = decision.order;
  if (!s.enabled || !order) return decision;
  const candles = await market.getRecentClosedCandles(order.symbol, policy.timeframe as Timeframe, now, s.volumeCandles);
  const slices = slicePlan(s, order.quantity, order.referencePrice, meanVolume(candles), info);
  return slices ? { ...decision, order: { ...order, slices, sliceIntervalSeconds: s.intervalSeconds } } : decision;
}
