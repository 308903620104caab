/**
 * Sanity checks on a document the schema refused, so `policy validate` reports every problem at once: the
 * broken values are removed (the schema's defaults take their place), and only the checks that read no
 * broken or defaulted value report. A wrong type in one section no longer hides a contradiction in another.
 */
import type { z } from 'zod';
import type { Policy, PolicyProblem, ValidationContext } from './policy.js';
import { SANITY_CHECKS } from './policy-sanity.js';

type Issue = z.core.$ZodIssue;
type Parse = (document: unknown) => { success: true; data: Policy } | { success: false; error: { issues: Issue[] } };
type Node = Record<string, unknown> | unknown[];

const ROUNDS = 8;
const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null;

/** Sanity problems (errors and warnings) of the checks whose inputs all parsed; [] when the document cannot be repaired. */
export function sanityOfValidParts(input: unknown, issues: readonly Issue[], parse: Parse, context: ValidationContext): PolicyProblem[] {
  if (!isNode(input) || Array.isArray(input)) return [];
  let doc: Record<string, unknown>;
  try { doc = structuredClone(input); } catch { return []; }
  const broken: string[] = [];
  let pending = issues;
  for (let round = 0; round < ROUNDS; round++) {
    for (const issue of pending) {
      const paths = issue.code === 'unrecognized_keys' ? issue.keys.map((k) => [...issue.path, k]) : [issue.path];
      for (const path of paths) {
        const at = path.map((p) => (typeof p === 'symbol' ? String(p) : p));
        if (within(at.join('.'), broken)) continue;
        if (!remove(doc, at, broken)) return [];
      }
    }
    const r = parse(doc);
    if (r.success) return checkUntainted(r.data, broken, context);
    pending = r.error.issues;
  }
  return [];
}

/** True when `path` is, or lies under, a path already removed. */
function within(path: string, broken: readonly string[]): boolean {
  return broken.some((b) => path === b || path.startsWith(`${b}.`));
}

/** Deletes the value at `path` (a whole array when an element is bad; the parent when the key is missing). */
function remove(doc: Record<string, unknown>, path: readonly (string | number)[], broken: string[]): boolean {
  let target = [...path];
  while (target.length) {
    let parent: unknown = doc;
    let depth = 0;
    for (; depth < target.length - 1 && isNode(parent); depth++) parent = (parent as Record<string | number, unknown>)[target[depth]!];
    if (!isNode(parent) || depth < target.length - 1) { target = target.slice(0, depth); continue; }
    if (Array.isArray(parent)) { target = target.slice(0, -1); continue; }
    const key = String(target.at(-1));
    if (!Object.hasOwn(parent, key)) { target = target.slice(0, -1); continue; }
    delete parent[key];
    broken.push(target.join('.'));
    return true;
  }
  return false;
}

/** Runs each check on a read-recording view of the policy; a check that read a broken path does not report. */
function checkUntainted(policy: Policy, broken: readonly string[], context: ValidationContext): PolicyProblem[] {
  const tainted = (read: string) => broken.some((b) => read === b || read.startsWith(`${b}.`)
    || (read.endsWith('.*') && `${b}.`.startsWith(read.slice(0, -1))) || (read === '*'));
  return SANITY_CHECKS.flatMap((c) => {
    const reads = new Set<string>();
    const findings = c.check(recording(policy, '', reads), context);
    if ([...reads].some(tainted)) return [];
    return findings.map((f): PolicyProblem => ({ path: f.path, message: f.message, code: c.code, severity: f.severity ?? c.severity }));
  });
}

/** A proxy of `value` that adds the dotted path of every property read (and `path.*` for key listings) to `reads`. */
function recording<T>(value: T, path: string, reads: Set<string>): T {
  if (!isNode(value)) return value;
  const at = (key: string) => (path ? `${path}.${key}` : key);
  return new Proxy(value, {
    get(target, key, receiver) {
      const v = Reflect.get(target, key, receiver) as unknown;
      if (typeof key !== 'string' || typeof v === 'function') return v;
      reads.add(at(key));
      return recording(v, at(key), reads);
    },
    ownKeys(target) {
      reads.add(path ? `${path}.*` : '*');
      return Reflect.ownKeys(target);
    },
  }) as T;
}
