// The shape every `stratus` command has: its own options (parsed strictly: an option it does not take is refused),
// its help text, and how it runs. shared/cli/commands.ts lists them by name with a lazy loader, so `stratus <cmd>`
// imports only that command's module.
import { StratusError } from '../domain/errors.js';
import type { CliContext } from './cli-context.js';

/** One option of one command, as node:util parseArgs takes it, plus its help line. */
export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
  /** Placeholder shown in help for a string option, e.g. DIR, 2021-05-19, BTC/USDT,ETH/USDT. */
  readonly value?: string;
  readonly description: string;
  /** For a string option: the value it takes when given alone (no value follows), e.g. `-` for `--json` meaning stdout. */
  readonly bare?: string;
  /** For a string option: it may be given more than once, the values joined with commas (`--strategy-file a.ts --strategy-file b.ts`). */
  readonly repeatable?: boolean;
}

/** Values parseArgs returns for a command's options (absent options are undefined). */
export type OptionValues = Readonly<Record<string, string | boolean | undefined>>;

/** A CLI command: name, one-line summary, usage line, its options, positional arguments, and its run. */
export interface CommandSpec {
  /** As typed after `stratus`, e.g. `download-data`. */
  readonly name: string;
  readonly summary: string;
  /** e.g. `stratus download-data --symbols S[,S] --timeframe TF --from DATE --to DATE --out DIR [--exchange binance]` */
  readonly usage: string;
  readonly options: Readonly<Record<string, OptionSpec>>;
  /** Positional arguments it takes (default none): min/max count and a label for help. */
  readonly positionals?: { readonly min: number; readonly max: number; readonly label: string };
  /** Extra help paragraphs (examples, notes) printed by `stratus <cmd> --help`. */
  readonly details?: string;
  /** Subcommands by name (e.g. `policy set`), each with its own options and help; the runner dispatches on the first positional. */
  readonly subcommands?: Readonly<Record<string, CommandSpec>>;
  run(ctx: CliContext, values: OptionValues, positionals: readonly string[]): Promise<number>;
}

/** A misuse of a command (missing or conflicting options) that the runner reports like a parse error: one line, exit 2. */
export class UsageError extends StratusError {
  override readonly name = 'UsageError';
  constructor(message: string) {
    super('CLI_USAGE', message, false);
  }
}
