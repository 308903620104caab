/**
 * Worker-thread entry of the sweep pool: receives a SweepJob, runs it with runSweepJob (loading its own candles)
 * and answers `{ result, threadId }` or `{ error }`; one job at a time. Started by sweep-pool.ts only.
 */
import { readFile } from 'node:fs/promises';
import { parentPort, threadId } from 'node:worker_threads';
import { runSweepJob, type SweepJob } from './sweep-pool-job.js';

const port = parentPort;
if (!port) throw new Error('sweep-pool-worker runs only as a worker thread');

port.on('message', function onJob(job: SweepJob) {
  runSweepJob(job, (path) => readFile(path, 'utf8')).then(
    (result) => port.postMessage({ result, threadId }),
    (error: unknown) => port.postMessage({ error: error instanceof Error ? error.message : String(error) }),
  );
});
