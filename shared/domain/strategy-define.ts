import type * as z from 'zod';
import type { Candle } from './candle.js';
import { StrategyModuleError, StrategyParamsError, type StrategyParamIssue } from './errors.js';
import type { PlotLine, SignalScreen, Strategy, StrategyParams, StrategySignal } from './strategy.js';
import { evaluateFrozen, signalProblem, warmupProblem } from './strategy-signal.js';

/** A params schema: a zod object of numbers, each with a default (and a range), e.g. z.strictObject({ n: z.number().int().min(2).default(14) }). */
export type ParamsSchema = z.ZodObject;

/** Params as evaluate() receives them: parsed by the schema, defaults filled in. */
export type ParamsOf<S extends ParamsSchema> = z.output<S>;

/**
 * What a strategy module exports (`export default { … } satisfies StrategyDefinition<typeof params>`): a name, a
 * params schema, the closed candles it needs, and a pure evaluate() on closed candles, oldest first. Optional: a
 * conservative O(1) screen for the backtest's fast path, and plot lines (indicators to draw in the report).
 */
export interface StrategyDefinition<S extends ParamsSchema = ParamsSchema> {
  /** The name the policy gives in `strategies[].name`: lower-case letters, digits and dashes. */
  readonly name: string;
  /** One line on what it trades, shown by `stratus strategies`. */
  readonly summary?: string;
  readonly params: S;
  /** Closed candles evaluate() needs (the warm-up); evaluate() gets at most this many, the newest last. */
  readonly requiredCandles: number | ((params: ParamsOf<S>) => number);
  evaluate(input: { candles: readonly Candle[]; holding: boolean; params: ParamsOf<S> }): StrategySignal | undefined;
  screen?(params: ParamsOf<S>): SignalScreen;
  plot?(candles: readonly Candle[], params: ParamsOf<S>): readonly PlotLine[];
}

/** A param's default and range as the schema states them (for listings and messages). */
export interface ParamInfo {
  readonly name: string;
  readonly integer: boolean;
  readonly default?: number;
  readonly min?: number;
  readonly max?: number;
  readonly description?: string;
}

/** Strategy names: what policies, intent ids and metric dimensions can carry. */
const NAME = /^[a-z0-9][a-z0-9-]{0,39}$/;

type Def = { type: string; innerType?: ZodLike; defaultValue?: unknown };
type ZodLike = { def: Def; description?: string; minValue?: number | null; maxValue?: number | null; isInt?: boolean };

/** Each param of the schema with its default, range and description (read from the zod schema itself). */
export function paramInfo(schema: ParamsSchema): ParamInfo[] {
  return Object.entries(schema.shape as Record<string, ZodLike>).map(([name, field]) => {
    let inner = field;
    let fallback: unknown;
    let description = field.description;
    while (inner.def.innerType && ['default', 'optional', 'prefault'].includes(inner.def.type)) {
      if (inner.def.type !== 'optional') fallback = inner.def.defaultValue;
      inner = inner.def.innerType;
      description ??= inner.description;
    }
    const bound = (v: number | null | undefined) => (v === null || v === undefined || !Number.isFinite(v) || Math.abs(v) >= Number.MAX_SAFE_INTEGER ? undefined : v);
    return {
      name, integer: inner.isInt === true, ...(typeof fallback === 'number' ? { default: fallback } : {}),
      ...(bound(inner.minValue) !== undefined ? { min: bound(inner.minValue) } : {}),
      ...(bound(inner.maxValue) !== undefined ? { max: bound(inner.maxValue) } : {}),
      ...(description ? { description } : {}),
    };
  });
}

/** "an integer in 2..999", "a number in [-10, 10]", "a number ≥ 0": what a param must be. */
export function rangeText(p: ParamInfo): string {
  const kind = p.integer ? 'an integer' : 'a number';
  if (p.min !== undefined && p.max !== undefined) return p.integer ? `${kind} in ${p.min}..${p.max}` : `${kind} in [${p.min}, ${p.max}]`;
  if (p.min !== undefined) return `${kind} ≥ ${p.min}`;
  if (p.max !== undefined) return `${kind} ≤ ${p.max}`;
  return kind;
}

/** The schema's problems with `raw`, one per param (unknown names each on their own), in words. */
function issuesOf(schema: ParamsSchema, raw: StrategyParams, zodIssues: readonly z.core.$ZodIssue[]): StrategyParamIssue[] {
  const info = new Map(paramInfo(schema).map((p) => [p.name, p]));
  const known = [...info.keys()].join(', ');
  return zodIssues.flatMap((issue): StrategyParamIssue[] => {
    if (issue.code === 'unrecognized_keys') return issue.keys.map((k) => ({ param: k, message: `unknown param "${k}" (known: ${known})` }));
    const param = issue.path.map(String).join('.');
    const p = info.get(param);
    if (issue.code !== 'custom' && p) return [{ param, message: `${param} must be ${rangeText(p)}, got ${JSON.stringify(raw[param]) ?? 'nothing'}` }];
    return [{ param, message: issue.message }];
  });
}

