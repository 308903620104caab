import { validatePolicy, type Policy, type PolicyProblem, type ValidationContext } from '../domain/policy.js';
import { parseDocumentText } from '../domain/policy-document.js';
import type { CliContext } from './cli-context.js';

/** The outcome of checking a document: the policy it means, or every problem with its path. */
export type CheckedDocument =
  | { readonly ok: true; readonly document: unknown; readonly policy: Policy; readonly warnings: readonly PolicyProblem[] }
  | { readonly ok: false; readonly problems: readonly PolicyProblem[]; readonly warnings: readonly PolicyProblem[] };

/** Reads a policy file and validates it; its JSON is parsed strictly (duplicate and prototype keys refused, BOM accepted). */
export async function checkFile(ctx: Pick<CliContext, 'readText'>, file: string, context: ValidationContext = {}): Promise<CheckedDocument> {
  return checkDocument(await ctx.readText(file), context);
}

/** A policy file's JSON object parsed strictly (duplicate/prototype keys, size, depth refused); throws listing every problem. */
export async function readDocumentFile(ctx: Pick<CliContext, 'readText'>, file: string): Promise<Record<string, unknown>> {
  const parsed = parseDocumentText(await ctx.readText(file));
  const problems = parsed.ok ? [] : parsed.problems;
  if (parsed.ok && (typeof parsed.value !== 'object' || parsed.value === null || Array.isArray(parsed.value))) {
    problems.push({ path: '(root)', code: 'SCHEMA', message: 'a policy document is a JSON object' });
  }
  if (problems.length) throw new Error(`${file}: ${problems.map((p) => `${p.path} ${p.code ?? 'SCHEMA'} ${p.message}`).join('; ')}`);
  return (parsed as { value: Record<string, unknown> }).value;
}

/** Validates a document (object or JSON text, as stored) by the loaders' rules, less deployment facts such as exchange keys. */
export function checkDocument(document: unknown, context: ValidationContext = {}): CheckedDocument {
  let value = document;
  if (typeof document === 'string') {
    const parsed = parseDocumentText(document);
    if (!parsed.ok) return { ok: false, problems: parsed.problems, warnings: [] };
    value = parsed.value;
  }
  const r = validatePolicy(value, context);
  return r.ok ? { ok: true, document: value, policy: r.policy, warnings: r.warnings } : { ok: false, problems: r.problems, warnings: r.warnings };
}

/** Prints every problem and warning, one per line: severity, path, code, message. */
export function printProblems(ctx: Pick<CliContext, 'out' | 'err'>, label: string, checked: CheckedDocument): void {
  const all = [...(checked.ok ? [] : checked.problems), ...checked.warnings];
  if (!all.length) return;
  const errors = checked.ok ? 0 : checked.problems.length;
  const write = checked.ok ? ctx.out : ctx.err;
  write(`${label}: ${errors} error(s), ${checked.warnings.length} warning(s)\n`);
  for (const p of all) write(`  ${(p.severity ?? 'error').padEnd(7)}  ${p.path}  ${p.code ?? 'SCHEMA'}  ${p.message}\n`);
}
