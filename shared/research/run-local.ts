// Runs a research plan on this machine: stage 1 on the sweep pool, stage 2 (from stage 1's results) on the same pool,
// then reduce and render — the path every local research command takes, and the one the AWS run mirrors stage by stage.
import type { SweepOutcome, SweepPool } from '../backtest/sweep-pool.js';
import { nextStage, planResearch, reduceResearch, renderResearch, type ResearchKind, type ResearchOptions, type ResearchReport } from './plans.js';

/** A finished local run: the report (--json), the text (stdout) and every job's outcome (stage 1 then stage 2). */
export interface LocalResearch {
  readonly report: ResearchReport;
  readonly text: string;
  readonly outcomes: readonly SweepOutcome[];
}

/** plan → pool → nextStage → pool → reduce → render; `onDone(finished)` after each job finishes (for a progress bar). */
export async function runResearchLocally(
  kind: ResearchKind, options: ResearchOptions, pool: Pick<SweepPool, 'submit'>, onDone: (finished: number) => void = () => {},
): Promise<LocalResearch> {
  let finished = 0;
  const run = (jobs: ReturnType<typeof planResearch>) => Promise.all(jobs.map(async (job) => {
    const outcome = await pool.submit(job);
    onDone(++finished);
    return outcome;
  }));
  const stage1 = await run(planResearch(kind, options));
  const stage2 = await run(nextStage(kind, options, stage1));
  const outcomes = [...stage1, ...stage2];
  const report = reduceResearch(kind, options, outcomes.map(({ threadId: _, ...result }) => result));
  return { report, text: renderResearch(kind, report), outcomes };
}
