import { policyHash } from '../domain/policy.js';
import type { CliContext } from './cli-context.js';
import { checkDocument, checkFile, printProblems } from './policy-files.js';
import { positionsLine, readPositions } from './policy-positions.js';
import { withDeploymentFacts } from './go-live-precheck.js';

/**
 * `stratus policy validate <file>`: exit 1 when any error, after printing every problem with its path. Offline but
 * for the open positions (ORPHANED_POSITION), read from the state table when STATE_TABLE is set; says when they were not.
 */
export async function policyValidate(ctx: CliContext, file: string): Promise<number> {
  const positions = await readPositions(ctx);
  const checked = await checkFile(ctx, file, positions.context);
  printProblems(ctx, file, checked);
  (checked.ok ? ctx.out : ctx.err)(positionsLine(positions));
  if (!checked.ok) return 1;
  ctx.out(`${file}: valid (mode ${checked.policy.mode}, profile ${checked.policy.profile}, hash ${policyHash(checked.policy).slice(0, 12)})\n`);
  return 0;
}

/** `stratus policy set <file> --by`: validates (open positions too, as validate does), then writes the document as the next version. */
export async function policySet(ctx: CliContext, file: string, by: string): Promise<number> {
  const positions = await readPositions(ctx);
  const checked = await withDeploymentFacts(ctx, await checkFile(ctx, file, positions.context), positions.context);
  printProblems(ctx, file, checked);
  if (positions.unchecked !== undefined) ctx.err(positionsLine(positions));
  if (!checked.ok) { ctx.err('not written: fix the errors above\n'); return 1; }
  const { version } = await ctx.policies().write(checked.document, { by, at: ctx.clock.now() });
  ctx.out(`policy v${version} written by ${by} (hash ${policyHash(checked.policy).slice(0, 12)}); functions pick it up within the cache TTL\n`);
  return 0;
}

/** `stratus policy rollback <version> --by`: writes an old version's document again as a new version; history is never rewritten. */
export async function policyRollback(ctx: CliContext, version: number, by: string): Promise<number> {
  const store = ctx.policies();
  const target = (await store.history()).find((v) => v.version === version);
  if (!target) { ctx.err(`no policy version ${version} in the history (see: stratus policy history)\n`); return 1; }
  const positions = await readPositions(ctx);
  const checked = await withDeploymentFacts(ctx, checkDocument(target.document, positions.context), positions.context);
  printProblems(ctx, `v${version}`, checked);
  if (!checked.ok) { ctx.err(`v${version} does not validate today; not rolled back\n`); return 1; }
  const written = await store.write(target.document, { by: `${by} (rollback to v${version})`, at: ctx.clock.now() });
  ctx.out(`rolled back: v${written.version} carries the document of v${version} (hash ${policyHash(checked.policy).slice(0, 12)})\n`);
  return 0;
}
