import { printWithJson } from './json-output.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseLevels } from '../backtest/cost-sweep.js';
import type { RecordedTrade } from '../backtest/durability-gap.js';
import { durabilityJobs, runDurability, type DurabilityResult } from '../backtest/durability-run.js';
import { createSweepPool, poolSize } from '../backtest/sweep-pool.js';
import { sweepProgress } from '../backtest/sweep-report.js';
import { parseDuration, parseGrid, rollingWindows } from '../backtest/walk-forward-plan.js';
import { validCombos } from '../backtest/walk-forward.js';
import { timeframeMs } from '../domain/candle.js';
import type { Unavailable } from '../domain/durability.js';
import { ENV } from '../resources.js';
import { PROGRESS_OPTION, type BacktestValues } from './backtest-command.js';
import { table, type CliContext } from './cli-context.js';
import { COST_OPTION_SPECS, required, RUN_OPTION_SPECS, runOptions } from './cli-args.js';
import type { CommandSpec } from './command-spec.js';
import { paramsOf } from './research-commands.js';

/** Options of `stratus durability` as parseArgs returns them. */
export interface DurabilityValues extends BacktestValues {
  train?: string; test?: string; step?: string; grid?: string; levels?: string; multiples?: string; workers?: string;
}

/** Parses --multiples (default 1,10,100): integers ≥ 1, 1 first, ascending, distinct. */
export function parseMultiples(text: string | undefined): number[] {
  const multiples = (text ?? '1,10,100').split(',').map((s) => Number(s.trim()));
  const ok = multiples[0] === 1 && multiples.every((m, i) => Number.isInteger(m) && m >= 1 && (i === 0 || m > multiples[i - 1]!));
  if (!ok) throw new RangeError(`--multiples must be ascending integers starting at 1, e.g. 1,10,100, got ${text}`);
  return multiples;
}

