import type { Policy } from '../domain/policy.js';
import { regimeAt, regimeCandlesNeeded, type Regime } from '../domain/regime.js';
import { regimeLeader, regimeParams, regimeVerdict } from '../domain/regime-policy.js';
import type { SimState } from './sim-state.js';

/**
 * The symbol's regime at the engine's current close for the regime gate, as market-regime.ts reads it in the
 * pipeline: regimeAt on the last regimeCandlesNeeded candles seen (and the leader's). Undefined when the gate is off.
 */
export function backtestRegime(state: SimState, symbol: string, policy: Policy): Regime | undefined {
  if (!policy.regime.enabled) return undefined;
  const params = regimeParams(policy.regime);
  const need = regimeCandlesNeeded(params);
  const leader = regimeLeader(policy, symbol);
  const own = state.seen.get(symbol)?.slice(-need) ?? [];
  return regimeAt(own, params, leader === undefined ? undefined : state.seen.get(leader)?.slice(-need) ?? []);
}

/** Entries the regime gate shrank (approved with a reduced stake), per run state. */
const reducedEntries = new WeakMap<SimState, number>();

/** Counts an approved entry the gate shrank. */
export function countRegimeReduced(state: SimState, policy: Policy, strategy: string, regime: Regime | undefined): void {
  if (regimeVerdict(policy.regime, strategy, regime).rule === 'reduced') reducedEntries.set(state, (reducedEntries.get(state) ?? 0) + 1);
}

/** How many approved entries of the run the gate shrank. */
export const regimeReducedCount = (state: SimState): number => reducedEntries.get(state) ?? 0;
