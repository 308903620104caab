/**
 * Operator commands against the local state of `stratus start --live`: `--local DIR` (or STRATUS_LOCAL_DIR) points a
 * command's CliContext at the state dir's DynamoDB — the running live process's emulators when one runs there (the
 * kill switch it trips is read by that process's next decision), else emulators this process starts on the folder.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { processContext, type CliContext } from '../cli/cli-context.js';
import type { CommandSpec, OptionSpec } from '../cli/command-spec.js';
import { ENV } from '../resources.js';
import { applyEnv, DEFAULT_STATE_DIR, LOCAL_DIR_ENV, LocalStateError, openLocalState } from './live-state.js';

/** The stack prefix provision() names the local queues with (status reads the DLQs by it). */
const LOCAL_STACK_PREFIX = 'stratus';

/** The `--local DIR` option the operator commands take. */
export const LOCAL_OPTION: OptionSpec = {
  type: 'string', value: '[DIR]', bare: DEFAULT_STATE_DIR,
  description: `Run against the local state of stratus start --live in DIR (alone: ${DEFAULT_STATE_DIR}; or set ${LOCAL_DIR_ENV}) instead of the deployed tables`,
};

/** Runs `fn` with a CliContext on DIR's local state (output, clock and user kept from `base`); the folder is given back after. */
export async function withLocalContext<T>(base: CliContext, dir: string, fn: (ctx: CliContext) => Promise<T>): Promise<T> {
  if (!existsSync(join(dir, 'dynamo'))) throw new LocalStateError(`${dir} holds no live state (stratus start --live --state-dir ${dir} creates it)`);
  const opened = await openLocalState(dir);
  // No deployment's secret or CloudWatch leaks in from the shell: the local state has neither.
  const restore = applyEnv({ ...opened.env, STRATUS_STACK_NAME: LOCAL_STACK_PREFIX, [ENV.exchangeSecretArn]: '', AWS_ENDPOINT_URL_CLOUDWATCH: '' });
  try {
    if (!opened.attached) base.err(`stratus: no live process runs on ${dir}; reading its state from disk\n`);
    const local = processContext(process.env);
    const kept = Object.fromEntries((['clock', 'out', 'err', 'readText', 'user', 'errIsTty'] as const)
      .filter((k) => base[k] !== undefined).map((k) => [k, base[k]]));
    return await fn({ ...local, ...kept });
  } finally {
    restore();
    await opened.close();
  }
}

/** The command with a `--local DIR` option: given (or STRATUS_LOCAL_DIR set), it runs against that local state. */
export function withLocalState(spec: CommandSpec): CommandSpec {
  return {
    ...spec,
    usage: `${spec.usage} [--local [DIR]]`,
    options: { ...spec.options, local: LOCAL_OPTION },
    async run(ctx, values, positionals) {
      const { local, ...rest } = values;
      const dir = typeof local === 'string' && local !== '' ? local : process.env[LOCAL_DIR_ENV];
      if (!dir) return spec.run(ctx, rest, positionals);
      return withLocalContext(ctx, dir, (localCtx) => spec.run(localCtx, rest, positionals));
    },
  };
}