/** The deployment's recorded trades when POLICY_TABLE and STATE_TABLE name it, else why the gap cannot be measured. */
async function recordedTrades(ctx: CliContext, env: NodeJS.ProcessEnv): Promise<readonly RecordedTrade[] | Unavailable> {
  if (!env[ENV.policyTable] || !env[ENV.stateTable]) return { unavailable: `no deployment reachable (${ENV.policyTable} and ${ENV.stateTable} not set)` };
  try {
    return (await ctx.state().getLedger())?.value.trades ?? [];
  } catch (error) {
    return { unavailable: `the deployment's ledger could not be read: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/**
 * `stratus durability`: the base backtest, a walk-forward (--train/--test, optional --grid), a cost sweep (--levels) and
 * capacity runs (--multiples × starting cash, Almgren–Chriss impact) as jobs on worker threads; prints the 0–100 score,
 * its rating, the floors that capped it and every component (an unavailable one named with its reason); --json writes it.
 */
export async function durabilityCommand(ctx: CliContext, values: DurabilityValues, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const { strategy, symbols, timeframe, from, to } = runOptions(values);
  const train = parseDuration(required(values.train, '--train'), '--train');
  const test = parseDuration(required(values.test, '--test'), '--test');
  const step = values.step === undefined ? test : parseDuration(values.step, '--step');
  for (const [name, ms] of [['--from', from], ['--train', train], ['--test', test], ['--step', step]] as const) {
    if (ms % timeframeMs(timeframe) !== 0) throw new Error(`${name} must fall on ${timeframe} candle boundaries`);
  }
  const { valid } = values.grid === undefined ? { valid: [{}] }
    : validCombos(strategy, await paramsOf(ctx, values.policy, strategy), parseGrid(values.grid).combos);
  if (valid.length === 0) throw new Error(`no valid param combination in --grid for ${strategy}`);
  const windows = rollingWindows({ from, to, train, test, step });
  const levels = parseLevels(values.levels);
  const multiples = parseMultiples(values.multiples);
  const recorded = await recordedTrades(ctx, env);
  const jobs = durabilityJobs({ windows, combos: valid, levels, multiples });
  const pool = createSweepPool(poolSize(jobs, values.workers === undefined ? undefined : Number(values.workers)));
  ctx.err(`durability: ${jobs} runs (walk-forward ${windows.length} windows × ${valid.length + 1}, ${new Set(levels).size} cost levels, `
    + `${multiples.length} stakes) on ${pool.size} worker threads, plus the base run\n`);
  const progress = sweepProgress(ctx.err, 'durability', values.progress, ctx.errIsTty);
  const scratchDir = await mkdtemp(join(tmpdir(), 'stratus-durability-'));
  let done = 0;
  let result: DurabilityResult;
  try {
    const { data, policy, seed } = values;
    const base = { strategy, symbols: values.symbols, timeframe, from: values.from, to: values.to, data, policy, seed, 'fee-bps': values['fee-bps'], 'slippage-bps': values['slippage-bps'] };
    progress.update(0, jobs);
    result = await runDurability(ctx, { values: base, windows, combos: valid, levels, multiples, recorded, scratchDir }, async (job) => {
      const o = await pool.submit(job);
      progress.update(++done, jobs);
      return o;
    });
  } finally {
    progress.end();
    await pool.close();
    await rm(scratchDir, { recursive: true, force: true });
  }
  const config = {
    strategy, symbols, timeframe, from: values.from, to: values.to, data: values.data, policy: values.policy ?? null,
    train: values.train, test: values.test, step: values.step ?? values.test, grid: values.grid ?? null, levels, multiples,
  };
  await printWithJson(ctx, formatDurability(`${strategy} ${symbols.join(',')} ${timeframe} ${values.from}..${values.to}`, result), values.json,
    () => `${JSON.stringify({ config, ...result.durability, inputs: result.inputs }, null, 2)}\n`);
  return 0;
}

/** The score line, the components table, the floors and the renormalisation note. */
export function formatDurability(title: string, result: DurabilityResult): string {
  const d = result.durability;
  const rows = [['component', 'weight', 'effective %', 'measure', 'subscore', 'detail'],
    ...d.components.map((c) => [c.name, String(c.weight), c.subscore === null ? '-' : c.effectiveWeight.toFixed(1),
      c.measure === null ? '-' : c.measure.toFixed(3), c.subscore === null ? '-' : c.subscore.toFixed(1), c.detail])];
  const missing = d.components.filter((c) => c.subscore === null);
  const floors = d.floors.map((f) => `floor: ${f.rule} → at most ${f.cap}\n`).join('');
  const capped = d.rating === d.bandRating ? '' : ` (band ${d.bandRating}, capped by a floor)`;
  const note = missing.length === 0 ? '' : `weights renormalised over ${d.components.length - missing.length} of ${d.components.length} components `
    + `(${missing.map((c) => c.name).join(', ')} not available)\n`;
  return `durability ${title}: ${d.score.toFixed(1)} / 100, ${d.rating}${capped}\n${table(rows)}${floors}${note}`;
}

/** `stratus durability` as the CLI declares it. */
export const command: CommandSpec = {
  name: 'durability',
  summary: 'Durability score 0–100 and rating: out-of-sample decay, cost, stability, capacity, paper gap',
  usage: 'stratus durability <backtest options> --train 30d --test 15d [--step D] [--grid G] [--levels 0,5,10,20,40] [--multiples 1,10,100]\n'
    + '                   [--json FILE] [--workers N] [--progress]',
  options: {
    ...RUN_OPTION_SPECS, ...COST_OPTION_SPECS,
    train: { type: 'string', value: '90d', description: 'Walk-forward train window length' },
    test: { type: 'string', value: '30d', description: 'Walk-forward test window length' },
    step: { type: 'string', value: '30d', description: 'How far each window moves on (default --test)' },
    grid: { type: 'string', value: "'fast=10,20;slow=50,100'", description: 'Walk-forward params to pick from per train window (default: the policy\'s params)' },
    levels: { type: 'string', value: '0,5,10,20,40', description: 'Cost levels in bps (fee and slippage each) for the break-even cost' },
    multiples: { type: 'string', value: '1,10,100', description: 'Stake multiples (× starting cash) of the capacity runs' },
    json: { type: 'string', value: 'FILE', description: 'Write the score, components, floors and measurements as JSON; - for stdout (the text then goes to stderr)' },
    workers: { type: 'string', value: 'N', description: 'Worker threads (default one per available core)' },
    progress: PROGRESS_OPTION,
  },
  details: 'The paper gap needs a deployment (POLICY_TABLE and STATE_TABLE set); without one it is reported as not available and '
    + 'the weights renormalise over the other components. Formula: README "Durability score" and shared/domain/durability.ts.',
  run: (ctx, values) => durabilityCommand(ctx, values as DurabilityValues),
};
