// What a research run on AWS will cost and take, before it starts (issue 15). Quantities are counted from the plan;
// unit prices are data with a date (shared/cost/prices-us-east-1.json for Lambda, ./aws-prices-us-east-1.json for
// Step Functions and S3). Pricing model assumed (AWS's published model as of the sheets' asOf):
//  - Lambda arm64: GB-seconds of every worker invocation (measured job seconds + per-item S3 overhead) and of the reduce
//    step, one cold-start init per concurrent worker, plus requests.
//  - Step Functions, STANDARD child workflows: one state transition per child workflow execution the Distributed Map
//    starts, plus one per state the child enters (CHILD_STATES), plus the parent's own states (PARENT_STATES).
//    EXPRESS child workflows instead: one request per child plus its duration at 64 MB billed memory.
//  - S3: PUT/LIST and GET/HEAD requests counted per step below; storage of a run's few MB is left out.
import { Decimal } from '../domain/money.js';
import lambdaSheet from '../cost/prices-us-east-1.json' with { type: 'json' };
import researchSheet from './aws-prices-us-east-1.json' with { type: 'json' };

/** What the estimate is computed from: the plan's counts and the stack's settings. */
export interface ResearchWorkload {
  readonly jobs: number;
  /** Candle files the plan reads (HeadObject each) and how many of them are not in the bucket yet (PutObject each). */
  readonly dataFiles: number;
  readonly missingFiles: number;
  /** Candle files one job downloads (GetObject each). */
  readonly filesPerJob: number;
  /** Compute seconds of one job (measured locally, or a bench figure); an arm64 Lambda's full vCPU (1769 MB) is taken as fast as this machine's core, a smaller one as proportionally slower. */
  readonly jobSeconds: number;
  readonly workerMemoryMb: number;
  /** The Distributed Map's MaxConcurrency (child workflows at once). */
  readonly concurrency: number;
  readonly childMode: 'STANDARD' | 'EXPRESS';
}

/** One line of the estimate: quantity × unit price = cost, USD. */
export interface ResearchCostLine {
  readonly service: string;
  readonly item: string;
  readonly quantity: number;
  readonly unit: string;
  readonly unitPrice: number;
  /** USD, rounded to 6 decimal places; the total is the sum of these. */
  readonly cost: string;
}

/** The estimate: lines, their sum (USD) and the expected wall time of the run. */
export interface ResearchEstimate {
  readonly pricesAsOf: string;
  readonly workload: ResearchWorkload;
  readonly lines: readonly ResearchCostLine[];
  readonly total: string;
  readonly durationSeconds: number;
}

/** Seconds each worker invocation spends besides the job: reading the item, GetObject of its files, PutObject of the result. */
export const ITEM_OVERHEAD_SECONDS = 0.25;
/** Billed init of a cold worker (Node 24 + the bundle), once per concurrent worker. */
export const COLD_START_SECONDS = 0.6;
/** Seconds from StartExecution to the first child running, and the client's polling lag at the end. */
export const START_SECONDS = 15;
/** The reduce step: a fixed part and a per-result part (shared/research/reduce.ts reads the results one GetObject at a time, ~20 ms each). */
export const REDUCE_FIXED_SECONDS = 2;
export const REDUCE_SECONDS_PER_JOB = 0.02;
export const REDUCE_MEMORY_MB = 512;
/** States a child workflow enters (RunJob) and the parent's per run (Start, RunJobs, Reduce, MoreStages, Done: lib/research-state-machine.ts). */
export const CHILD_STATES = 1;
export const PARENT_STATES = 5;
/** Lambda memory at which a function gets one full vCPU. */
export const FULL_VCPU_MB = 1769;
/** Billed duration of one EXPRESS child beyond the job (state overhead), seconds. */
const EXPRESS_CHILD_OVERHEAD_SECONDS = 0.1;

/** Lambda's share of one vCPU at a memory size (a full vCPU at 1769 MB, proportionally less below it). */
export function cpuShare(memoryMb: number): number {
  return Math.min(1, memoryMb / FULL_VCPU_MB);
}

