// Strict parsing of one command's arguments against its CommandSpec: an option it does not declare, a missing
// value, a value given to a flag, or a positional it does not take is a UsageError naming the nearest valid option.
import { UsageError, type CommandSpec, type OptionSpec, type OptionValues } from './command-spec.js';

/** What a command was given: its option values, its positionals, and whether help was asked for. */
export interface ParsedArgs {
  readonly values: OptionValues;
  readonly positionals: readonly string[];
  readonly help: boolean;
}

/** Levenshtein distance between two strings (insertions, deletions, substitutions, each 1). */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length]!;
}

/** The candidate closest to `word` when it is plausibly a typo of it (or a prefix of it); undefined otherwise. */
export function nearest(word: string, candidates: readonly string[]): string | undefined {
  let best: { name: string; d: number } | undefined;
  for (const name of candidates) {
    const d = name.startsWith(word) && word.length >= 2 ? 0.5 : editDistance(word, name);
    if (!best || d < best.d) best = { name, d };
  }
  return best && best.d <= Math.max(2, Math.floor(best.name.length / 3)) ? best.name : undefined;
}

/** The one-line refusal of an option `spec` does not take, with the nearest option it does take. */
export function unknownOption(spec: CommandSpec, raw: string): string {
  const names = Object.keys(spec.options);
  const close = nearest(raw.replace(/^-+/, '').split('=')[0]!, names);
  if (close) return `unknown option ${raw.split('=')[0]} (did you mean --${close}?)`;
  const takes = names.length === 0 ? `${spec.name} takes no options`
    : names.length <= 6 ? `${spec.name} takes ${names.map((n) => `--${n}`).join(', ')}` : `see stratus ${spec.name} --help`;
  return `unknown option ${raw.split('=')[0]} (${takes})`;
}

/** Parses `args` (what follows the command's name) strictly against the spec; throws UsageError on misuse. */
export function parseCommandArgs(spec: CommandSpec, args: readonly string[]): ParsedArgs {
  const values: Record<string, string | boolean> = {};
  const positionals: string[] = [];
  let help = false;
  const repeated: Record<string, string[]> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') { positionals.push(...args.slice(i + 1)); break; }
    if (arg === '--help' || arg === '-h') { help = true; continue; }
    if (!arg.startsWith('-') || arg === '-' || /^-\d/.test(arg)) { positionals.push(arg); continue; }
    const [name, option] = optionOf(spec, arg);
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    if (option.type === 'boolean') {
      if (eq >= 0) throw new UsageError(`--${name} takes no value, got ${arg}`);
      values[name] = true;
    } else {
      const before = values[name];
      if (eq >= 0) values[name] = arg.slice(eq + 1);
      else {
        const next = args[i + 1];
        if (next !== undefined && (!next.startsWith('-') || next === '-' || /^-\d/.test(next))) { values[name] = next; i++; }
        else if (option.bare !== undefined) values[name] = option.bare;
        else throw new UsageError(`--${name} needs a value${option.value ? ` (${option.value})` : ''}`);
      }
      if (option.repeatable && typeof before === 'string') (repeated[name] ??= [before]).push(values[name] as string);
    }
  }
  for (const [name, all] of Object.entries(repeated)) values[name] = all.join(',');
  if (!help) checkPositionals(spec, positionals);
  return { values, positionals, help };
}

/** The declared option an argument names (`--name`, `--name=v`, or a declared short `-x`); UsageError otherwise. */
function optionOf(spec: CommandSpec, arg: string): [string, OptionSpec] {
  const name = arg.startsWith('--') ? arg.slice(2).split('=')[0]! : Object.keys(spec.options).find((n) => spec.options[n]!.short === arg.slice(1));
  const option = name === undefined ? undefined : spec.options[name];
  if (name === undefined || !option || !Object.hasOwn(spec.options, name)) throw new UsageError(unknownOption(spec, arg));
  return [name, option];
}

function checkPositionals(spec: CommandSpec, positionals: readonly string[]): void {
  const { min, max, label } = spec.positionals ?? { min: 0, max: 0, label: '' };
  if (positionals.length > max) {
    const extra = positionals.slice(max);
    throw new UsageError(`unexpected argument${extra.length > 1 ? 's' : ''} ${extra.join(' ')} (${max === 0 ? `${spec.name} takes no arguments` : `usage: ${spec.usage}`})`);
  }
  if (positionals.length < min) throw new UsageError(`missing ${label} (usage: ${spec.usage})`);
}
