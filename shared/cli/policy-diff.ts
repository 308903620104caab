/** One difference between two policies, at a dotted path. `before`/`after` are undefined where the path is absent. */
export interface PolicyChange {
  readonly path: string;
  readonly before?: unknown;
  readonly after?: unknown;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isObjectList = (v: unknown): v is unknown[] => Array.isArray(v) && v.some(isObject);

/**
 * Path-by-path differences, in document order. Objects and lists of objects (strategies, roi) are walked;
 * anything else (numbers, strings, null, lists of symbols) is compared whole as a leaf.
 */
export function diffPolicies(before: unknown, after: unknown, path = ''): PolicyChange[] {
  const walkable = (isObject(before) && isObject(after)) || (isObjectList(before) && isObjectList(after));
  if (!walkable) return JSON.stringify(before) === JSON.stringify(after) ? [] : [{ path: path || '(root)', before, after }];
  const b = before as Record<string, unknown>;
  const a = after as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])];
  return keys.flatMap((k) => {
    const p = path ? `${path}.${k}` : k;
    if (!(k in a)) return [{ path: p, before: b[k] }];
    if (!(k in b)) return [{ path: p, after: a[k] }];
    return diffPolicies(b[k], a[k], p);
  });
}

/** A change as one line: `~ path: before → after`, `+ path: after` or `- path: before`. */
export function formatChange(c: PolicyChange): string {
  const show = (v: unknown) => JSON.stringify(v);
  if (!('before' in c)) return `+ ${c.path}: ${show(c.after)}`;
  if (!('after' in c)) return `- ${c.path}: ${show(c.before)}`;
  return `~ ${c.path}: ${show(c.before)} → ${show(c.after)}`;
}
