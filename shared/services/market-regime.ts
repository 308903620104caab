import type { Timeframe } from '../domain/candle.js';
import type { Policy } from '../domain/policy.js';
import { regimeAt, regimeCandlesNeeded, regimeUnknownWhy, type Regime } from '../domain/regime.js';
import { regimeLeader, regimeParams } from '../domain/regime-policy.js';
import type { MarketDataStore } from '../ports.js';

/**
 * The symbol's regime at `now` for the regime gate: regimeAt on its last regimeCandlesNeeded closed candles
 * from the market table (and the leader's, see regimeLeader), as the backtest reads them from its candle arrays.
 * Undefined when the gate is off, in warm-up or unconfirmed.
 */
export async function marketRegime(market: MarketDataStore, policy: Policy, symbol: string, now: number): Promise<Regime | undefined> {
  return (await marketRegimeView(market, policy, symbol, now)).regime;
}

/** marketRegime, and why none can be computed when the stored candles are too few (regimeUnknownWhy); empty when the gate is off. */
export async function marketRegimeView(market: MarketDataStore, policy: Policy, symbol: string, now: number): Promise<{ regime?: Regime; unknown?: string }> {
  if (!policy.regime.enabled) return {};
  const params = regimeParams(policy.regime);
  const need = regimeCandlesNeeded(params);
  const tf = policy.timeframe as Timeframe;
  const leader = regimeLeader(policy, symbol);
  const [own, lead] = await Promise.all([
    market.getRecentClosedCandles(symbol, tf, now, need),
    leader === undefined ? undefined : market.getRecentClosedCandles(leader, tf, now, need),
  ]);
  const last = own.at(-1);
  const unknown = regimeUnknownWhy(params, own.length, leader === undefined ? undefined
    : { symbol: leader, count: last === undefined ? 0 : lead!.filter((c) => c.openTime <= last.openTime).length });
  const regime = regimeAt(own, params, lead);
  return { ...(regime === undefined ? {} : { regime }), ...(unknown === undefined ? {} : { unknown }) };
}
