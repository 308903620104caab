import path from 'node:path';
import { paramInfo, rangeText, type ParamInfo } from '../domain/strategy-define.js';
import { registeredStrategies, type RegisteredStrategy } from '../domain/strategy.js';
import { loadUserStrategies, STRATEGY_OPTION_SPECS } from '../local/strategy-loader.js';
import { table, type CliContext } from './cli-context.js';
import type { CommandSpec, OptionValues } from './command-spec.js';

/** One strategy as `stratus strategies --json` lists it. */
export interface StrategyListing {
  readonly name: string;
  /** 'built-in', or the module file (relative to the working directory). */
  readonly source: string;
  readonly summary?: string;
  /** Closed candles it needs with its default params. */
  readonly warmup: number;
  readonly params: readonly ParamInfo[];
}

/** The listing of a registered strategy. */
export function strategyListing({ strategy, source }: RegisteredStrategy, cwd = process.cwd()): StrategyListing {
  return {
    name: strategy.name,
    source: source === 'built-in' ? source : path.relative(cwd, source) || source,
    ...(strategy.summary ? { summary: strategy.summary } : {}),
    warmup: strategy.requiredCandles({}),
    params: paramInfo(strategy.paramsSchema),
  };
}

/** The table: one row per param, the strategy's name, source and warm-up on its first. */
export function strategiesTable(list: readonly StrategyListing[]): string {
  const rows: string[][] = [['STRATEGY', 'SOURCE', 'WARM-UP', 'PARAM', 'DEFAULT', 'RANGE', 'MEANING']];
  for (const s of list) {
    const params = s.params.length ? s.params : [undefined];
    params.forEach((p, i) => rows.push([
      i === 0 ? s.name : '', i === 0 ? s.source : '', i === 0 ? String(s.warmup) : '',
      p?.name ?? '(none)', p?.default === undefined ? '' : String(p.default), p ? rangeText(p) : '', p?.description ?? '',
    ]));
  }
  return table(rows);
}

/** `stratus strategies`: built-in and user strategies with their params (default, range) and warm-up candles. */
export async function strategiesCommand(ctx: CliContext, values: OptionValues): Promise<number> {
  await loadUserStrategies(values);
  const list = registeredStrategies().map((r) => strategyListing(r));
  if (values.json) {
    ctx.out(`${JSON.stringify(list, null, 2)}\n`);
    return 0;
  }
  ctx.out(strategiesTable(list));
  for (const s of list) if (s.summary) ctx.out(`${s.name}: ${s.summary}\n`);
  return 0;
}

/** `stratus strategies` as the CLI declares it. */
export const command: CommandSpec = {
  name: 'strategies',
  summary: 'List the built-in and user strategies with their params, defaults, ranges and warm-up',
  usage: 'stratus strategies [--strategy-file FILE[,FILE]] [--strategies-dir DIR] [--json]',
  options: {
    ...STRATEGY_OPTION_SPECS,
    json: { type: 'boolean', description: 'Print the list as JSON' },
  },
  details: 'WARM-UP is the closed candles the strategy needs with its default params. A policy names a strategy in strategies[].name\n'
    + 'and sets its params in strategies[].params; `stratus policy validate --strategy-file FILE` checks them against the schema.',
  run: (ctx, values) => strategiesCommand(ctx, values),
};
