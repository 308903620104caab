/**
 * Rules for a policy document before the schema: how its text is parsed (strictly), which keys are refused
 * at any depth, how large and deep it may be, and how its problems are bounded wherever they are stored or sent.
 */
import { createHash } from 'node:crypto';
import type { Policy, PolicyProblem } from './policy.js';
import { FORBIDDEN_KEYS, childPath, parseStrictJson, shownKey } from './strict-json.js';

/** Largest document, in characters of JSON text (a full policy is ~5 KB; so its history copy stays far below 400 KB in UTF-8). */
export const MAX_DOCUMENT_CHARS = 65_536;
/** Deepest nesting of objects and arrays in a document (the schema needs 4). */
export const MAX_DOCUMENT_DEPTH = 32;
/** Problems kept in a rejection record, an alert or a loaded policy; the total is kept beside them. */
export const MAX_LISTED_PROBLEMS = 50;
/** Longest path and message of a listed problem. */
export const MAX_PATH_CHARS = 200;
export const MAX_MESSAGE_CHARS = 500;

/** Document-level refusals, listed with the sanity checks for documentation (they run before the schema). */
export const DOCUMENT_CHECKS = [
  { code: 'DUPLICATE_KEY', severity: 'error', summary: 'a key given twice in one object of the JSON text (JSON.parse would silently keep the last)' },
  { code: 'FORBIDDEN_KEY', severity: 'error', summary: 'a `__proto__`, `constructor` or `prototype` key, at any depth, in a string or a map (M) document' },
  { code: 'DOCUMENT_TOO_LARGE', severity: 'error', summary: `a document above ${MAX_DOCUMENT_CHARS} characters of JSON` },
  { code: 'DOCUMENT_TOO_DEEP', severity: 'error', summary: `objects and arrays nested deeper than ${MAX_DOCUMENT_DEPTH} levels` },
  { code: 'STALE_VERSION', severity: 'error', summary: 'an ACTIVE version not above the version in force (LAST_VALID): it would never enter the history' },
] as const;

/** Parses a document's JSON text strictly (BOM accepted); problems carry stable codes and paths. */
export function parseDocumentText(text: string): { ok: true; value: unknown } | { ok: false; problems: PolicyProblem[] } {
  const r = parseStrictJson(text, { maxChars: MAX_DOCUMENT_CHARS, maxDepth: MAX_DOCUMENT_DEPTH });
  return r.ok ? r : { ok: false, problems: r.problems.map((p) => ({ ...p, severity: 'error' })) };
}

/**
 * Problems of an already-parsed document (an object given to write(), or a DynamoDB map): forbidden keys at any
 * depth (as own keys, or as a prototype a `__proto__` assignment slipped in), too deep, too large. Never throws.
 */
export function documentProblems(document: unknown): PolicyProblem[] {
  const out: PolicyProblem[] = [];
  let budget = MAX_DOCUMENT_CHARS;
  const stack: [unknown, string, number][] = [[document, '(root)', 0]];
  while (stack.length && out.length < MAX_LISTED_PROBLEMS) {
    const [node, path, depth] = stack.pop()!;
    if (typeof node === 'string') budget -= node.length + 2;
    budget -= 4;
    if (budget < 0) return [...out, { path: '(root)', code: 'DOCUMENT_TOO_LARGE', severity: 'error', message: `document is above ${MAX_DOCUMENT_CHARS} characters of JSON` }];
    if (node === null || typeof node !== 'object') continue;
    if (depth >= MAX_DOCUMENT_DEPTH) {
      out.push({ path, code: 'DOCUMENT_TOO_DEEP', severity: 'error', message: `nested deeper than ${MAX_DOCUMENT_DEPTH} levels` });
      continue;
    }
    if (Array.isArray(node)) {
      node.forEach((v, i) => stack.push([v, childPath(path, i), depth + 1]));
      continue;
    }
    const proto = Object.getPrototypeOf(node) as object | null;
    if (proto !== null && proto !== Object.prototype && !Object.hasOwn(proto, 'constructor')) {
      out.push({ path: childPath(path, '__proto__'), code: 'FORBIDDEN_KEY', severity: 'error', message: 'key "__proto__" is not allowed in a policy document' });
    }
    for (const key of Object.keys(node)) {
      budget -= key.length + 3;
      if (FORBIDDEN_KEYS.has(key)) {
        out.push({ path: childPath(path, key), code: 'FORBIDDEN_KEY', severity: 'error', message: `key "${key}" is not allowed in a policy document` });
      } else stack.push([(node as Record<string, unknown>)[key], childPath(path, key), depth + 1]);
    }
  }
  return out;
}

/** Cuts a string to `max` characters, saying how long it was. */
export function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…(${text.length} chars)` : text;
}

/** The first MAX_LISTED_PROBLEMS problems, each with its path, message and code cut to size. */
export function boundedProblems(problems: readonly PolicyProblem[]): PolicyProblem[] {
  return problems.slice(0, MAX_LISTED_PROBLEMS).map((p) => ({
    path: cut(p.path, MAX_PATH_CHARS), message: cut(p.message, MAX_MESSAGE_CHARS),
    ...(p.code ? { code: shownKey(p.code) } : {}), ...(p.severity ? { severity: p.severity } : {}),
  }));
}

/** JSON with object keys sorted at every level: the input to the policy hash. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** SHA-256 hex of the canonical policy. Every decision, order and fill carries it. */
export function policyHash(policy: Policy): string {
  return createHash('sha256').update(canonicalJson(policy)).digest('hex');
}
