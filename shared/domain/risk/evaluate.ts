import type { Reason } from '../decision.js';
import type { Decimal } from '../money.js';
import { assess, type RiskContext } from './context.js';
import { RISK_GUARDS, type NamedGuard } from './guards.js';

/** The risk chain's verdict: approved only when no guard failed; quantity/notional as sized. */
export interface RiskResult {
  approved: boolean;
  reasons: Reason[];
  quantity: Decimal;
  notional: Decimal;
}

/** Sizes the intent and runs every guard in order, collecting all failures (it never stops early). */
export function evaluateRisk(ctx: RiskContext, guards: readonly NamedGuard[] = RISK_GUARDS): RiskResult {
  const { quantity, notional } = assess(ctx);
  const reasons = guards.map((g) => g.check(ctx)).filter((r): r is Reason => r !== undefined);
  return { approved: reasons.length === 0, reasons, quantity, notional };
}
