import type { Policy } from '../policy.js';
import type { RiskGuard } from './guard.js';
import {
  cashGuard, maxExposureGuard, maxOpenPositionsGuard, maxPositionGuard, maxPositionSizeGuard, minNotionalGuard, strategyBudgetGuard,
} from './guards-exposure.js';
import { globalLockGuard, pairLockGuard } from './guards-locks.js';
import { regimeGuard } from './guards-regime.js';
import { canaryGuard } from '../readiness-canary.js';
import { dailyLossGuard, maxDrawdownGuard, weeklyLossGuard } from './guards-loss.js';
import { badTickGuard, circuitGuard, spreadGuard, staleDataGuard } from './guards-market.js';
import {
  minTimeBetweenTradesGuard, newPositionsPerHourGuard, symbolCooldownGuard, tradesPerDayGuard, tradesPerHourGuard,
} from './guards-pacing.js';
import {
  killSwitchGuard, marketPriceGuard, noPositionGuard, positionAlreadyOpenGuard, pyramidAddsGuard, readOnlyGuard,
} from './guards-state.js';

export type { GuardCheck, RiskGuard } from './guard.js';
export { runGuard } from './guard.js';

/** Every guard, in chain order (the order reasons are listed in): mode/state, exposure, loss, pacing, locks, market, regime. */
export const RISK_GUARDS: readonly RiskGuard[] = [
  killSwitchGuard, readOnlyGuard, marketPriceGuard, positionAlreadyOpenGuard, pyramidAddsGuard, noPositionGuard,
  minNotionalGuard, maxPositionGuard, maxPositionSizeGuard, maxExposureGuard, maxOpenPositionsGuard, strategyBudgetGuard, canaryGuard, cashGuard,
  dailyLossGuard, weeklyLossGuard, maxDrawdownGuard,
  tradesPerDayGuard, tradesPerHourGuard, newPositionsPerHourGuard, minTimeBetweenTradesGuard, symbolCooldownGuard,
  globalLockGuard, pairLockGuard,
  staleDataGuard, spreadGuard, badTickGuard, circuitGuard, regimeGuard,
];

/** The registry: each guard by its stable name. */
export const GUARDS_BY_NAME: Readonly<Record<string, RiskGuard>> = Object.fromEntries(RISK_GUARDS.map((g) => [g.name, g]));

/** The chain the policy selects: every registered guard whose `enabled(policy)` holds (or that has none), in order. */
export function guardsFor(policy: Policy, registry: readonly RiskGuard[] = RISK_GUARDS): RiskGuard[] {
  return registry.filter((g) => g.enabled?.(policy) ?? true);
}