/** Prices a research run. Pure: the same workload and sheets give the same figures. */
export function estimateResearch(w: ResearchWorkload): ResearchEstimate {
  const lines: ResearchCostLine[] = [];
  const add = (service: string, item: string, quantity: number, unit: string, unitPrice: number) => {
    lines.push({ service, item, quantity: Number(quantity.toPrecision(6)), unit, unitPrice, cost: new Decimal(quantity).mul(unitPrice).toDecimalPlaces(6).toFixed() });
  };
  const { lambda } = lambdaSheet;
  const { stepFunctions: sfn, s3 } = researchSheet;
  const perItem = w.jobSeconds / cpuShare(w.workerMemoryMb) + ITEM_OVERHEAD_SECONDS;
  const workers = Math.min(w.jobs, w.concurrency);
  const reduceSeconds = REDUCE_FIXED_SECONDS + REDUCE_SECONDS_PER_JOB * w.jobs;
  const gb = w.workerMemoryMb / 1024;
  add('Lambda', `worker: ${w.jobs} jobs × ${perItem.toFixed(3)} s (job at ${(cpuShare(w.workerMemoryMb) * 100).toFixed(0)}% vCPU + S3) × ${w.workerMemoryMb} MB arm64`, w.jobs * perItem * gb, 'GB-second', lambda.arm64GbSecond);
  add('Lambda', `worker cold starts: ${workers} × ${COLD_START_SECONDS} s`, workers * COLD_START_SECONDS * gb, 'GB-second', lambda.arm64GbSecond);
  add('Lambda', `reduce: ${reduceSeconds.toFixed(1)} s × ${REDUCE_MEMORY_MB} MB arm64`, reduceSeconds * (REDUCE_MEMORY_MB / 1024), 'GB-second', lambda.arm64GbSecond);
  add('Lambda', 'requests (worker + reduce)', (w.jobs + 1) / 1e6, 'million requests', lambda.perMillionRequests);
  if (w.childMode === 'STANDARD') {
    const transitions = w.jobs * (1 + CHILD_STATES) + PARENT_STATES;
    add('Step Functions', `standard state transitions: ${w.jobs} child executions × ${1 + CHILD_STATES} + ${PARENT_STATES}`, transitions / 1000, 'thousand transitions', sfn.standardPerThousandTransitions);
  } else {
    add('Step Functions', `standard state transitions: ${w.jobs} child starts + ${PARENT_STATES}`, (w.jobs + PARENT_STATES) / 1000, 'thousand transitions', sfn.standardPerThousandTransitions);
    add('Step Functions', 'express child requests', w.jobs / 1e6, 'million requests', sfn.expressPerMillionRequests);
    add('Step Functions', 'express child duration at 64 MB', w.jobs * (perItem + EXPRESS_CHILD_OVERHEAD_SECONDS) * (64 / 1024), 'GB-second', sfn.expressGbSecond);
  }
  // PUT/LIST: missing data files, manifest, items, one result per job, the reducer's LIST pages, the summary.
  const puts = w.missingFiles + 2 + w.jobs + Math.ceil(w.jobs / 1000) + 1;
  // GET/HEAD: a HEAD per data file, the ItemReader's items.json, each job's files, the reducer's manifest + results, the client's summary.
  const gets = w.dataFiles + 1 + w.jobs * w.filesPerJob + 1 + w.jobs + 1;
  add('S3', `PUT/LIST: ${w.missingFiles} data uploads + manifest, items, ${w.jobs} results, list pages, summary`, puts / 1000, 'thousand requests', s3.perThousandPutCopyPostList);
  add('S3', `GET/HEAD: ${w.dataFiles} HEAD + items + ${w.jobs} × ${w.filesPerJob} data + ${w.jobs} results + manifest, summary`, gets / 1000, 'thousand requests', s3.perThousandGetHead);
  const total = lines.reduce((s, l) => s.add(l.cost), new Decimal(0));
  const durationSeconds = START_SECONDS + COLD_START_SECONDS + Math.ceil(w.jobs / w.concurrency) * perItem + reduceSeconds;
  return { pricesAsOf: `${lambdaSheet.asOf} (Lambda), ${researchSheet.asOf} (Step Functions, S3)`, workload: w, lines, total: total.toFixed(4), durationSeconds };
}

/** The estimate as printed before a run: one line per item, the total, the duration. */
export function formatEstimate(e: ResearchEstimate): string {
  const rows = e.lines.map((l) => `  ${l.service.padEnd(15)} ${l.item}\n${' '.repeat(18)}${l.quantity} ${l.unit} × $${l.unitPrice} = $${l.cost}\n`);
  return `estimate for ${e.workload.jobs} jobs on AWS (us-east-1 list prices as of ${e.pricesAsOf}, free tier not applied):\n`
    + rows.join('')
    + `  total           $${centsUp(e.total)} (${e.total})\n`
    + `  duration        ~${minutes(e.durationSeconds)} min at ${e.workload.concurrency} concurrent workers, ${e.workload.jobSeconds.toFixed(3)} s per job measured locally\n`;
}

/** A USD amount rounded up to whole cents, e.g. 0.0005 → 0.01 (what the prompt and the total line show). */
export function centsUp(usd: string): string {
  return new Decimal(usd).toDecimalPlaces(2, Decimal.ROUND_UP).toFixed(2);
}

/** Minutes, one decimal under 10, whole above. */
export function minutes(seconds: number): string {
  const m = seconds / 60;
  return m < 10 ? m.toFixed(1) : String(Math.round(m));
}
