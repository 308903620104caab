// Help text: `stratus --help` from the registry's summaries alone (no command module loaded), and
// `stratus <command> --help` from that command's spec: usage, summary, every option, positionals, details.
import type { CommandEntry } from './commands.js';
import type { CommandSpec } from './command-spec.js';

/** What to type when flags go through npm, which keeps flags before `--` for itself. */
export const NPM_HINT = 'Through npm, put the flags after --: npm start -- --symbols BTC/USDT, npm run stratus -- backtest --strategy …';

/** `stratus --help`: every command with its one-line summary. */
export function topHelp(commands: Readonly<Record<string, Pick<CommandEntry, 'summary'>>>): string {
  const width = Math.max(...Object.keys(commands).map((n) => n.length));
  return `stratus — serverless crypto trading pipeline

Usage: stratus <command> [options]
       stratus <command> --help     the command's options, arguments and examples

Commands:
${Object.entries(commands).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`).join('\n')}

Each command takes only its own options; any other is refused (exit 2) with the nearest one it takes.
${NPM_HINT} (or npx stratus start --symbols …).
Policy commands need POLICY_TABLE, the operator commands STATE_TABLE (stack outputs), and AWS credentials.
`;
}

/** `stratus <command> --help`: usage, summary, options with placeholders, positionals or subcommands, details. */
export function commandHelp(spec: CommandSpec): string {
  const rows: [string, string][] = Object.entries(spec.options).map(([name, o]) => [
    `${o.short ? `-${o.short}, ` : ''}--${name}${o.type === 'string' ? ` ${o.value ?? 'VALUE'}` : ''}`, o.description,
  ]);
  rows.push(['-h, --help', 'Print this help']);
  const parts = [`Usage: ${spec.usage}`, spec.summary];
  if (spec.subcommands) parts.push(`Subcommands:\n${columns(Object.entries(spec.subcommands).map(([n, s]) => [n, s.summary]))}`);
  if (spec.positionals) parts.push(`Arguments:\n${columns([[spec.positionals.label, spec.positionals.min > 0 ? 'required' : 'optional']])}`);
  parts.push(`Options:\n${columns(rows)}`);
  if (spec.details) parts.push(spec.details);
  return `${parts.join('\n\n')}\n`;
}

function columns(rows: readonly (readonly [string, string])[]): string {
  const width = Math.max(...rows.map(([left]) => left.length));
  return rows.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`).join('\n');
}
