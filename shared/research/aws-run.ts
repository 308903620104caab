// `stratus optimize|walk-forward|cost-sweep … --on aws` (issue 15): plan the jobs as the local command does, price them,
// ask, upload the missing candle files, write manifest.json and items.json, start the research state machine, draw
// the map run's progress, then print renderResearch(kind, summary.json) — exactly what the local command prints.
// A plan with a second stage (walk-forward's test windows, optimize's holdout) stays one execution: the state machine's
// reduce step plans it (nextStage) and maps it again (lib/research-state-machine.ts), so progress sums every map run.
import { printWithJson } from '../cli/json-output.js';
import { randomBytes } from 'node:crypto';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { runSweepJob, type SweepJob } from '../backtest/sweep-pool-job.js';
import { sweepProgress } from '../backtest/sweep-report.js';
import type { CliContext } from '../cli/cli-context.js';
import { readDocumentFile } from '../cli/policy-files.js';
import { researchKeys, type ResearchItem, type ResearchKind, type ResearchManifest } from './contract.js';
import { centsUp, estimateResearch, formatEstimate, minutes, type ResearchWorkload } from './aws-estimate.js';
import { failedItemErrors } from './aws-failures.js';
import { waitForExecution, type PollOptions } from './aws-progress.js';
import { checkUploads, jobDataFiles, putMissing } from './aws-upload.js';
import { planResearch, renderResearch, type ResearchOptions } from './plans.js';

/** Where and how a research run goes on AWS: clients, the stack's bucket and state machine, its worker settings. */
export interface AwsResearchTarget {
  readonly s3: S3Client;
  readonly sfn: SFNClient;
  readonly bucket: string;
  readonly stateMachineArn: string;
  readonly workerMemoryMb: number;
  readonly concurrency: number;
  readonly childMode: 'STANDARD' | 'EXPRESS';
  readonly poll?: PollOptions;
}

/** How the run asks before it starts: whether stdin is a terminal, and a question answered by one line. */
export interface ConfirmIo {
  readonly isTty: boolean;
  ask(question: string): Promise<string>;
}

/** The run's own flags: --yes (start without asking), --json FILE, --progress. */
export interface AwsRunFlags {
  readonly yes?: boolean;
  readonly json?: string;
  readonly progress?: boolean | string;
}

