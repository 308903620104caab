import { printWithJson } from './json-output.js';
import { OPTIMIZE_OBJECTIVES, optimizeSpec, type OptimizeValues } from '../backtest/optimize.js';
import { createSweepPool, poolSize } from '../backtest/sweep-pool.js';
import { sweepProgress } from '../backtest/sweep-report.js';
import { runResearchLocally } from '../research/run-local.js';
import { AWS_OPTION_SPECS, onLocalOrAws } from '../research/aws-options.js';
import { PROGRESS_OPTION } from './backtest-command.js';
import type { CliContext } from './cli-context.js';
import { COST_OPTION_SPECS, RUN_OPTION_SPECS, runOptions } from './cli-args.js';
import type { CommandSpec } from './command-spec.js';
import { paramsOf } from './research-commands.js';

/**
 * `stratus optimize`: every grid combo (or --random N of them, seeded) on the in-sample window on worker threads,
 * ranked by --objective (top --top), then the winner re-run on the held-out tail (--holdout, default 20%) and shown
 * next to its in-sample row; --json writes the report. Runs as plan → sweep pool → reduce → render (shared/research/plans.ts).
 */
export async function optimizeCommand(ctx: CliContext, values: OptimizeValues): Promise<number> {
  const { strategy } = runOptions(values);
  const workers = values.workers === undefined ? undefined : Number(values.workers);
  const options = { ...values, baseParams: await paramsOf(ctx, values.policy, strategy) };
  const spec = optimizeSpec(options);
  const jobs = spec.combos.length + 1;
  const pool = createSweepPool(poolSize(jobs, workers));
  ctx.err(`optimize: ${spec.combos.length} param combos (${spec.space} in the grid, ${spec.skipped} invalid skipped`
    + `${spec.random === null ? '' : `, ${spec.random} sampled with seed ${spec.seed ?? 0}`}) + 1 holdout = ${jobs} runs on ${pool.size} worker threads\n`);
  const started = performance.now();
  const progress = sweepProgress(ctx.err, 'optimize', values.progress, ctx.errIsTty);
  let result;
  try {
    progress.update(0, jobs);
    result = await runResearchLocally('optimize', options, pool, (done) => progress.update(done, jobs));
  } finally {
    progress.end();
    await pool.close();
  }
  ctx.err(`optimize: done in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  await printWithJson(ctx, result.text, values.json, () => `${JSON.stringify(result.report, null, 2)}\n`);
  return 0;
}

/** `stratus optimize` as the CLI declares it. */
export const command: CommandSpec = {
  name: 'optimize',
  summary: 'Grid or seeded random search ranked in-sample, the winner re-run on a held-out tail',
  usage: 'stratus optimize <backtest options> --grid \'fast=5..50:5;slow=50..200:10\' [--random N --seed S]\n'
    + '                 [--objective sharpe|return|profit-factor|calmar] [--holdout 20%] [--top 10] [--json FILE] [--workers N]',
  options: {
    ...RUN_OPTION_SPECS, ...COST_OPTION_SPECS,
    seed: { type: 'string', value: 'S', description: 'Seed of the --random sample (mulberry32) and of the paper fill model' },
    grid: { type: 'string', value: "'fast=5..50:5;slow=50..200:10'", description: 'Param values: name=v,v or name=a..b:step, joined by ;' },
    random: { type: 'string', value: 'N', description: 'Run N distinct combos sampled from the grid, seeded by --seed (0 when not given)' },
    objective: { type: 'string', value: OPTIMIZE_OBJECTIVES.join('|'), description: 'What the ranking maximizes (default sharpe)' },
    holdout: { type: 'string', value: '20%', description: 'Tail of --from..--to kept out of the search; the winner is re-run on it' },
    top: { type: 'string', value: 'N', description: 'Rows of the ranked table (default 10)' },
    json: { type: 'string', value: 'FILE', description: 'Write the report (config, ranked, best with its holdout run) as JSON; - for stdout (the table then goes to stderr)' },
    workers: { type: 'string', value: 'N', description: 'Worker threads (default one per available core)' },
    progress: PROGRESS_OPTION,
    ...AWS_OPTION_SPECS,
  },
  details: 'In-sample is [--from, cut), the holdout [cut, --to), cut on a candle boundary. Ranking: objective descending, '
    + 'runs without a value (e.g. no Sharpe) last, ties in grid order. calmar = CAGR / max drawdown (both ratios).',
  run: (ctx, values) => onLocalOrAws(ctx, 'optimize', values, () => optimizeCommand(ctx, values as OptimizeValues)),
};
