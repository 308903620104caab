/**
 * Item shapes and resolution rules of the policy table (ACTIVE, LAST_VALID, history, rejections),
 * shared by the DynamoDB and in-memory policy stores so both apply exactly the same rules.
 */
import { createHash } from 'node:crypto';
import {
  canonicalJson, defaultPolicy, policyHash, validatePolicy, type LoadedPolicy, type Policy, type PolicyProblem, type ValidationContext,
} from '../domain/policy.js';
import { MAX_LISTED_PROBLEMS, boundedProblems, cut, parseDocumentText } from '../domain/policy-document.js';
import { pad13, type Item } from './codec.js';
import { RecordInvalidError } from './errors.js';
// ---- policy table ----

/** Keys of the policy table's items. ACTIVE is the one the operator writes. */
export const policyKeys = {
  active: { pk: 'POLICY', sk: 'ACTIVE' },
  lastValid: { pk: 'POLICY', sk: 'LAST_VALID' },
  history: (version: number) => ({ pk: 'POLICY', sk: `V#${pad13(version)}` }),
  historyPrefix: 'V#',
  rejection: (version: number) => ({ pk: 'POLICY_REJECTION', sk: pad13(version) }),
  /** A stale version may reuse the number of an earlier rejection: its record is keyed by the document too. */
  staleRejection: (version: number, digest: string) => ({ pk: 'POLICY_REJECTION', sk: `${pad13(version)}#STALE#${digest.slice(0, 16)}` }),
} as const;

/** A policy item once read: its version and either the valid policy or why it is not one. */
export type PolicyReading =
  | { readonly ok: true; readonly version: number; readonly policy: Policy; readonly hash: string; readonly digest: string }
  | { readonly ok: false; readonly version: number; readonly problems: PolicyProblem[] };

/** Reads a policy item whose `document` is a JSON string (S) or a map (M), validated against `context`; never throws. */
export function readPolicyItem(item: Item, context: ValidationContext = {}): PolicyReading {
  const version = versionOf(item);
  const problems: PolicyProblem[] = version > 0 ? [] : [{ path: 'version', message: 'must be a positive integer number (N)', code: 'BAD_VERSION', severity: 'error' }];
  const document = parseDocument(item['document']);
  if ('problems' in document) problems.push(...document.problems);
  else {
    const result = validatePolicy(document.value, context);
    if (!result.ok) problems.push(...result.problems);
    else if (!problems.length) return { ok: true, version, policy: result.policy, hash: policyHash(result.policy), digest: documentDigest(item['document']) };
  }
  return { ok: false, version, problems };
}

/** The item's `version` when it is a positive safe integer, else 0. */
export function versionOf(item: Item | undefined): number {
  const v = item?.['version'];
  return typeof v === 'number' && Number.isSafeInteger(v) && v > 0 ? v : 0;
}

/** SHA-256 of a stored document as written (the text, or the canonical JSON of a map): tells two documents apart. */
export function documentDigest(raw: unknown): string {
  let text: string;
  try { text = typeof raw === 'string' ? raw : canonicalJson(raw); } catch { text = String(raw); }
  return createHash('sha256').update(text ?? 'undefined').digest('hex');
}

function parseDocument(raw: unknown): { value: unknown } | { problems: PolicyProblem[] } {
  if (typeof raw === 'string') {
    const parsed = parseDocumentText(raw);
    return parsed.ok ? { value: parsed.value } : { problems: parsed.problems };
  }
  if (raw !== null && typeof raw === 'object' && !Array.isArray(raw) && !(raw instanceof Uint8Array) && !(raw instanceof Set)) return { value: raw };
  const message = raw === undefined ? 'document is missing' : 'document must be a JSON string (S) or a map (M)';
  return { problems: [{ path: '(root)', message, code: 'UNREADABLE_DOCUMENT', severity: 'error' }] };
}

/** What load() returns, and the bookkeeping writes it implies. */
export interface PolicyResolution {
  readonly loaded: LoadedPolicy;
  /** The active policy is valid and newer than LAST_VALID: store it as the new last valid. */
  readonly promote?: { readonly version: number; readonly policy: Policy; readonly hash: string; readonly digest: string };
  /** The active item is invalid or stale: record the rejection (once per version; problems bounded, problemCount the total). */
  readonly reject?: {
    readonly version: number; readonly problems: readonly PolicyProblem[]; readonly problemCount: number; readonly key: { pk: string; sk: string };
  };
}

let defaults: LoadedPolicy | undefined;