/** Runs the research command on AWS; exit 0 when it printed the report, 1 when jobs failed, 2 when not confirmed. */
export async function runResearchOnAws(ctx: CliContext, kind: ResearchKind, options: ResearchOptions, flags: AwsRunFlags,
  target: AwsResearchTarget, io: ConfirmIo): Promise<number> {
  const jobs = planResearch(kind, options);
  if (jobs.length === 0) throw new Error(`${kind}: the plan has no job`);
  if (jobs.some((j) => (j.strategyFiles ?? []).length > 0)) throw new Error('--on aws runs built-in strategies only (user strategy modules are not uploaded)');
  const files = (await Promise.all(jobs.map(jobDataFiles)));
  const entries = await checkUploads(target.s3, target.bucket, files.flat());
  const started = performance.now();
  await runSweepJob(jobs[0]!, ctx.readText);
  const workload: ResearchWorkload = {
    jobs: jobs.length, dataFiles: entries.length, missingFiles: entries.filter((e) => !e.present).length,
    filesPerJob: Math.max(...files.map((f) => f.length)), jobSeconds: (performance.now() - started) / 1000,
    workerMemoryMb: target.workerMemoryMb, concurrency: target.concurrency, childMode: target.childMode,
  };
  const estimate = estimateResearch(workload);
  ctx.err(formatEstimate(estimate));
  if (kind !== 'cost-sweep') ctx.err(`  (${kind === 'walk-forward' ? 'the test windows' : 'a holdout run'} follow as a second stage: a few more jobs, not priced above)\n`);
  if (!flags.yes) {
    if (!io.isTty) {
      ctx.err(`${kind}: not starting ${jobs.length} jobs on AWS without --yes (stdin is not a terminal to ask)\n`);
      return 2;
    }
    const answer = await io.ask(`Start ${jobs.length} jobs (~$${centsUp(estimate.total)}, ~${minutes(estimate.durationSeconds)} min)? [y/N] `);
    if (!/^y(es)?$/i.test(answer.trim())) {
      ctx.err(`${kind}: not started\n`);
      return 2;
    }
  }
  const sent = await putMissing(target.s3, target.bucket, entries);
  ctx.err(`${kind}: data ${sent.length} file(s) uploaded, ${entries.length - sent.length} already in s3://${target.bucket}\n`);
  const runId = `${kind}-${new Date(ctx.clock.now()).toISOString().replace(/[-:]|\.\d{3}/g, '')}-${randomBytes(3).toString('hex')}`;
  const keys = new Map(entries.map((e) => [e.file.path, e.key]));
  const items = await buildItems(ctx, runId, jobs, keys);
  const manifest: ResearchManifest = {
    runId, kind, options: options as Record<string, unknown>, jobs: jobs.length, createdAt: new Date(ctx.clock.now()).toISOString(),
  };
  await put(target, researchKeys.manifest(runId), JSON.stringify(manifest));
  await put(target, researchKeys.items(runId), JSON.stringify(items));
  const { executionArn } = await target.sfn.send(new StartExecutionCommand({
    stateMachineArn: target.stateMachineArn, name: runId, input: JSON.stringify({ bucket: target.bucket, runId }),
  }));
  ctx.err(`${kind}: ${items.length} jobs started as ${executionArn}\n`);
  const bar = sweepProgress(ctx.err, kind, flags.progress, ctx.errIsTty);
  let end;
  try {
    end = await waitForExecution(target.sfn, executionArn!, bar, items.length, target.poll);
  } finally {
    bar.end();
  }
  if (end.execution.status !== 'SUCCEEDED') {
    const { error, cause } = end.execution;
    ctx.err(`${kind}: execution ${end.execution.status}${error ? `: ${error}` : ''}${cause ? ` (${cause})` : ''}; ${end.counts.failed} of ${end.counts.total} jobs failed\n`);
    for (const line of await failedItemErrors(target.sfn, executionArn!, jobs)) ctx.err(`  ${line}\n`);
    return 1;
  }
  const text = await getText(target, researchKeys.summary(runId));
  await printWithJson(ctx, renderResearch(kind, JSON.parse(text) as Record<string, unknown>), flags.json, () => text);
  return 0;
}

/** The run's items: each job with its candle files' keys and its policy document inline (read once per file). */
async function buildItems(ctx: CliContext, runId: string, jobs: readonly SweepJob[], keys: ReadonlyMap<string, string>): Promise<ResearchItem[]> {
  const policies = new Map<string, Promise<Record<string, unknown>>>();
  return Promise.all(jobs.map(async (job, index) => {
    const dataFiles = Object.fromEntries((await jobDataFiles(job)).map((f) => [f.name, keys.get(f.path)!]));
    const path = job.values.policy;
    if (path !== undefined && !policies.has(path)) policies.set(path, readDocumentFile(ctx, path));
    const policy = path === undefined ? undefined : await policies.get(path)!;
    return { runId, index, job, dataFiles, ...(policy ? { policy } : {}) };
  }));
}

async function put(target: AwsResearchTarget, key: string, body: string): Promise<void> {
  await target.s3.send(new PutObjectCommand({ Bucket: target.bucket, Key: key, Body: body, ContentType: 'application/json' }));
}

async function getText(target: AwsResearchTarget, key: string): Promise<string> {
  const object = await target.s3.send(new GetObjectCommand({ Bucket: target.bucket, Key: key }));
  return object.Body!.transformToString('utf8');
}
