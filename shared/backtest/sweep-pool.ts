import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { loadedStrategyFiles } from '../local/strategy-loader.js';
import type { SweepJob, SweepResult } from './sweep-pool-job.js';

export type { SweepJob, SweepResult } from './sweep-pool-job.js';

/** A job's result and the worker thread that ran it. */
export interface SweepOutcome extends SweepResult {
  readonly threadId: number;
}

/** Worker threads running backtest jobs; each free worker takes the oldest queued job. */
export interface SweepPool {
  /** Number of worker threads. */
  readonly size: number;
  /** Queues one job; resolves with its result, rejects with an error naming the job. */
  submit(job: SweepJob): Promise<SweepOutcome>;
  /** Queues the jobs; results in job order whichever worker ran each and whenever it finished. */
  run(jobs: readonly SweepJob[]): Promise<SweepOutcome[]>;
  /** Terminates the workers; queued jobs are rejected. */
  close(): Promise<void>;
}

/** Pool size for `jobs` jobs: `workers` if given, else one per available core, never more than the jobs, at least 1. */
export function poolSize(jobs: number, workers?: number): number {
  if (workers !== undefined && (!Number.isInteger(workers) || workers < 1)) throw new RangeError(`--workers must be an integer ≥ 1, got ${workers}`);
  return Math.max(1, Math.min(jobs, workers ?? availableParallelism()));
}

/**
 * The worker entry next to this module. From TypeScript source (tsx, vitest, the CLI bundle) the worker loads it
 * with tsx's ESM loader (`--import tsx`) on Node ≥ 22, and through a tsImport bootstrap on older Node (20), whose
 * workers do not apply `--import` hooks to their entry; from compiled JavaScript it needs none.
 */
function workerEntry(): { url: URL; execArgv: string[] } {
  const fromSource = import.meta.url.endsWith('.ts');
  if (!fromSource) return { url: new URL('./sweep-pool-worker.js', import.meta.url), execArgv: [] };
  if (Number(process.versions.node.split('.')[0]) < 22) return { url: new URL('./sweep-pool-worker-boot.mjs', import.meta.url), execArgv: [] };
  return { url: new URL('./sweep-pool-worker.ts', import.meta.url), execArgv: ['--import', import.meta.resolve('tsx')] };
}

type Reply = { result: SweepResult; threadId: number } | { error: string };

interface Task {
  readonly job: SweepJob;
  readonly resolve: (outcome: SweepOutcome) => void;
  readonly reject: (error: Error) => void;
}

/** Starts `size` worker threads (see poolSize). A worker that crashes or exits fails its job and every later one. */
export function createSweepPool(size: number): SweepPool {
  const entry = workerEntry();
  const queue: Task[] = [];
  const idle: Worker[] = [];
  const current = new Map<Worker, Task>();
  let failure: Error | undefined;
  const dispatch = () => {
    while (idle.length > 0 && queue.length > 0) {
      const worker = idle.shift()!;
      const task = queue.shift()!;
      current.set(worker, task);
      worker.postMessage({ ...task.job, strategyFiles: task.job.strategyFiles ?? loadedStrategyFiles() });
    }
  };
  const breakPool = (error: Error) => {
    failure ??= error;
    for (const task of [...current.values(), ...queue.splice(0)]) task.reject(new Error(`sweep job ${task.job.label}: ${error.message}`, { cause: error }));
    current.clear();
  };
  const workers = Array.from({ length: size }, () => {
    const worker = new Worker(entry.url, { execArgv: entry.execArgv });
    worker.on('message', function onReply(reply: Reply) {
      const task = current.get(worker);
      current.delete(worker);
      idle.push(worker);
      if (!task) { /* the pool was closed or broken meanwhile: its task is already rejected */ }
      else if ('error' in reply) task.reject(new Error(`sweep job ${task.job.label}: ${reply.error}`));
      else task.resolve({ ...reply.result, threadId: reply.threadId });
      dispatch();
    });
    worker.on('error', (error) => breakPool(new Error(`sweep worker ${worker.threadId} failed: ${error.message}`, { cause: error })));
    worker.on('exit', (code) => breakPool(new Error(`sweep worker exited with code ${code}`)));
    idle.push(worker);
    return worker;
  });
  const submit = (job: SweepJob) => new Promise<SweepOutcome>((resolve, reject) => {
    if (failure) { reject(new Error(`sweep job ${job.label}: the pool is closed or broken (${failure.message})`)); return; }
    queue.push({ job, resolve, reject });
    dispatch();
  });
  return {
    size,
    submit,
    run: (jobs) => Promise.all(jobs.map(submit)),
    async close() {
      breakPool(new Error('the sweep pool was closed'));
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}

/** Runs jobs on a pool sized by poolSize(jobs.length, workers), then closes it. */
export async function runSweep(jobs: readonly SweepJob[], options: { workers?: number } = {}): Promise<SweepOutcome[]> {
  if (jobs.length === 0) return [];
  const pool = createSweepPool(poolSize(jobs.length, options.workers));
  try {
    return await pool.run(jobs);
  } finally {
    await pool.close();
  }
}
