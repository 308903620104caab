import { printWithJson } from './json-output.js';
import { createSweepPool, poolSize } from '../backtest/sweep-pool.js';
import { sweepProgress } from '../backtest/sweep-report.js';
import { OBJECTIVES } from '../backtest/walk-forward.js';
import { walkForwardSpec } from '../research/plans-walk-forward.js';
import { runResearchLocally } from '../research/run-local.js';
import { AWS_OPTION_SPECS, onLocalOrAws } from '../research/aws-options.js';
import { PROGRESS_OPTION, type BacktestValues } from './backtest-command.js';
import type { CliContext } from './cli-context.js';
import { COST_OPTION_SPECS, RUN_OPTION_SPECS, runOptions } from './cli-args.js';
import type { CommandSpec } from './command-spec.js';
import { paramsOf } from './research-commands.js';

/** Options of `stratus walk-forward` as parseArgs returns them. */
export interface WalkForwardValues extends BacktestValues {
  train?: string; test?: string; step?: string; grid?: string; objective?: string; workers?: string;
}

/**
 * `stratus walk-forward`: rolling train/test windows; each grid combo runs on each train window (worker threads), the
 * best by --objective is run on the following test window; prints only out-of-sample results (and a banner for the test
 * windows whose kill switch tripped); --json writes them. A progress bar of finished runs on a terminal (or --progress).
 */
export async function walkForwardCommand(ctx: CliContext, values: WalkForwardValues): Promise<number> {
  const { strategy } = runOptions(values);
  const workers = values.workers === undefined ? undefined : Number(values.workers);
  const options = { ...values, baseParams: await paramsOf(ctx, values.policy, strategy) };
  const { windows, combos: valid, skipped } = walkForwardSpec(options);
  const jobs = windows.length * (valid.length + 1);
  const pool = createSweepPool(poolSize(jobs, workers));
  ctx.err(`walk-forward: ${windows.length} windows × ${valid.length} param combos (${skipped} invalid skipped) + tests = ${jobs} runs`
    + ` on ${pool.size} worker threads\n`);
  const started = performance.now();
  const progress = sweepProgress(ctx.err, 'walk-forward', values.progress, ctx.errIsTty);
  let result;
  try {
    progress.update(0, jobs);
    result = await runResearchLocally('walk-forward', options, pool, (done) => progress.update(done, jobs));
  } finally {
    progress.end();
    await pool.close();
  }
  const threadIds = [...new Set(result.outcomes.map((o) => o.threadId))].sort((a, b) => a - b);
  ctx.err(`walk-forward: done in ${((performance.now() - started) / 1000).toFixed(1)} s on threads ${threadIds.join(', ')}\n`);
  await printWithJson(ctx, result.text, values.json, () => `${JSON.stringify(result.report, null, 2)}\n`);
  return 0;
}

/** The out-of-sample table (one row per window) and the stitched summary (lives with the walk-forward plan). */
export { formatWalkForward } from '../research/plans-walk-forward.js';

/** `stratus walk-forward` as the CLI declares it. */
export const command: CommandSpec = {
  name: 'walk-forward',
  summary: 'Rolling train/test windows: the grid\'s best params, scored out-of-sample only',
  usage: 'stratus walk-forward <backtest options> --train 90d --test 30d [--step 30d] --grid \'fast=10,20;slow=50,100\'\n'
    + '                     [--objective sharpe|return|profit-factor] [--json FILE] [--workers N]',
  options: {
    ...RUN_OPTION_SPECS, ...COST_OPTION_SPECS,
    train: { type: 'string', value: '90d', description: 'Length of each train window' },
    test: { type: 'string', value: '30d', description: 'Length of each test window' },
    step: { type: 'string', value: '30d', description: 'How far each window moves on (default --test)' },
    grid: { type: 'string', value: "'fast=10,20;slow=50,100'", description: 'Param values to try: name=v,v;name=v,v' },
    objective: { type: 'string', value: OBJECTIVES.join('|'), description: 'What the best train run maximizes (default sharpe)' },
    json: { type: 'string', value: 'FILE', description: 'Write the windows and summary as JSON; - for stdout (the table then goes to stderr)' },
    workers: { type: 'string', value: 'N', description: 'Worker threads (default one per available core)' },
    progress: PROGRESS_OPTION,
    ...AWS_OPTION_SPECS,
  },
  details: 'Each grid combination runs on each train window; the best by --objective runs on the following test window. Only out-of-sample results are printed.',
  run: (ctx, values) => onLocalOrAws(ctx, 'walk-forward', values, () => walkForwardCommand(ctx, values as WalkForwardValues)),
};
