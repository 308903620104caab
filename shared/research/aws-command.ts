// The `--on aws` entry of the research commands (loaded only then, so a local run never loads the AWS SDK): the stack's bucket and
// state machine from the environment (RESEARCH_BUCKET, RESEARCH_STATE_MACHINE_ARN: the research stack's outputs
// ResearchBucketName and ResearchStateMachineArn), SDK clients from the SDK's standard environment, a prompt on stdin.
import { createInterface } from 'node:readline/promises';
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import type { CliContext } from '../cli/cli-context.js';
import { UsageError, type OptionValues } from '../cli/command-spec.js';
import { paramsOf } from '../cli/research-commands.js';
import type { ResearchKind } from './contract.js';
import { runResearchOnAws, type AwsResearchTarget, type ConfirmIo } from './aws-run.js';

/** The research stack's defaults (lib/research-stack.ts: worker memory, MaxConcurrency) when the environment does not say. */
export const DEFAULT_WORKER_MEMORY_MB = 1024;
export const DEFAULT_CONCURRENCY = 100;

/** The research stack as the environment names it; a missing name fails naming the stack output to copy. */
export function awsTargetFromEnv(env: NodeJS.ProcessEnv = process.env): AwsResearchTarget {
  const need = (name: string, output: string) => {
    const value = env[name];
    if (!value) throw new UsageError(`set ${name} to the research stack's output ${output} (cdk deploy -c research=true)`);
    return value;
  };
  const number = (name: string, fallback: number) => (env[name] ? Number(env[name]) : fallback);
  return {
    s3: new S3Client({ forcePathStyle: env.AWS_S3_FORCE_PATH_STYLE === 'true' }),
    sfn: new SFNClient({}),
    bucket: need('RESEARCH_BUCKET', 'ResearchBucketName'),
    stateMachineArn: need('RESEARCH_STATE_MACHINE_ARN', 'ResearchStateMachineArn'),
    workerMemoryMb: number('RESEARCH_WORKER_MEMORY_MB', DEFAULT_WORKER_MEMORY_MB),
    concurrency: number('RESEARCH_MAX_CONCURRENCY', DEFAULT_CONCURRENCY),
    childMode: env.RESEARCH_CHILD_MODE === 'EXPRESS' ? 'EXPRESS' : 'STANDARD',
  };
}

/** Asks on the process's stdin/stderr. */
export const processConfirm: ConfirmIo = {
  isTty: process.stdin.isTTY === true,
  async ask(question) {
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    try {
      return await rl.question(question);
    } finally {
      rl.close();
    }
  },
};

/** `<command> … --on aws`: the command's options plus the policy's params, run on the research stack. */
export async function researchOnAws(ctx: CliContext, kind: ResearchKind, values: OptionValues,
  target: AwsResearchTarget = awsTargetFromEnv(), io: ConfirmIo = processConfirm): Promise<number> {
  const baseParams = await paramsOf(ctx, values.policy as string | undefined, String(values.strategy ?? ''));
  const { on: _on, yes, json, progress, workers: _workers, ...rest } = values;
  void _on; void _workers;
  return runResearchOnAws(ctx, kind, { ...rest, baseParams }, { yes: yes === true, json: json as string | undefined, progress }, target, io);
}
