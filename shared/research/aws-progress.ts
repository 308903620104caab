// Progress of a research execution: polls the execution's status and its Distributed Map run's item counts
// (ListMapRuns + DescribeMapRun) every few seconds and feeds them to the progress bar until the execution ends.
import {
  DescribeExecutionCommand, DescribeMapRunCommand, ListMapRunsCommand, type DescribeExecutionCommandOutput, type SFNClient,
} from '@aws-sdk/client-sfn';
import type { ProgressBar } from '../backtest/progress-bar.js';

/** How the poll waits between two looks (tests pass a short interval). */
export interface PollOptions {
  readonly intervalMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

/** Item counts of the map runs: finished (succeeded + failed + aborted + timed out), failed, total. */
export interface MapCounts {
  readonly done: number;
  readonly failed: number;
  readonly total: number;
}

/** The execution's final description once it is no longer RUNNING, with the map run's last counts. */
export async function waitForExecution(sfn: SFNClient, executionArn: string, bar: ProgressBar, jobs: number, options: PollOptions = {}):
Promise<{ execution: DescribeExecutionCommandOutput; counts: MapCounts }> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const interval = options.intervalMs ?? 3000;
  let counts: MapCounts = { done: 0, failed: 0, total: jobs };
  for (;;) {
    const execution = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    counts = (await mapCounts(sfn, executionArn)) ?? counts;
    bar.update(counts.done, counts.total);
    if (execution.status !== 'RUNNING' && execution.status !== 'PENDING_REDRIVE') return { execution, counts };
    await sleep(interval);
  }
}

/** The counts summed over the execution's map runs (one per stage), or undefined before it has one. */
async function mapCounts(sfn: SFNClient, executionArn: string): Promise<MapCounts | undefined> {
  const runs = (await sfn.send(new ListMapRunsCommand({ executionArn }))).mapRuns ?? [];
  if (runs.length === 0) return undefined;
  let done = 0, failed = 0, total = 0;
  for (const run of runs) {
    const c = (await sfn.send(new DescribeMapRunCommand({ mapRunArn: run.mapRunArn! }))).itemCounts;
    const bad = (c?.failed ?? 0) + (c?.aborted ?? 0) + (c?.timedOut ?? 0);
    done += (c?.succeeded ?? 0) + bad; failed += bad; total += c?.total ?? 0;
  }
  return { done, failed, total };
}
