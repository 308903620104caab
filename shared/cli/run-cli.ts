import { parseArgs } from 'node:util';
import { startCommand } from './start-command.js';
import { policyCommand } from './policy-command.js';
import { killCommand, resetCommand, statusCommand } from './state-commands.js';

const USAGE = `stratus — serverless crypto trading pipeline

Usage:
  stratus start [--symbols BTC/USDT,ETH/USDT,SOL/USDT] [--from 2021-05-18] [--to 2021-05-20]
                [--policy policy.json] [--json summary.json] [--log-level ERROR]
      Run the whole pipeline locally on replayed real candles (dynalite + fauxqs in-process).
  stratus policy validate <file>      Check a policy document; prints every problem with its path.
  stratus policy get                  Print the policy in force (needs POLICY_TABLE and AWS credentials).
  stratus policy set <file> --by <who>
  stratus kill --reason <text> [--by <who>]      Trip the kill switch (needs STATE_TABLE).
  stratus reset --by <who> --reason <text>      Reset a tripped kill switch.
  stratus status                      Kill switch, ledger and open positions.
`;

/** Parses argv and runs a command; returns the process exit code. */
export async function runCli(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv, allowPositionals: true, strict: true,
    options: {
      symbols: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, policy: { type: 'string' },
      json: { type: 'string' }, 'log-level': { type: 'string' }, reason: { type: 'string' }, by: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, ...rest] = positionals;
  if (values.help || !command) { process.stdout.write(USAGE); return command || values.help ? 0 : 2; }
  try {
    switch (command) {
      case 'start': return await startCommand(values);
      case 'policy': return await policyCommand(rest, values);
      case 'kill': return await killCommand(values);
      case 'reset': return await resetCommand(values);
      case 'status': return await statusCommand();
      default: process.stderr.write(`unknown command: ${command}\n\n${USAGE}`); return 2;
    }
  } catch (error) {
    process.stderr.write(`stratus ${command}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}
