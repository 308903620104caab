import { closeTime, type Candle } from '../domain/candle.js';
import { dec, type Decimal } from '../domain/money.js';
import type { Policy } from '../domain/policy.js';
import { regimeSeries, type Regime } from '../domain/regime.js';
import { regimeLeader, regimeParams } from '../domain/regime-policy.js';
import type { StabilityInput } from '../domain/durability.js';
import type { MetricsTrade } from './metrics-types.js';

/**
 * Net PnL of closed trades per symbol and per regime at entry: the regime (policy.regime detector, smoothed, as the
 * gate and the report's timeline compute it, over `candles` that may start before the run to warm it up) at the close of
 * the last candle closing at or before the entry. Trades entered while the detector is still unclassified count for their
 * symbol only. Sums in decimal.js.
 */
export function stabilityOf(policy: Policy, candles: Readonly<Record<string, readonly Candle[]>>, trades: readonly MetricsTrade[]): StabilityInput {
  const params = regimeParams(policy.regime);
  const regimes: Record<string, (Regime | undefined)[]> = {};
  for (const symbol of Object.keys(candles).sort()) {
    const leader = regimeLeader(policy, symbol);
    regimes[symbol] = regimeSeries(candles[symbol]!, params, leader === undefined ? undefined : candles[leader]);
  }
  const bySymbol = new Map<string, Decimal>();
  const byRegime = new Map<string, Decimal>();
  const add = (m: Map<string, Decimal>, key: string, pnl: string) => m.set(key, (m.get(key) ?? dec(0)).plus(pnl));
  for (const t of trades) {
    add(bySymbol, t.symbol, t.pnl);
    const own = candles[t.symbol] ?? [];
    const i = lastClosedBy(own, t.entryTime);
    const regime = i < 0 ? undefined : regimes[t.symbol]?.[i];
    if (regime !== undefined) add(byRegime, regime, t.pnl);
  }
  const plain = (m: Map<string, Decimal>) => Object.fromEntries([...m].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => [k, v.toFixed()]));
  return { symbols: plain(bySymbol), regimes: plain(byRegime) };
}

/** Index of the last candle whose close is at or before `time` (−1: none). */
function lastClosedBy(candles: readonly Candle[], time: number): number {
  let lo = 0;
  let hi = candles.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (closeTime(candles[mid]!) <= time) { found = mid; lo = mid + 1; } else hi = mid - 1;
  }
  return found;
}
