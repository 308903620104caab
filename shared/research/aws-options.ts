// The `--on local|aws` and `--yes` options of the research commands (optimize, walk-forward, cost-sweep), and the
// `--on aws` dispatch: the AWS path (./aws-command.ts, with the SDK) is imported only when asked for.
import type { CliContext } from '../cli/cli-context.js';
import { UsageError, type OptionSpec, type OptionValues } from '../cli/command-spec.js';
import type { ResearchKind } from './contract.js';

/** The options each research command adds: where it runs, and whether to start without asking. */
export const AWS_OPTION_SPECS: Readonly<Record<string, OptionSpec>> = {
  on: { type: 'string', value: 'local|aws', description: 'Run the jobs here (default) or on the research stack (RESEARCH_BUCKET, RESEARCH_STATE_MACHINE_ARN)' },
  yes: { type: 'boolean', description: 'With --on aws: start without asking (required when stdin is not a terminal)' },
};

/** True for `--on aws`, false for `--on local` or none; another value is a usage error. */
export function runsOnAws(values: OptionValues): boolean {
  const on = values.on ?? 'local';
  if (on !== 'local' && on !== 'aws') throw new UsageError(`--on must be local or aws, got ${String(on)}`);
  if (values.yes && on !== 'aws') throw new UsageError('--yes is for --on aws');
  return on === 'aws';
}

/** Runs `local` unless --on aws, then the research stack's run of the same plan. */
export async function onLocalOrAws(ctx: CliContext, kind: ResearchKind, values: OptionValues, local: () => Promise<number>): Promise<number> {
  if (!runsOnAws(values)) return local();
  return (await import('./aws-command.js')).researchOnAws(ctx, kind, values);
}
