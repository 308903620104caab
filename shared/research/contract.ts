// The research job contract shared by the local worker pool and the AWS research stack (issue 15): one job is one
// SweepJob (shared/backtest/sweep-pool-job.ts) — the same input and the same SweepResult wherever it runs.
// S3 layout of the research bucket (every key below is built by these functions only):
//   data/<sha256 of the file's bytes>/<file name>        candle files in the CSV format, content-addressed (upload only missing)
//   runs/<runId>/manifest.json                           ResearchManifest (what the run is, for the reducer and the CLI)
//   runs/<runId>/items.json                              ResearchItem[] — what the Distributed Map's ItemReader reads
//   runs/<runId>/results/<index, 6 digits>.json          ResearchResult written by the worker for item `index`
//   runs/<runId>/summary.json                            written by the reduce step: the command's report (same JSON as local --json)
//   runs/<runId>/stage-2/items.json                      written by the reduce step when the plan has a stage 2 (nextStage)
// Stages run inside ONE execution: the reduce step (shared/research/reduce.ts) writes stage 2's items (indexes continue
// after stage 1's; the same dataFiles and policy) and the state machine's Choice maps them, then reduces stage 1 + 2.
// The client starts one execution per run and waits for summary.json; manifest.jobs is stage 1's job count.
import type { SweepJob, SweepResult } from '../backtest/sweep-pool-job.js';

/** Which command planned the run; the reduce step and the CLI print it the same way the local command does. */
export type ResearchKind = 'optimize' | 'walk-forward' | 'cost-sweep';

/** One Distributed Map item: the job and where its inputs are. `job.values.data` names a folder of `dataFiles`. */
export interface ResearchItem {
  readonly runId: string;
  readonly index: number;
  readonly job: SweepJob;
  /** Candle file name (as readCandleDir expects it) → S3 key under data/. The worker downloads these into one folder. */
  readonly dataFiles: Readonly<Record<string, string>>;
  /** The policy document inline (job.values.policy is ignored on AWS; the worker writes this to a temp file). */
  readonly policy?: Readonly<Record<string, unknown>>;
}

/** What the run is: the command, its options as given, and the plan's job count. */
export interface ResearchManifest {
  readonly runId: string;
  readonly kind: ResearchKind;
  /** The command's parsed options (the reduce step rebuilds the plan from them, as the local command does). */
  readonly options: Readonly<Record<string, unknown>>;
  readonly jobs: number;
  readonly createdAt: string;
}

/** What the worker writes for one item. */
export interface ResearchResult {
  readonly index: number;
  readonly result: SweepResult;
}

const pad = (index: number) => String(index).padStart(6, '0');

/** S3 keys of the research bucket. */
export const researchKeys = {
  data: (sha256: string, fileName: string) => `data/${sha256}/${fileName}`,
  manifest: (runId: string) => `runs/${runId}/manifest.json`,
  items: (runId: string) => `runs/${runId}/items.json`,
  result: (runId: string, index: number) => `runs/${runId}/results/${pad(index)}.json`,
  resultsPrefix: (runId: string) => `runs/${runId}/results/`,
  summary: (runId: string) => `runs/${runId}/summary.json`,
  stageItems: (runId: string, stage: number) => `runs/${runId}/stage-${stage}/items.json`,
} as const;
