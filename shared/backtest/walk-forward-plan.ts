import type { StrategyParams } from '../domain/strategy.js';

/** One walk-forward window, epoch ms: params are chosen on [trainFrom, trainTo) and tested on [testFrom, testTo). */
export interface WalkForwardWindow {
  readonly trainFrom: number;
  readonly trainTo: number;
  /** Equal to trainTo: the test period follows the train period directly. */
  readonly testFrom: number;
  readonly testTo: number;
}

/** A parameter grid: the names in the order given, and every combination in grid order (first name outermost). */
export interface ParamGrid {
  readonly names: readonly string[];
  readonly combos: readonly StrategyParams[];
}

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** A duration like `90d`, `12h`, `30m` or `2w` (a positive integer and a unit) in ms; throws naming the option. */
export function parseDuration(text: string, name: string): number {
  const match = /^(\d+)([mhdw])$/.exec(text.trim());
  const n = match ? Number(match[1]) : 0;
  if (!match || n <= 0) throw new RangeError(`${name} must be a duration like 90d, 12h, 30m or 2w, got ${text}`);
  return n * UNIT_MS[match[2]!]!;
}

/** Most values one `a..b:step` range may expand to. */
const MAX_RANGE_VALUES = 10_000;

/**
 * `a..b:step` (step defaults to 1) as the values a, a+step, … up to b inclusive, each rounded to 10 decimals (so 0.1
 * steps give 0.3, not 0.30000000000000004); throws naming the param when a or b is not a number, step ≤ 0, b < a, or
 * the range has more than 10 000 values.
 */
export function expandRange(text: string, name: string): string[] {
  const match = /^([^.:]+|-?\d*\.\d+)\.\.([^:]+)(?::(.+))?$/.exec(text);
  const [a, b, step] = match ? [Number(match[1]), Number(match[2]), match[3] === undefined ? 1 : Number(match[3])] : [NaN, NaN, NaN];
  if (!match || [match[1]!, match[2]!, match[3] ?? '1'].some((v) => v.trim() === '') || ![a, b, step].every(Number.isFinite)) {
    throw new RangeError(`--grid: ${name}: expected a range a..b:step of numbers, got "${text}"`);
  }
  if (step <= 0) throw new RangeError(`--grid: ${name}: the step of "${text}" must be > 0`);
  if (b < a) throw new RangeError(`--grid: ${name}: "${text}" ends before it starts`);
  const count = Math.floor((b - a) / step + 1e-9) + 1;
  if (count > MAX_RANGE_VALUES) throw new RangeError(`--grid: ${name}: "${text}" has ${count} values (at most ${MAX_RANGE_VALUES})`);
  return Array.from({ length: count }, (_, i) => String(Number((a + i * step).toFixed(10))));
}

/**
 * Parses `fast=10,20,30;slow=50,100` into the cartesian product of the values, in grid order: the first name varies
 * slowest ({fast:10,slow:50}, {fast:10,slow:100}, {fast:20,slow:50}, ...). Names must be distinct, values finite
 * numbers without repeats. A value may be a range `a..b:step` (see expandRange): `fast=5..50:5` is 5,10,…,50.
 */
export function parseGrid(text: string): ParamGrid {
  const axes = text.split(';').map((s) => s.trim()).filter(Boolean).map((axis) => {
    const eq = axis.indexOf('=');
    const name = eq > 0 ? axis.slice(0, eq).trim() : '';
    const raw = eq > 0 ? axis.slice(eq + 1).split(',').map((v) => v.trim())
      .flatMap((v) => (name && v.includes('..') ? expandRange(v, name) : [v])) : [];
    const values = raw.map(Number);
    if (!name || raw.length === 0 || raw.some((v, i) => v === '' || !Number.isFinite(values[i]))) {
      throw new RangeError(`--grid: expected name=number,number,... or name=a..b:step in "${axis}"`);
    }
    if (new Set(values).size !== values.length) throw new RangeError(`--grid: ${name} repeats a value`);
    return { name, values };
  });
  if (axes.length === 0) throw new RangeError(`--grid must name at least one param, e.g. 'fast=10,20;slow=50,100', got ${text}`);
  const names = axes.map((a) => a.name);
  if (new Set(names).size !== names.length) throw new RangeError(`--grid names a param twice: ${names.join(', ')}`);
  let combos: Record<string, number>[] = [{}];
  for (const { name, values } of axes) combos = combos.flatMap((c) => values.map((v) => ({ ...c, [name]: v })));
  return { names, combos };
}

/**
 * Rolling windows over [from, to): the first train period starts at `from`, each next window `step` later; only
 * windows whose test period ends by `to` are kept (a shorter tail is left out). Throws when none fits.
 */
export function rollingWindows(span: { from: number; to: number; train: number; test: number; step: number }): WalkForwardWindow[] {
  const { from, to, train, test, step } = span;
  if (!(train > 0 && test > 0 && step > 0)) throw new RangeError('train, test and step must be positive durations');
  const windows: WalkForwardWindow[] = [];
  for (let start = from; start + train + test <= to; start += step) {
    windows.push({ trainFrom: start, trainTo: start + train, testFrom: start + train, testTo: start + train + test });
  }
  if (windows.length === 0) throw new RangeError('no walk-forward window fits: --from..--to is shorter than --train plus --test');
  return windows;
}
