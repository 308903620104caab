/**
 * The go-live gate's records and verdict: each automated check has a stable code, a status and its evidence; a LIVE
 * policy is ready when the recorded verdict passed and every required role signed off after it, or when a recorded
 * override carries its own sign-off by someone else. Pure: the records are read by adapters (dynamo-readiness-store.ts).
 */
import type { GoLivePolicy } from './readiness-policy.js';

/** PASS, FAIL, or UNKNOWN (the evidence could not be read); only PASS counts as passed (fail closed). */
export type CheckStatus = 'PASS' | 'FAIL' | 'UNKNOWN';

/** Stable codes of the automated checks, in the order they run and print. */
export const READINESS_CODES = [
  'PAPER_HISTORY', 'PAPER_DRAWDOWN', 'PAPER_SHARPE', 'PAPER_ERROR_RATE', 'WALK_FORWARD', 'BREAK_EVEN_COST',
  'KILL_SWITCH_DRILL', 'ALERTS_SUBSCRIBED', 'EXCHANGE_KEYS', 'RECONCILE_CLEAN',
] as const;

/** One check's stable code. */
export type ReadinessCode = (typeof READINESS_CODES)[number];

/** One automated check's result, with the evidence line the operator reads. */
export interface ReadinessCheck {
  readonly code: ReadinessCode;
  readonly status: CheckStatus;
  readonly evidence: string;
}

/** A run of every check, as recorded (`stratus go-live-check --record`). */
export interface ReadinessVerdict {
  /** Epoch ms of the run. */
  readonly at: number;
  readonly passed: boolean;
  readonly checks: readonly ReadinessCheck[];
  readonly by: string;
}

/** One sign-off: who, in which role, when (epoch ms), and why. */
export interface SignOff {
  readonly role: string;
  readonly by: string;
  readonly at: number;
  readonly note: string;
}

/** A documented override of the checklist; it counts only with an `override` sign-off by someone else, made after it. */
export interface GoLiveOverride {
  readonly by: string;
  readonly reason: string;
  readonly at: number;
}

/** Partition of the go-live records in the policy table (the adapter's, and the IAM deny's in lib/go-live-grants.ts). */
export const GOLIVE_PK = 'GOLIVE';

/** The role an override's own sign-off is made in. */
export const OVERRIDE_ROLE = 'override';

/** What the functions read before a LIVE policy may take effect: the durable go-live records. */
export interface ReadinessFacts {
  readonly verdict?: ReadinessVerdict;
  readonly signoffs: readonly SignOff[];
  readonly override?: GoLiveOverride;
  /** Epoch ms the first LIVE policy took effect on this deployment (the canary's start). */
  readonly liveSince?: number;
  /** Set when the records could not be read: LIVE is then refused (fail closed). */
  readonly unreadable?: string;
}

/** A verdict passes only when every check ran and every one is PASS. */
export function verdictPassed(checks: readonly ReadinessCheck[]): boolean {
  return READINESS_CODES.every((code) => checks.some((c) => c.code === code && c.status === 'PASS'));
}

/** The override in force, when it has an `override` sign-off made at or after it by someone other than its author. */
export function effectiveOverride(facts: ReadinessFacts): { override: GoLiveOverride; signoff: SignOff } | undefined {
  const o = facts.override;
  const signoff = o && facts.signoffs.find((s) => s.role === OVERRIDE_ROLE && s.at >= o.at && s.by !== o.by);
  return o && signoff ? { override: o, signoff } : undefined;
}

/** What is missing before a LIVE policy may take effect under `goLive`; empty when ready. */
export function readinessMissing(goLive: GoLivePolicy, facts: ReadinessFacts): string[] {
  if (facts.unreadable) return [`go-live records unreadable (${facts.unreadable})`];
  if (effectiveOverride(facts)) return [];
  const missing: string[] = [];
  const v = facts.verdict;
  if (!v) missing.push('no go-live-check verdict on record (run stratus go-live-check --record)');
  else if (!v.passed) {
    const failed = v.checks.filter((c) => c.status !== 'PASS').map((c) => `${c.code} ${c.status}`);
    missing.push(`the recorded go-live-check of ${new Date(v.at).toISOString()} did not pass: ${failed.join(', ') || 'checks missing'}`);
  }
  for (const role of goLive.requiredSignoffRoles) {
    const signed = v?.passed === true && facts.signoffs.some((s) => s.role === role && s.at >= v.at);
    if (!signed) missing.push(`sign-off by role ${role}${v?.passed ? ` after the verdict of ${new Date(v.at).toISOString()}` : ' (after a passing verdict)'}`);
  }
  if (facts.override) missing.push(`the override by ${facts.override.by} needs a sign-off in role ${OVERRIDE_ROLE} by someone else, made after it`);
  return missing;
}
