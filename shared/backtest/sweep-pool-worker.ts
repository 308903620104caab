/**
 * Worker-thread entry of the sweep pool: receives a SweepJob, runs it with runSweepJob (loading its own candles)
 * after loading the job's user strategy modules, and answers `{ result, threadId }` or `{ error }`; one job at a time. Started by sweep-pool.ts only.
 */
import { readFile } from 'node:fs/promises';
import { parentPort, threadId } from 'node:worker_threads';
import { loadStrategyFiles } from '../local/strategy-loader.js';
import { runSweepJob, type SweepJob } from './sweep-pool-job.js';

const port = parentPort;
if (!port) throw new Error('sweep-pool-worker runs only as a worker thread');

port.on('message', function onJob(job: SweepJob) {
  loadStrategyFiles(job.strategyFiles ?? []).then(() => runSweepJob(job, (path) => readFile(path, 'utf8'))).then(
    (result) => port.postMessage({ result, threadId }),
    (error: unknown) => port.postMessage({ error: error instanceof Error ? error.message : String(error) }),
  );
});
