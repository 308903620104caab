import type { Reason } from '../decision.js';
import type { Decimal } from '../money.js';
import { assess, type Assessment, type RiskContext } from './context.js';
import { runGuard, type RiskGuard } from './guard.js';
import { guardsFor } from './guards.js';

/** The risk chain's verdict: approved only when no guard failed; quantity/notional as sized. */
export interface RiskResult {
  approved: boolean;
  reasons: Reason[];
  quantity: Decimal;
  notional: Decimal;
  /** notional × (1 + taker fee) for buys (what the reservation holds); 0 for sells. */
  cost: Decimal;
  assessment: Assessment;
}

/**
 * Sizes the intent once, then runs every guard the policy selects (guardsFor) in chain order, collecting
 * every failure: it never stops early, so a decision lists all its reasons.
 */
export function evaluateRisk(ctx: RiskContext, guards: readonly RiskGuard[] = guardsFor(ctx.policy)): RiskResult {
  const a = assess(ctx);
  const reasons = guards.map((g) => runGuard(g, ctx, a)).filter((r): r is Reason => r !== undefined);
  return { approved: reasons.length === 0, reasons, quantity: a.quantity, notional: a.notional, cost: a.cost, assessment: a };
}
