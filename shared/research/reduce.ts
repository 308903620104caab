/**
 * The reduce step of a research run on AWS (the reduce Lambda's body). After stage 1 it asks the plan for the next
 * stage (walk-forward's test windows, optimize's holdout): when there is one it writes that stage's items (indexes after
 * stage 1's, same data files and policy) and answers `done: false`, and the state machine maps them too; otherwise it
 * reads every result in index order, reduces them as the local command does and writes summary.json (local --json bytes).
 */
import { GetObjectCommand, NoSuchKey, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { SweepJob, SweepResult } from '../backtest/sweep-pool-job.js';
import { StratusError } from '../domain/errors.js';
import { researchKeys, type ResearchItem, type ResearchKind, type ResearchManifest, type ResearchResult } from './contract.js';

type Options = Readonly<Record<string, unknown>>;

/** The plan functions the reduce step needs (shared/research/plans.ts in production). */
export interface ResearchPlan {
  nextStage(kind: ResearchKind, options: Options, stage1: readonly SweepResult[]): SweepJob[];
  reduceResearch(kind: ResearchKind, options: Options, results: readonly SweepResult[]): unknown;
}

/** The reduce step's input: the execution input plus the stage the Map just ran (1 or 2). */
export interface ResearchReduceInput {
  readonly bucket: string;
  readonly runId: string;
  readonly stage: number;
}

/** What it answers; the state machine's Choice maps `itemsKey` again while `done` is false. */
export interface ResearchReduceOutput extends ResearchReduceInput {
  readonly done: boolean;
  readonly itemsKey: string;
  readonly jobs: number;
}

/** Some item of the run has no result (its worker failed and the Map tolerated it): a partial report is never written. */
export class ResearchResultsMissingError extends StratusError {
  override readonly name = 'ResearchResultsMissingError';
  constructor(runId: string, what: string) {
    super('RESEARCH_RESULTS_MISSING', `run ${runId}: no ${what}`, false);
  }
}

/** The report as the local command's --json writes it (two-space JSON and a newline). */
export function summaryText(report: unknown): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

/** Ends stage `input.stage`: writes the next stage's items, or summary.json when the plan has no further stage. */
export async function reduceRun(s3: S3Client, input: ResearchReduceInput, plan: ResearchPlan): Promise<ResearchReduceOutput> {
  const { bucket, runId, stage } = input;
  const manifest = await getJson<ResearchManifest>(s3, bucket, researchKeys.manifest(runId), runId);
  const stage1 = await readResults(s3, input, 0, manifest.jobs);
  const next = plan.nextStage(manifest.kind, manifest.options, stage1);
  if (stage === 1 && next.length > 0) {
    const [first] = await getJson<ResearchItem[]>(s3, bucket, researchKeys.items(runId), runId);
    const items: ResearchItem[] = next.map((job, i) => ({
      runId, index: manifest.jobs + i, job, dataFiles: first!.dataFiles, ...(first!.policy ? { policy: first!.policy } : {}),
    }));
    const itemsKey = researchKeys.stageItems(runId, 2);
    await put(s3, bucket, itemsKey, JSON.stringify(items));
    return { bucket, runId, stage: 2, done: false, itemsKey, jobs: items.length };
  }
  const results = [...stage1, ...await readResults(s3, input, manifest.jobs, next.length)];
  await put(s3, bucket, researchKeys.summary(runId), summaryText(plan.reduceResearch(manifest.kind, manifest.options, results)));
  return { bucket, runId, stage, done: true, itemsKey: researchKeys.summary(runId), jobs: results.length };
}

/** Results are read this many at a time (a run of 10,000 items is 200 rounds, not 10,000 sequential GETs). */
const READ_CONCURRENCY = 50;

async function readResults(s3: S3Client, input: ResearchReduceInput, from: number, count: number): Promise<SweepResult[]> {
  const results: SweepResult[] = [];
  for (let start = from; start < from + count; start += READ_CONCURRENCY) {
    const indexes = Array.from({ length: Math.min(READ_CONCURRENCY, from + count - start) }, (_, i) => start + i);
    const batch = await Promise.all(indexes.map((index) => getJson<ResearchResult>(s3, input.bucket, researchKeys.result(input.runId, index), input.runId)));
    results.push(...batch.map((r) => r.result));
  }
  return results;
}

async function put(s3: S3Client, bucket: string, key: string, body: string): Promise<void> {
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: 'application/json' }));
}

async function getJson<T>(s3: S3Client, bucket: string, key: string, runId: string): Promise<T> {
  try {
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return JSON.parse(await object.Body!.transformToString('utf8')) as T;
  } catch (error) {
    if (error instanceof NoSuchKey) throw new ResearchResultsMissingError(runId, key);
    throw error;
  }
}
