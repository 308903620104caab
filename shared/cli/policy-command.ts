import type { CliContext } from './cli-context.js';
import { STRATEGY_OPTION_SPECS } from '../local/strategy-loader.js';
import { UsageError, type CommandSpec, type OptionSpec } from './command-spec.js';
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

const BY: OptionSpec = { type: 'string', value: 'WHO', description: 'Who makes the change (required; recorded with the version)' };
const LIMIT: OptionSpec = { type: 'string', value: 'N', description: 'Newest N only' };
const TABLES = 'Needs POLICY_TABLE (stack output PolicyTableName) and AWS credentials.';

/** One `stratus policy <sub>` spec; its run reaches policyCommand with the subcommand and its positional. */
function sub(name: string, summary: string, usage: string, rest: Omit<CommandSpec, 'name' | 'summary' | 'usage' | 'run'>): CommandSpec {
  return { name: `policy ${name}`, summary, usage: `stratus policy ${usage}`, ...rest, run: (ctx, values, args) => policyCommand(ctx, [name, ...args], values as PolicyOptions) };
}

/** `stratus policy` and its subcommands as the CLI declares them. */
export const command: CommandSpec = {
  name: 'policy',
  summary: 'Validate, read, write, diff and roll back the policy in force',
  usage: 'stratus policy validate|get|set|diff|history|rejections|rollback …',
  options: {},
  details: 'Run `stratus policy <subcommand> --help` for each one\'s options.',
  subcommands: {
    validate: sub('validate', 'Check a policy document offline; every problem with its path, exit 1 on any error', 'validate FILE', {
      options: { ...STRATEGY_OPTION_SPECS }, positionals: { min: 1, max: 1, label: 'FILE' },
      details: 'User strategies the document names need --strategy-file or --strategies-dir (their params are checked by their schema).\n'
        + 'Offline but for the ledger (STATE_TABLE, optional) used to check open positions against the new symbols.',
    }),
    get: sub('get', 'The policy in force, its version, hash and source', 'get', { options: {}, details: TABLES }),
    set: sub('set', 'Validate a document, then write it as the next version', 'set FILE --by WHO', {
      options: { by: BY, ...STRATEGY_OPTION_SPECS }, positionals: { min: 1, max: 1, label: 'FILE' }, details: TABLES,
    }),
    diff: sub('diff', 'The policy in force against a file or a past version, path by path', 'diff [FILE | --version N]', {
      options: { version: { type: 'string', value: 'N', description: 'Compare with this past version instead of a file' }, ...STRATEGY_OPTION_SPECS },
      positionals: { min: 0, max: 1, label: 'FILE' }, details: TABLES,
    }),
    history: sub('history', 'Written versions, newest first', 'history [--limit N]', { options: { limit: LIMIT }, details: TABLES }),
    rejections: sub('rejections', 'Versions that failed validation and never took effect', 'rejections [--limit N]', { options: { limit: LIMIT }, details: TABLES }),
    rollback: sub('rollback', 'Write an old version\'s document again, as a new version', 'rollback VERSION --by WHO', {
      options: { by: BY }, positionals: { min: 1, max: 1, label: 'VERSION' }, details: TABLES,
    }),
  },
  run: () => { throw new UsageError('which one? validate, get, set, diff, history, rejections or rollback'); },
};
