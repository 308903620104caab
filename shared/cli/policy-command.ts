import type { CliContext } from './cli-context.js';
import { policyDiff, policyGet, policyHistory, policyRejections } from './policy-inspect-commands.js';
import { policyRollback, policySet, policyValidate } from './policy-write-commands.js';

/** Options of the policy subcommands, as parsed by run-cli.ts. */
export interface PolicyOptions {
  readonly by?: string;
  readonly version?: string;
  readonly limit?: string;
}

const USAGE = 'usage: stratus policy get | validate <file> | set <file> --by <who> | diff [<file> | --version N] | history | rejections | rollback <version> --by <who>';

/** `stratus policy …`: dispatches to one subcommand. validate is offline but for the ledger (STATE_TABLE, optional); the rest use the policy table. */
export async function policyCommand(ctx: CliContext, args: readonly string[], values: PolicyOptions): Promise<number> {
  const [sub, arg] = args;
  const limit = values.limit === undefined ? undefined : positiveInt(values.limit, '--limit');
  switch (sub) {
    case 'validate': return policyValidate(ctx, required(arg, 'policy validate needs a file'));
    case 'set': return policySet(ctx, required(arg, 'policy set needs a file'), required(values.by, 'policy set needs --by <who>'));
    case 'get': return policyGet(ctx);
    case 'history': return policyHistory(ctx, limit);
    case 'rejections': return policyRejections(ctx, limit);
    case 'diff': return policyDiff(ctx, {
      ...(arg ? { file: arg } : {}), ...(values.version !== undefined ? { version: positiveInt(values.version, '--version') } : {}),
    });
    case 'rollback': return policyRollback(ctx, positiveInt(required(arg, 'policy rollback needs a version'), 'version'),
      required(values.by, 'policy rollback needs --by <who>'));
    default: throw new Error(USAGE);
  }
}

function required<T>(value: T | undefined, message: string): T {
  if (value === undefined || value === '') throw new Error(message);
  return value;
}

function positiveInt(text: string, what: string): number {
  const n = Number(text.replace(/^v/i, ''));
  if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`${what} must be a positive whole number, got ${text}`);
  return n;
}
