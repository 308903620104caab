import { printWithJson } from './json-output.js';
import { describeDifferences, lookaheadCheck } from '../backtest/lookahead-check.js';
import { createSweepPool, poolSize } from '../backtest/sweep-pool.js';
import { sweepProgress } from '../backtest/sweep-report.js';
import { getStrategy, type StrategyParams } from '../domain/strategy.js';
import { costLevels } from '../research/plans-cost-sweep.js';
import { runResearchLocally } from '../research/run-local.js';
import { AWS_OPTION_SPECS, onLocalOrAws } from '../research/aws-options.js';
import { PROGRESS_OPTION, type BacktestValues } from './backtest-command.js';
import { iso, type CliContext } from './cli-context.js';
import { readDocumentFile } from './policy-files.js';
import { COST_OPTION_SPECS, loadCandles, RUN_OPTION_SPECS, runOptions } from './cli-args.js';
import type { CommandSpec } from './command-spec.js';

/** Options of the research commands as parseArgs returns them. */
export interface ResearchValues extends BacktestValues {
  cuts?: string;
  levels?: string;
  /** Worker threads of a sweep (default: one per available core). */
  workers?: string;
}

/**
 * `stratus lookahead-check`: the strategy's signals on the full data and on data cut at several points
 * (--cuts, default 5); exit 0 when they agree on the shared part, else 1 with the differing signals listed.
 */
export async function lookaheadCommand(ctx: CliContext, values: ResearchValues): Promise<number> {
  const { strategy, symbols, timeframe, from, to, data } = runOptions(values);
  const cuts = values.cuts === undefined ? 5 : Number(values.cuts);
  if (!Number.isInteger(cuts) || cuts < 1) throw new Error(`--cuts must be an integer ≥ 1, got ${values.cuts}`);
  const params = await paramsOf(ctx, values.policy, strategy);
  getStrategy(strategy).requiredCandles(params);
  const candles = await loadCandles(data, symbols, timeframe, from, to);
  const result = lookaheadCheck({ strategy, params, candles, cuts });
  if (result.compared === 0) throw new Error('nothing to compare: too few candles in the period for the strategy and the cuts');
  const summary = `${result.compared} decisions compared at ${result.cuts.length} cuts (${result.cuts.map(iso).join(', ')})`;
  if (result.ok) {
    ctx.out(`lookahead-check ${strategy}: PASS, ${summary}, no signal changed\n`);
    return 0;
  }
  ctx.out(`lookahead-check ${strategy}: FAIL, ${result.differences.length} signals changed once later data was added; ${summary}\n`
    + describeDifferences(result, iso));
  return 1;
}

/**
 * `stratus cost-sweep` (also `stratus backtest --cost-sweep`): the same backtest at each cost level
 * (--levels, bps applied to fee and slippage each; default 0,5,10,20,40); prints Sharpe and total return
 * per level and the break-even cost, then a banner when the kill switch tripped in any level; --json writes the sweep as
 * JSON. Levels run in parallel on worker threads (--workers); a progress bar of finished levels on a terminal (or --progress).
 */
export async function costSweepCommand(ctx: CliContext, values: ResearchValues): Promise<number> {
  const count = costLevels(values).length;
  const pool = createSweepPool(poolSize(count, values.workers === undefined ? undefined : Number(values.workers)));
  ctx.err(`cost-sweep: ${count} levels on ${pool.size} worker threads\n`);
  const bar = sweepProgress(ctx.err, 'cost-sweep', values.progress, ctx.errIsTty);
  let sweep;
  try {
    bar.update(0, count);
    sweep = await runResearchLocally('cost-sweep', { ...values }, pool, (done) => bar.update(done, count));
  } finally {
    bar.end();
    await pool.close();
  }
  await printWithJson(ctx, sweep.text, values.json, () => `${JSON.stringify(sweep.report, null, 2)}\n`);
  return 0;
}

/** The strategy's params from the policy file's entry for it, else none (the strategy's defaults). */
export async function paramsOf(ctx: Pick<CliContext, 'readText'>, path: string | undefined, strategy: string): Promise<StrategyParams> {
  if (!path) return {};
  const document = await readDocumentFile(ctx, path) as { strategies?: { name?: string; params?: StrategyParams }[] };
  return document.strategies?.find((s) => s.name === strategy)?.params ?? {};
}

/** `stratus lookahead-check` as the CLI declares it. */
export const lookaheadSpec: CommandSpec = {
  name: 'lookahead-check',
  summary: 'Signals on full data against data cut at several points (look-ahead bias)',
  usage: 'stratus lookahead-check --strategy NAME --symbols S[,S] --timeframe TF --from DATE --to DATE --data DIR|FILE [--policy FILE] [--cuts N]',
  options: {
    ...RUN_OPTION_SPECS,
    cuts: { type: 'string', value: 'N', description: 'Number of cut points (default 5)' },
  },
  details: 'Exit 0 when every signal decided on the cut data is the same on the full data; exit 1, listing them, if any changed.',
  run: (ctx, values) => lookaheadCommand(ctx, values as ResearchValues),
};

/** `stratus cost-sweep` as the CLI declares it. */
export const costSweepSpec: CommandSpec = {
  name: 'cost-sweep',
  summary: 'The same backtest at each cost level: Sharpe, return, break-even cost',
  usage: 'stratus cost-sweep <backtest options> [--levels 0,5,10,20,40] [--json FILE] [--workers N]',
  options: {
    ...RUN_OPTION_SPECS, seed: COST_OPTION_SPECS.seed!,
    levels: { type: 'string', value: '0,5,10,20,40', description: 'Cost levels in bps, each applied to fee and to slippage' },
    json: { type: 'string', value: 'FILE', description: 'Write the sweep as JSON; - for stdout (the table then goes to stderr)' },
    workers: { type: 'string', value: 'N', description: 'Worker threads (default one per available core)' },
    progress: PROGRESS_OPTION,
    ...AWS_OPTION_SPECS,
  },
  details: 'Also run as `stratus backtest --cost-sweep …`. The levels run in parallel on worker threads.',
  run: (ctx, values) => onLocalOrAws(ctx, 'cost-sweep', values, () => costSweepCommand(ctx, values as ResearchValues)),
};