/** Decides which policy is in force from the ACTIVE and LAST_VALID items. An invalid document never wins. */
export function resolvePolicy(active: Item | undefined, lastValid: Item | undefined, context: ValidationContext = {}): PolicyResolution {
  const a = active && readPolicyItem(active, context);
  const lv = lastValid && readPolicyItem(lastValid, context);
  const stale = a?.ok && lv?.ok && lastValid ? staleness(a, lv, lastValid) : undefined;
  if (a?.ok && !stale) {
    const loaded: LoadedPolicy = { policy: a.policy, hash: a.hash, version: a.version, source: 'active' };
    const newer = !lv?.ok || lv.version < a.version || (lv.version === a.version && lv.hash !== a.hash);
    return newer ? { loaded, promote: { version: a.version, policy: a.policy, hash: a.hash, digest: a.digest } } : { loaded };
  }
  if (!defaults) {
    const policy = defaultPolicy();
    defaults = { policy, hash: policyHash(policy), version: 0, source: 'default' };
  }
  const fallback: LoadedPolicy = lv?.ok
    ? { policy: lv.policy, hash: lv.hash, version: lv.version, source: 'last-valid' }
    : { ...defaults, policy: structuredClone(defaults.policy) };
  if (!a) return { loaded: fallback };
  const all = a.ok ? [stale!] : a.problems;
  const rejected = { version: a.version, problems: boundedProblems(all), problemCount: all.length };
  const key = a.ok ? policyKeys.staleRejection(a.version, a.digest) : policyKeys.rejection(a.version);
  return { loaded: { ...fallback, rejected }, reject: { ...rejected, key } };
}

/**
 * A valid ACTIVE version at or below LAST_VALID's is stale (it would take effect but never enter the history), unless it
 * is the very document LAST_VALID came from (same version, same digest; or a LAST_VALID written before digests were kept).
 */
function staleness(a: { version: number; digest: string }, lv: { version: number }, lastValid: Item): PolicyProblem | undefined {
  if (a.version > lv.version) return undefined;
  const from = lastValid['documentDigest'];
  if (a.version === lv.version && (from === undefined || from === a.digest)) return undefined;
  return {
    path: 'version', code: 'STALE_VERSION', severity: 'error',
    message: `version ${a.version} is not above version ${lv.version} in force; write it again with a higher version (stratus policy set does)`,
  };
}

/** Deployment facts, given, or read on demand (whether the exchange secret holds keys is read only for a LIVE policy). */
export type ValidationSource = ValidationContext | (() => Promise<ValidationContext>);

/** resolvePolicy under `source`; a lazy source is asked only when the policy that would be in force is LIVE. */
export async function resolvePolicyWith(active: Item | undefined, lastValid: Item | undefined, source: ValidationSource): Promise<PolicyResolution> {
  if (typeof source !== 'function') return resolvePolicy(active, lastValid, source);
  const first = resolvePolicy(active, lastValid, {});
  return first.loaded.policy.mode === 'LIVE' ? resolvePolicy(active, lastValid, await source()) : first;
}

/** hashIfValid under `source`, asking a lazy source only for a LIVE document. */
export async function hashIfValidWith(stored: unknown, source: ValidationSource): Promise<string | null> {
  if (typeof source !== 'function') return hashIfValid(stored, source);
  const r = readPolicyItem({ version: 1, document: stored });
  return r.ok && r.policy.mode === 'LIVE' ? hashIfValid(stored, await source()) : r.ok ? r.hash : null;
}

/** The LAST_VALID item for a promoted policy (document stored as canonical JSON, after defaults). */
export function lastValidItem(p: NonNullable<PolicyResolution['promote']>, at: number): Item {
  return { ...policyKeys.lastValid, version: p.version, hash: p.hash, documentDigest: p.digest, document: canonicalJson(p.policy), savedAt: at };
}

/**
 * The rejection record of an invalid ACTIVE version: its first MAX_LISTED_PROBLEMS problems (each cut to size), the total
 * count and a bounded excerpt, so it always fits a DynamoDB item. `minimal` keeps only a few, for a retry after a failed put.
 */
export function rejectionItem(r: NonNullable<PolicyResolution['reject']>, active: Item, at: number, minimal = false): Item {
  const problems = minimal ? r.problems.slice(0, 5) : r.problems.slice(0, MAX_LISTED_PROBLEMS);
  return {
    ...r.key, version: r.version, rejectedAt: at, problemCount: r.problemCount,
    problems: problems.map((p) => ({ path: p.path, message: p.message, ...(p.code ? { code: p.code } : {}) })),
    documentExcerpt: minimal ? '' : excerpt(active['document']),
  };
}

/** The stored form of a written document: a plain object as a map (M), anything else as JSON text (S). */
export function policyDocumentAttribute(document: unknown): unknown {
  if (typeof document === 'string') return document;
  let json: string;
  try {
    json = JSON.stringify(document) ?? 'null';
  } catch (err) {
    throw new RecordInvalidError('policy document (not JSON-serialisable)', { cause: err });
  }
  const plain = JSON.parse(json) as unknown;
  return plain !== null && typeof plain === 'object' && !Array.isArray(plain) ? plain : json;
}

