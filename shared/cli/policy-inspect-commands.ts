import type { CliContext } from './cli-context.js';
import { iso, table } from './cli-context.js';
import { diffPolicies, formatChange } from './policy-diff.js';
import { checkDocument, checkFile, printProblems, type CheckedDocument } from './policy-files.js';
import { orphanLines, positionsLine, readPositions } from './policy-positions.js';

/** `stratus policy get`: the policy in force, where it came from, and any rejected newer version. Records nothing. */
export async function policyGet(ctx: CliContext): Promise<number> {
  const loaded = await ctx.policies().peek();
  const { policy, ...about } = loaded;
  ctx.out(`${JSON.stringify({ ...about, policy }, null, 2)}\n`);
  if (loaded.rejected) ctx.err(`note: v${loaded.rejected.version} was rejected; v${loaded.version} (${loaded.source}) is in force\n`);
  return 0;
}

/** `stratus policy history [--limit N]`: written versions, newest first, marking the one in force and the rejected ones. */
export async function policyHistory(ctx: CliContext, limit = 20): Promise<number> {
  const store = ctx.policies();
  const [versions, rejections, loaded] = await Promise.all([store.history(limit), store.rejections(), store.peek()]);
  if (!versions.length) { ctx.out('no policy has been written yet\n'); return 0; }
  const rejected = new Set(rejections.map((r) => r.version));
  ctx.out(table([['', 'VERSION', 'WRITTEN', 'BY', 'HASH', 'STATUS'], ...versions.map((v) => [
    v.version === loaded.version ? '*' : '', `v${v.version}`, iso(v.at), v.writtenBy, v.hash?.slice(0, 12) ?? '-',
    rejected.has(v.version) || v.hash === null ? 'rejected' : v.version === loaded.version ? 'in force' : '',
  ])]));
  return 0;
}

/** `stratus policy rejections [--limit N]`: rejected versions with every problem. */
export async function policyRejections(ctx: CliContext, limit = 20): Promise<number> {
  const rejections = await ctx.policies().rejections(limit);
  if (!rejections.length) { ctx.out('no policy version has been rejected\n'); return 0; }
  for (const r of rejections) {
    ctx.out(`v${r.version} rejected ${iso(r.at)}\n`);
    for (const p of r.problems) ctx.out(`  ${p.path}  ${p.code ?? ''}  ${p.message}\n`);
  }
  return 0;
}

/**
 * `stratus policy diff [<file> | --version N]`: the effective policy in force (profile and defaults applied) against a
 * file, a past version, or (neither) the newest earlier valid version; one line per changed path, then the
 * ORPHANED_POSITION warnings of the other document against the ledger's open positions (STATE_TABLE).
 */
export async function policyDiff(ctx: CliContext, target: { file?: string; version?: number }): Promise<number> {
  const store = ctx.policies();
  const loaded = await store.peek();
  const positions = await readPositions(ctx);
  let other: CheckedDocument;
  let label: string;
  if (target.file) {
    [other, label] = [await checkFile(ctx, target.file, positions.context), target.file];
  } else {
    const history = await store.history();
    const found = target.version !== undefined
      ? history.find((v) => v.version === target.version)
      : history.find((v) => v.version < loaded.version && v.hash !== null);
    if (!found) { ctx.err(target.version !== undefined ? `no policy version ${target.version} in the history\n` : 'no earlier valid version to compare with\n'); return 1; }
    [other, label] = [checkDocument(found.document, positions.context), `v${found.version}`];
  }
  if (!other.ok) { printProblems(ctx, label, other); return 1; }
  const changes = diffPolicies(loaded.policy, other.policy);
  ctx.out(`--- v${loaded.version} (in force)\n+++ ${label}\n`);
  ctx.out(changes.length ? `${changes.map(formatChange).join('\n')}\n` : 'no differences\n');
  ctx.out(`${orphanLines(other)}${positions.unchecked === undefined ? '' : positionsLine(positions)}`);
  return 0;
}
