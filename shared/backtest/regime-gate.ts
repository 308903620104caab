import type { Candle } from '../domain/candle.js';
import type { Policy } from '../domain/policy.js';
import { regimeUnknownWhy, type Regime } from '../domain/regime.js';
import { regimeLeader, regimeParams, regimeVerdict } from '../domain/regime-policy.js';
import { RegimeCache } from './regime-cache.js';
import { regimeRun, type RegimeRun } from './regime-report.js';
import type { SimState } from './sim-state.js';

/**
 * The symbol's regime at the engine's current close for the regime gate, as market-regime.ts reads it in the
 * pipeline: regimeAt on the last regimeCandlesNeeded candles seen (and the leader's), through the run's RegimeCache
 * (each raw class computed once). Undefined when the gate is off.
 */
export function backtestRegime(state: SimState, symbol: string, policy: Policy): Regime | undefined {
  if (!policy.regime.enabled) return undefined;
  const own = state.seen.get(symbol);
  if (!own) return undefined;
  const key = `${symbol} ${own.length}`;
  let known = caches.get(state);
  if (known?.policy !== policy) { known = { policy, cache: new RegimeCache(regimeParams(policy.regime)), key: '', regime: undefined }; caches.set(state, known); }
  if (known.key === key) return known.regime;
  const leader = regimeLeader(policy, symbol);
  const seen = leader === undefined ? undefined : state.seen.get(leader);
  known.regime = known.cache.at(symbol, own, leader !== undefined && seen ? { symbol: leader, seen } : undefined);
  known.key = key;
  return known.regime;
}

/** Why no regime can be computed at the engine's current close (as marketRegimeView says in the pipeline); undefined when it can or the gate is off. */
export function backtestRegimeUnknown(state: SimState, symbol: string, policy: Policy): string | undefined {
  if (!policy.regime.enabled) return undefined;
  const own = state.seen.get(symbol) ?? [];
  const leader = regimeLeader(policy, symbol);
  const last = own.at(-1);
  let count = 0;
  if (leader !== undefined && last !== undefined) {
    const seen = state.seen.get(leader) ?? [];
    count = seen.length;
    while (count > 0 && seen.at(count - 1)!.openTime > last.openTime) count--;
  }
  return regimeUnknownWhy(regimeParams(policy.regime), own.length, leader === undefined ? undefined : { symbol: leader, count });
}

/** Per run state: its regime cache, and the last regime it gave (several entries of one symbol at one close read it once). */
const caches = new WeakMap<SimState, { readonly policy: Policy; readonly cache: RegimeCache; key: string; regime: Regime | undefined }>();

/** Entries the regime gate shrank (approved with a reduced stake), per run state. */
const reducedEntries = new WeakMap<SimState, number>();

/** Counts an approved entry the gate shrank. */
export function countRegimeReduced(state: SimState, policy: Policy, strategy: string, regime: Regime | undefined): void {
  if (regimeVerdict(policy.regime, strategy, regime).rule === 'reduced') reducedEntries.set(state, (reducedEntries.get(state) ?? 0) + 1);
}

/** How many approved entries of the run the gate shrank. */
export const regimeReducedCount = (state: SimState): number => reducedEntries.get(state) ?? 0;

/** The run's regime report (regime-report.ts) from the engine's series and state; undefined when the gate is off. */
export function regimeRunOf(state: SimState, policy: Policy, symbols: readonly string[], series: readonly (readonly Candle[])[]): RegimeRun | undefined {
  if (!policy.regime.enabled) return undefined;
  const bySymbol = Object.fromEntries(symbols.map((s, i) => [s, series[i]!]));
  return regimeRun(policy, bySymbol, { blocked: state.rejections.REGIME_BLOCKED ?? 0, reduced: regimeReducedCount(state) });
}
