/**
 * Item shapes and resolution rules of the policy table (ACTIVE, LAST_VALID, history, rejections),
 * shared by the DynamoDB and in-memory policy stores so both apply exactly the same rules.
 */
import {
  canonicalJson, defaultPolicy, policyHash, validatePolicy, type LoadedPolicy, type Policy, type PolicyProblem, type ValidationContext,
} from '../domain/policy.js';
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
} as const;

/** A policy item once read: its version and either the valid policy or why it is not one. */
export type PolicyReading =
  | { readonly ok: true; readonly version: number; readonly policy: Policy; readonly hash: string }
  | { readonly ok: false; readonly version: number; readonly problems: PolicyProblem[] };

/** Reads a policy item whose `document` is a JSON string (S) or a map (M), validated against `context`; never throws. */
export function readPolicyItem(item: Item, context: ValidationContext = {}): PolicyReading {
  const version = versionOf(item);
  const problems: PolicyProblem[] = version > 0 ? [] : [{ path: 'version', message: 'must be a positive integer number (N)', code: 'BAD_VERSION', severity: 'error' }];
  const document = parseDocument(item['document']);
  if ('problem' in document) problems.push(document.problem);
  else {
    const result = validatePolicy(document.value, context);
    if (!result.ok) problems.push(...result.problems);
    else if (!problems.length) return { ok: true, version, policy: result.policy, hash: policyHash(result.policy) };
  }
  return { ok: false, version, problems };
}

/** The item's `version` when it is a positive safe integer, else 0. */
export function versionOf(item: Item | undefined): number {
  const v = item?.['version'];
  return typeof v === 'number' && Number.isSafeInteger(v) && v > 0 ? v : 0;
}

function parseDocument(raw: unknown): { value: unknown } | { problem: PolicyProblem } {
  if (typeof raw === 'string') {
    try {
      return { value: JSON.parse(raw) as unknown };
    } catch (err) {
      return { problem: { path: '(root)', message: `document is not valid JSON (${(err as Error).message})`, code: 'UNREADABLE_DOCUMENT', severity: 'error' } };
    }
  }
  if (raw !== null && typeof raw === 'object' && Object.getPrototypeOf(raw) === Object.prototype) return { value: raw };
  const message = raw === undefined ? 'document is missing' : 'document must be a JSON string (S) or a map (M)';
  return { problem: { path: '(root)', message, code: 'UNREADABLE_DOCUMENT', severity: 'error' } };
}

/** What load() returns, and the bookkeeping writes it implies. */
export interface PolicyResolution {
  readonly loaded: LoadedPolicy;
  /** The active policy is valid and newer than LAST_VALID: store it as the new last valid. */
  readonly promote?: { readonly version: number; readonly policy: Policy; readonly hash: string };
  /** The active item is invalid: record the rejection (once per version). */
  readonly reject?: { readonly version: number; readonly problems: readonly PolicyProblem[] };
}

let defaults: LoadedPolicy | undefined;

/** Decides which policy is in force from the ACTIVE and LAST_VALID items. An invalid document never wins. */
export function resolvePolicy(active: Item | undefined, lastValid: Item | undefined, context: ValidationContext = {}): PolicyResolution {
  const a = active && readPolicyItem(active, context);
  const lv = lastValid && readPolicyItem(lastValid, context);
  if (a?.ok) {
    const loaded: LoadedPolicy = { policy: a.policy, hash: a.hash, version: a.version, source: 'active' };
    const newer = !lv?.ok || lv.version < a.version || (lv.version === a.version && lv.hash !== a.hash);
    return newer ? { loaded, promote: { version: a.version, policy: a.policy, hash: a.hash } } : { loaded };
  }
  if (!defaults) {
    const policy = defaultPolicy();
    defaults = { policy, hash: policyHash(policy), version: 0, source: 'default' };
  }
  const fallback: LoadedPolicy = lv?.ok
    ? { policy: lv.policy, hash: lv.hash, version: lv.version, source: 'last-valid' }
    : { ...defaults, policy: structuredClone(defaults.policy) };
  if (!a) return { loaded: fallback };
  const rejected = { version: a.version, problems: a.problems };
  return { loaded: { ...fallback, rejected }, reject: rejected };
}

/** The LAST_VALID item for a promoted policy (document stored as canonical JSON, after defaults). */
export function lastValidItem(p: NonNullable<PolicyResolution['promote']>, at: number): Item {
  return { ...policyKeys.lastValid, version: p.version, hash: p.hash, document: canonicalJson(p.policy), savedAt: at };
}

/** The rejection record of an invalid ACTIVE version, with an excerpt of the offending document. */
export function rejectionItem(r: NonNullable<PolicyResolution['reject']>, active: Item, at: number): Item {
  return {
    ...policyKeys.rejection(r.version), version: r.version, rejectedAt: at,
    problems: r.problems.map((p) => ({ path: p.path, message: p.message, ...(p.code ? { code: p.code } : {}) })),
    documentExcerpt: excerpt(active['document']),
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

function excerpt(raw: unknown): string {
  try {
    const text = typeof raw === 'string' ? raw : JSON.stringify(raw, (_k, v: unknown) =>
      typeof v === 'bigint' ? v.toString() : v instanceof Set ? [...v] : v instanceof Uint8Array ? '<binary>' : v);
    return (text ?? String(raw)).slice(0, 2000);
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
  readonly problems: readonly PolicyProblem[];
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
    documentExcerpt: typeof item['documentExcerpt'] === 'string' ? item['documentExcerpt'] : '',
  };
}
