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
  /** Epoch ms (the reader's clock) the records were read: a record dated later (a skewed or forged clock) does not count. */
  readonly readAt?: number;
}

/** Who signed, as the gate compares signers: trimmed, inner whitespace collapsed, case-folded (" Olga" is olga). */
export const signerKey = (who: string): string => who.trim().replace(/\s+/g, ' ').toLowerCase();

/** Tolerance for a record dated just after the read (clocks a little apart), ms. */
const FUTURE_TOLERANCE_MS = 60_000;

/** The record when it is not dated after the facts were read (plus the tolerance); else undefined. */
function notFuture<T extends { readonly at: number }>(facts: ReadinessFacts, r: T | undefined): T | undefined {
  return r !== undefined && (facts.readAt === undefined || r.at <= facts.readAt + FUTURE_TOLERANCE_MS) ? r : undefined;
}

/** Whether each role can be given its own signer (no one person signs for two roles): a small bipartite matching. */
function distinctSigners(roles: readonly string[], signersOf: (role: string) => readonly string[]): string[] {
  const holder = new Map<string, string>();
  const assign = (role: string, seen: Set<string>): boolean => signersOf(role).some((who) => {
    if (seen.has(who)) return false;
    seen.add(who);
    const other = holder.get(who);
    if (other !== undefined && !assign(other, seen)) return false;
    holder.set(who, role);
    return true;
  });
  return roles.filter((role) => !assign(role, new Set()));
}

/** A verdict passes only when every check ran and every one is PASS (a second, failing entry for a code fails it too). */
export function verdictPassed(checks: readonly ReadinessCheck[]): boolean {
  return checks.every((c) => c.status === 'PASS') && READINESS_CODES.every((code) => checks.some((c) => c.code === code));
}

/** The override in force, when it has an `override` sign-off made at or after it by someone other than its author. */
export function effectiveOverride(facts: ReadinessFacts): { override: GoLiveOverride; signoff: SignOff } | undefined {
  const o = notFuture(facts, facts.override);
  const v = notFuture(facts, facts.verdict);
  if (!o || (v && v.at > o.at)) return undefined; // a verdict recorded after the override decides again
  const signoff = facts.signoffs.find((s) => s.role === OVERRIDE_ROLE && s.at >= o.at && notFuture(facts, s) && signerKey(s.by) !== signerKey(o.by));
  return signoff ? { override: o, signoff } : undefined;
}

/** What is missing before a LIVE policy may take effect under `goLive`; empty when ready. */
export function readinessMissing(goLive: GoLivePolicy, facts: ReadinessFacts): string[] {
  if (facts.unreadable) return [`go-live records unreadable (${facts.unreadable})`];
  if (effectiveOverride(facts)) return [];
  const missing: string[] = [];
  const v = notFuture(facts, facts.verdict);
  if (facts.verdict && !v) missing.push(`the recorded go-live-check is dated ${new Date(facts.verdict.at).toISOString()}, in the future: a clock is wrong`);
  else if (!v) missing.push('no go-live-check verdict on record (run stratus go-live-check --record)');
  else if (!v.passed || !verdictPassed(v.checks)) {
    const failed = v.checks.filter((c) => c.status !== 'PASS').map((c) => `${c.code} ${c.status}`);
    missing.push(`the recorded go-live-check of ${new Date(v.at).toISOString()} did not pass: ${failed.join(', ') || 'checks missing'}`);
  }
  const passed = v?.passed === true && verdictPassed(v.checks); // a record saying passed over failed or missing checks has not
  const signersOf = (role: string) => [...new Set(facts.signoffs
    .filter((s) => passed && s.role === role && s.at >= v.at && notFuture(facts, s)).map((s) => signerKey(s.by)))];
  const unsigned = new Set(distinctSigners(goLive.requiredSignoffRoles, signersOf));
  for (const role of goLive.requiredSignoffRoles) {
    if (!unsigned.has(role)) continue;
    const others = signersOf(role).length > 0 ? ' by someone who did not sign for another role' : '';
    missing.push(`sign-off by role ${role}${others}${v && passed ? ` after the verdict of ${new Date(v.at).toISOString()}` : ' (after a passing verdict)'}`);
  }
  const o = facts.override;
  if (o) missing.push(v && v.at > o.at ? `the override by ${o.by} was superseded by the go-live-check recorded after it`
    : `the override by ${o.by} needs a sign-off in role ${OVERRIDE_ROLE} by someone else, made after it`);
  return missing;
}
