/**
 * Sanity checks beyond the schema: contradictions, unsafe values and mode-specific rules, each with a
 * stable code, a severity and the path of the offending value. The checks live in three families
 * (policy-sanity-contradictions.ts, -values.ts, -ranges.ts, -modes.ts); this module runs them and owns deprecated keys.
 */
import type { Policy, PolicyProblem, ValidationContext } from './policy.js';
import { contradictionChecks } from './policy-sanity-contradictions.js';
import { modeChecks } from './policy-sanity-modes.js';
import { positionChecks } from './policy-sanity-positions.js';
import { regimeChecks } from './policy-sanity-regime.js';
import { rangeChecks } from './policy-sanity-ranges.js';
import { readinessChecks } from './readiness-sanity.js';
import { valueChecks } from './policy-sanity-values.js';

/** One finding of a check; severity defaults to the check's own. */
export interface Finding {
  readonly path: string;
  readonly message: string;
  readonly severity?: 'error' | 'warning';
}

/** A sanity check: a stable code, what it catches (one line, for the README table), and the check itself. */
export interface SanityCheck {
  readonly code: string;
  readonly severity: 'error' | 'warning';
  readonly summary: string;
  readonly check: (p: Policy, context: ValidationContext) => readonly Finding[];
}

/** Keys of earlier policy versions, with where their setting lives now. */
export const DEPRECATED_KEYS: Readonly<Record<string, string>> = {
  staleDataSeconds: 'marketQuality.staleDataSeconds',
  'risk.maxDrawdownPct': 'lossLimits.maxDrawdownPct',
  'risk.killSwitchCooldownSeconds': 'killSwitch.cooldownSeconds',
};

/** Every sanity check, in the order they run (DEPRECATED_KEY runs before the schema, see deprecatedKeyProblems). */
export const SANITY_CHECKS: readonly SanityCheck[] = [...contradictionChecks, ...valueChecks, ...rangeChecks, ...modeChecks, ...positionChecks, ...readinessChecks, ...regimeChecks];

/** The deprecated-key rule, listed with the checks for documentation. */
export const DEPRECATED_KEY_CHECK = {
  code: 'DEPRECATED_KEY', severity: 'error', summary: 'a key of an earlier policy version; the message names its replacement',
} as const;

/** A deprecated key is an error naming its replacement (it would otherwise fail as an unknown key). */
export function deprecatedKeyProblems(document: unknown): PolicyProblem[] {
  const out: PolicyProblem[] = [];
  for (const [path, replacement] of Object.entries(DEPRECATED_KEYS)) {
    let node: unknown = document;
    for (const part of path.split('.')) node = isRecord(node) ? node[part] : undefined;
    if (node !== undefined) out.push({ path, code: 'DEPRECATED_KEY', severity: 'error', message: `deprecated: use ${replacement}` });
  }
  return out;
}

/** The document without its deprecated keys (they are reported by deprecatedKeyProblems, not again as unknown keys). */
export function withoutDeprecatedKeys(document: unknown): unknown {
  if (!isRecord(document)) return document;
  const copy: Record<string, unknown> = { ...document };
  for (const path of Object.keys(DEPRECATED_KEYS)) {
    const parts = path.split('.');
    let node: Record<string, unknown> = copy;
    for (const part of parts.slice(0, -1)) {
      const child = node[part];
      if (!isRecord(child)) { node = {}; break; }
      node = node[part] = { ...child };
    }
    delete node[parts.at(-1)!];
  }
  return copy;
}

/** Contradictions and unsafe values the schema cannot express: every finding of every check, errors and warnings. */
export function sanityProblems(p: Policy, context: ValidationContext): PolicyProblem[] {
  return SANITY_CHECKS.flatMap((c) => c.check(p, context).map((f): PolicyProblem => ({
    path: f.path, message: f.message, code: c.code, severity: f.severity ?? c.severity,
  })));
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
