// Why a research execution's items failed: the map run's FAILED child executions, each with its error and cause,
// named by the job it ran (its index and label).
import { DescribeExecutionCommand, ListExecutionsCommand, ListMapRunsCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { SweepJob } from '../backtest/sweep-pool-job.js';

/** At most this many failed items are described (a run where everything failed says the same thing 10,000 times). */
export const MAX_FAILURES_SHOWN = 20;

/** One line per failed item of every map run (stage): `item 3 (label): Error: cause`, then how many more. */
export async function failedItemErrors(sfn: SFNClient, executionArn: string, jobs: readonly SweepJob[]): Promise<string[]> {
  const failed = [];
  for (const run of (await sfn.send(new ListMapRunsCommand({ executionArn }))).mapRuns ?? []) {
    failed.push(...(await sfn.send(new ListExecutionsCommand({ mapRunArn: run.mapRunArn!, statusFilter: 'FAILED' }))).executions ?? []);
  }
  const lines: string[] = [];
  for (const child of failed.slice(0, MAX_FAILURES_SHOWN)) {
    const d = await sfn.send(new DescribeExecutionCommand({ executionArn: child.executionArn! }));
    const index = itemIndex(d.input);
    const label = index === undefined || !jobs[index] ? '' : ` (${jobs[index]!.label})`;
    lines.push(`item ${index ?? '?'}${label}: ${d.error ?? 'failed'}${d.cause ? `: ${d.cause}` : ''}`);
  }
  if (failed.length > MAX_FAILURES_SHOWN) lines.push(`… and ${failed.length - MAX_FAILURES_SHOWN} more failed items`);
  return lines;
}

/** The item index in a child execution's input ({ bucket, item } as the map's ItemSelector builds it). */
function itemIndex(input: string | undefined): number | undefined {
  try {
    const index = (JSON.parse(input ?? '{}') as { item?: { index?: unknown } }).item?.index;
    return typeof index === 'number' ? index : undefined;
  } catch {
    return undefined;
  }
}