/** Characters of the offending document kept in its rejection record. */
const EXCERPT_CHARS = 2000;

function excerpt(raw: unknown): string {
  if (typeof raw === 'string') return cut(raw, EXCERPT_CHARS);
  try {
    const text = typeof raw === 'string' ? raw : JSON.stringify(raw, (_k, v: unknown) =>
      typeof v === 'bigint' ? v.toString() : v instanceof Set ? [...v] : v instanceof Uint8Array ? '<binary>' : v);
    return cut(text ?? String(raw), EXCERPT_CHARS);
  } catch {
    return '<unprintable>';
  }
}

// ---- history and rejections ----

/** One written policy version (a V#… item), newest first in listings. */
export interface PolicyVersion {
  readonly version: number;
  /** Hash of the policy the document validated to when written; null when it did not validate. */
  readonly hash: string | null;
  readonly writtenBy: string;
  /** Epoch ms of the write. */
  readonly at: number;
  /** The document exactly as written: an object, or the JSON text when it was not one. */
  readonly document: unknown;
}

/** The record of an ACTIVE version that failed validation and never took effect. */
export interface PolicyRejection {
  readonly version: number;
  /** Epoch ms the first loader saw it. */
  readonly at: number;
  /** The first problems (bounded); problemCount is how many there were. */
  readonly problems: readonly PolicyProblem[];
  readonly problemCount: number;
  readonly documentExcerpt: string;
}

/** Read access to a policy table's bookkeeping, for operators (the CLI) rather than trading functions. */
export interface PolicyRecords {
  /** The policy in force without recording anything (no LAST_VALID promotion, no rejection record). */
  peek(): Promise<LoadedPolicy>;
  /** Written versions, newest first; `limit` bounds the count (all when absent). */
  history(limit?: number): Promise<PolicyVersion[]>;
  /** Rejection records, newest version first; `limit` bounds the count (all when absent). */
  rejections(limit?: number): Promise<PolicyRejection[]>;
}

/** The history item of a written version; `hash` only when the document validated. */
export function historyItem(version: number, stored: unknown, meta: { by: string; at: number }, hash: string | null): Item {
  return { ...policyKeys.history(version), version, document: stored, updatedBy: meta.by, updatedAt: meta.at, ...(hash ? { hash } : {}) };
}

/** The policy hash of a stored document (object or JSON text) when it validates under `context`, else null. */
export function hashIfValid(stored: unknown, context: ValidationContext): string | null {
  const r = readPolicyItem({ version: 1, document: stored }, context);
  return r.ok ? r.hash : null;
}

/** The history item for an ACTIVE version a loader promoted (possibly written directly, not through write()). */
export function promotedHistoryItem(active: Item, p: NonNullable<PolicyResolution['promote']>, at: number): Item {
  const by = typeof active['updatedBy'] === 'string' ? active['updatedBy'] : 'direct write to ACTIVE';
  return historyItem(p.version, active['document'], { by, at: typeof active['updatedAt'] === 'number' ? active['updatedAt'] : at }, p.hash);
}

/** A history item as a PolicyVersion; tolerant: odd attributes read as unknown/0 rather than throwing. */
export function readHistoryItem(item: Item): PolicyVersion {
  const stored = typeof item['hash'] === 'string' ? item['hash'] : null;
  return {
    version: versionOf(item), hash: stored, writtenBy: typeof item['updatedBy'] === 'string' ? item['updatedBy'] : 'unknown',
    at: typeof item['updatedAt'] === 'number' ? item['updatedAt'] : 0, document: item['document'],
  };
}

/** A rejection item as a PolicyRejection; tolerant like readHistoryItem. */
export function readRejectionItem(item: Item): PolicyRejection {
  const raw = Array.isArray(item['problems']) ? (item['problems'] as unknown[]) : [];
  const problems = raw.map((p): PolicyProblem => {
    const o = (p ?? {}) as Record<string, unknown>;
    return { path: String(o['path'] ?? '(root)'), message: String(o['message'] ?? ''), ...(typeof o['code'] === 'string' ? { code: o['code'] } : {}) };
  });
  return {
    version: versionOf(item), at: typeof item['rejectedAt'] === 'number' ? item['rejectedAt'] : 0, problems,
    problemCount: typeof item['problemCount'] === 'number' ? item['problemCount'] : problems.length,
    documentExcerpt: typeof item['documentExcerpt'] === 'string' ? item['documentExcerpt'] : '',
  };
}
