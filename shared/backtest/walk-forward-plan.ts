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

/**
 * Parses `fast=10,20,30;slow=50,100` into the cartesian product of the values, in grid order: the first name varies
 * slowest ({fast:10,slow:50}, {fast:10,slow:100}, {fast:20,slow:50}, ...). Names must be distinct, values finite
 * numbers without repeats.
 */
export function parseGrid(text: string): ParamGrid {
  const axes = text.split(';').map((s) => s.trim()).filter(Boolean).map((axis) => {
    const eq = axis.indexOf('=');
    const name = eq > 0 ? axis.slice(0, eq).trim() : '';
    const raw = eq > 0 ? axis.slice(eq + 1).split(',').map((v) => v.trim()) : [];
    const values = raw.map(Number);
    if (!name || raw.length === 0 || raw.some((v, i) => v === '' || !Number.isFinite(values[i]))) {
      throw new RangeError(`--grid: expected name=number,number,... in "${axis}"`);
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
