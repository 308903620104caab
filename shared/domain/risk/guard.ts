import type { Reason, ReasonCode } from '../decision.js';
import type { Policy } from '../policy.js';
import { isEntry, type Assessment, type RiskContext } from './context.js';

/** A guard's test: a message when the intent fails it, undefined when it passes. */
export type GuardCheck = (ctx: RiskContext, a: Assessment) => string | undefined;

/** A risk guard plugin, registered by name; it always rejects with its one stable reason code. */
export interface RiskGuard {
  readonly name: string;
  readonly code: ReasonCode;
  /** 'entry': only entries (first entries and pyramiding adds) are checked, exits pass; 'any': every intent. */
  readonly scope: 'entry' | 'any';
  /** Whether the policy selects this guard (its parameters come from the policy too); absent = always. */
  readonly enabled?: (policy: Policy) => boolean;
  readonly check: GuardCheck;
}

/** Runs one guard on an assessed intent: its Reason when it applies and fails, undefined otherwise. */
export function runGuard(guard: RiskGuard, ctx: RiskContext, a: Assessment): Reason | undefined {
  if (guard.scope === 'entry' && !isEntry(ctx.intent)) return undefined;
  const message = guard.check(ctx, a);
  return message === undefined ? undefined : { code: guard.code, message };
}

/** Percent of equity, quote. */
export const pctOfEquity = (a: Assessment, pct: number) => a.valuation.equity.mul(pct).div(100);
