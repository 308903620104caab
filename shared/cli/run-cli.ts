// `stratus <command> [subcommand] [options]`: the command's module is imported only when that command runs or its
// help is asked for, so `stratus --help` loads the registry alone, never ccxt, CDK or the AWS clients. Each command
// is parsed with its own options only; a misuse is refused in one line (exit 2), a failed run exits 1.
import type { CliContext } from './cli-context.js';
import { commandHelp, topHelp } from './cli-help.js';
import { nearest, parseCommandArgs } from './cli-parse.js';
import { UsageError, type CommandSpec } from './command-spec.js';
import { COMMANDS } from './commands.js';
import { npmSwallowedFlags, npmSwallowedMessage } from './npm-flags.js';

type Io = Pick<CliContext, 'out' | 'err'>;

/** Parses argv and runs a command against `context` (a real process by default); returns the exit code. */
export async function runCli(argv: string[], context?: CliContext): Promise<number> {
  // Usage and argument errors need only stdout/stderr; the full context (AWS clients) loads for a command.
  const io: Io = context ?? { out: (text) => process.stdout.write(text), err: (text) => process.stderr.write(text) };
  const [name, ...rest] = argv;
  if (name === undefined) { io.err(topHelp(COMMANDS)); return 2; }
  if (name === '--help' || name === '-h') { io.out(topHelp(COMMANDS)); return 0; }
  if (name === 'help' && rest[0] === undefined) { io.out(topHelp(COMMANDS)); return 0; }
  if (name === 'help') return runCli([...rest, '--help'], context);
  const entry = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!entry) return usage(io, 'stratus', name.startsWith('-') ? `put the command first: stratus <command> ${name} … (see stratus --help)`
    : `unknown command ${name}${suggestion(name, Object.keys(COMMANDS), 'stratus --help')}`);
  let spec = (await entry.load()).command;
  let args = rest;
  if (spec.subcommands) {
    const [sub, ...subArgs] = rest;
    if (sub === undefined || sub === '--help' || sub === '-h') { (sub ? io.out : io.err)(commandHelp(spec)); return sub ? 0 : 2; }
    const chosen = Object.hasOwn(spec.subcommands, sub) ? spec.subcommands[sub] : undefined;
    if (!chosen) return usage(io, `stratus ${name}`, `unknown subcommand ${sub}${suggestion(sub, Object.keys(spec.subcommands), `stratus ${name} --help`)}`);
    spec = chosen;
    args = subArgs;
  }
  const prefix = `stratus ${spec.name}`;
  if (!context) {
    const swallowed = npmSwallowedFlags(process.env, Object.keys(spec.options), args);
    if (swallowed.length) return usage(io, prefix, npmSwallowedMessage(process.env, spec.name, swallowed));
  }
  let parsed;
  try {
    parsed = parseCommandArgs(spec, args);
  } catch (error) {
    if (error instanceof UsageError) return usage(io, prefix, error.message);
    throw error;
  }
  if (parsed.help) { io.out(commandHelp(spec)); return 0; }
  return run(spec, context, parsed.values, parsed.positionals);
}

async function run(spec: CommandSpec, context: CliContext | undefined, values: Parameters<CommandSpec['run']>[1], positionals: readonly string[]): Promise<number> {
  const ctx = context ?? (await import('./cli-context.js')).processContext();
  try {
    // --strategy-file / --strategies-dir / STRATUS_STRATEGIES: user strategies are registered before the command runs (strategy-loader.ts).
    if (values['strategy-file'] !== undefined || values['strategies-dir'] !== undefined || process.env.STRATUS_STRATEGIES) {
      await (await import('../local/strategy-loader.js')).loadUserStrategies(values);
    }
    return await spec.run(ctx, values, positionals);
  } catch (error) {
    if (error instanceof UsageError) return usage(ctx, `stratus ${spec.name}`, error.message);
    ctx.err(`stratus ${spec.name}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

/** Prints a one-line usage error and returns exit code 2. */
function usage(io: Io, prefix: string, message: string): number {
  io.err(`${prefix}: ${message}\n`);
  return 2;
}

/** ` (did you mean X?)` for the nearest name, else a pointer to the help that lists them. */
function suggestion(word: string, names: readonly string[], help: string): string {
  const close = nearest(word, names);
  return close ? ` (did you mean ${close}?)` : ` (see ${help})`;
}