/** What is missing or wrong in an object meant to be a strategy definition; empty when it is one. */
export function definitionProblems(value: unknown): string[] {
  if (typeof value !== 'object' || value === null) return ['the export is not an object (expected { name, params, requiredCandles, evaluate })'];
  const d = value as Partial<Record<keyof StrategyDefinition, unknown>>;
  const problems: string[] = [];
  if (typeof d.name !== 'string') problems.push('name (a string) is missing');
  else if (!NAME.test(d.name)) problems.push(`name "${d.name}" must be 1-40 lower-case letters, digits or dashes`);
  const schema = d.params as { shape?: unknown; safeParse?: unknown } | undefined;
  if (!schema || typeof schema.safeParse !== 'function' || typeof schema.shape !== 'object') problems.push('params (a zod object schema, z.strictObject({ … })) is missing');
  if (typeof d.requiredCandles !== 'number' && typeof d.requiredCandles !== 'function') problems.push('requiredCandles (a number, or (params) => number) is missing');
  else if (typeof d.requiredCandles === 'number' && warmupProblem(d.requiredCandles)) problems.push(warmupProblem(d.requiredCandles)!);
  if (typeof d.evaluate !== 'function') problems.push('evaluate (a function of { candles, holding, params }) is missing');
  for (const k of ['screen', 'plot'] as const) if (d[k] !== undefined && typeof d[k] !== 'function') problems.push(`${k} must be a function`);
  if (problems.length === 0) {
    const r = (schema as ParamsSchema).safeParse({});
    if (!r.success) problems.push(`params must all have defaults (the policy may give none): ${issuesOf(schema as ParamsSchema, {}, r.error.issues).map((i) => i.message).join('; ')}`);
  }
  return problems;
}

/** A Strategy made by defineStrategy, which keeps its definition (so a loader can re-wrap it). */
export interface DefinedStrategy<S extends ParamsSchema = ParamsSchema> extends Strategy {
  readonly definition: StrategyDefinition;
  /** The params parsed by the schema, defaults filled in; throws StrategyParamsError. */
  parseParams(raw: StrategyParams): ParamsOf<S>;
}

/**
 * The runtime Strategy of a definition: params parsed by its schema once per params object (policy params are
 * read-only), defaults filled in; params the schema refuses throw StrategyParamsError listing every problem by param.
 * Throws StrategyModuleError (INVALID_STRATEGY_MODULE) naming what the definition lacks.
 */
export function defineStrategy<S extends ParamsSchema>(definition: StrategyDefinition<S>): DefinedStrategy<S> {
  const problems = definitionProblems(definition);
  const label = typeof definition?.name === 'string' ? definition.name : '(unnamed)';
  if (problems.length) throw new StrategyModuleError('INVALID_STRATEGY_MODULE', `strategy ${label}: ${problems.join('; ')}`);
  const def = definition as unknown as StrategyDefinition;
  const parsed = new WeakMap<StrategyParams, ParamsOf<ParamsSchema>>();
  const parse = (raw: StrategyParams): ParamsOf<ParamsSchema> => {
    let p = parsed.get(raw);
    if (p) return p;
    const r = def.params.safeParse(raw);
    const issues = r.success ? [] : issuesOf(def.params, raw, r.error.issues);
    // A plain z.object would strip a misspelt param silently: every name the schema lacks is refused whatever its mode.
    const known = Object.keys(def.params.shape);
    for (const k of Object.keys(raw)) {
      if (!known.includes(k) && !issues.some((i) => i.param === k)) issues.push({ param: k, message: `unknown param "${k}" (known: ${known.join(', ')})` });
    }
    if (!r.success || issues.length) throw new StrategyParamsError(def.name, issues.map((i) => i.message), issues);
    p = r.data;
    parsed.set(raw, p);
    return p;
  };
  const { screen, plot } = def;
  return {
    name: def.name,
    ...(def.summary ? { summary: def.summary } : {}),
    paramsSchema: def.params,
    definition: def,
    parseParams: parse as (raw: StrategyParams) => ParamsOf<S>,
    requiredCandles(raw) {
      const p = parse(raw);
      const n = typeof def.requiredCandles === 'number' ? def.requiredCandles : def.requiredCandles(p);
      const problem = warmupProblem(n);
      if (problem) throw new StrategyParamsError(def.name, [problem]);
      return n;
    },
    evaluate: ({ candles, holding, params }) => {
      const signal = evaluateFrozen(def, { candles, holding, params: parse(params) });
      const problem = signalProblem(signal);
      if (problem) throw new StrategyModuleError('INVALID_STRATEGY_SIGNAL', `strategy ${def.name}: evaluate() returned an invalid signal: ${problem}`);
      return signal ?? undefined;
    },
    ...(screen ? { screen: (raw: StrategyParams) => screen.call(def, parse(raw)) } : {}),
    ...(plot ? { plot: (candles: readonly Candle[], raw: StrategyParams) => plot.call(def, candles, parse(raw)) } : {}),
  };
}
