// Each command's module is imported when that command runs, so `stratus --help` or `policy validate` never
// loads ccxt, CDK or the clients other commands need.
import { parseArgs } from 'node:util';
import type { CliContext } from './cli-context.js';

/** Commands whose `--json` without a file means stdout (status-command.ts jsonFlagToStdout). */
const JSON_TO_STDOUT_COMMANDS = ['status', 'report', 'cost'];

const USAGE = `stratus — serverless crypto trading pipeline

Usage:
  stratus start [--symbols BTC/USDT,ETH/USDT,SOL/USDT] [--from 2021-05-18] [--to 2021-05-20]
                [--policy policy.json] [--json summary.json] [--log-level ERROR]
      Run the whole pipeline locally on replayed real candles (dynalite + fauxqs in-process).
  stratus backtest --strategy <name> --symbols BTC/USDT,ETH/USDT --timeframe 1m|5m|1h --from <date> --to <date>
                  --data <dir or file> [--policy <file>] [--fee-bps N] [--slippage-bps N] [--seed N] [--json out.json]
                  [--html report.html]
      Run the strategy, risk chain and paper fill model over recorded candles (gzip or plain CSV), in memory;
      --html writes a self-contained report page (charts and tables, opens offline).
  stratus cost-sweep (or backtest --cost-sweep) <backtest options> [--levels 0,5,10,20,40] [--json sweep.json] [--workers N]
      The same backtest at each cost level (bps of fee and of slippage each): Sharpe, total return, break-even cost.
  stratus walk-forward <backtest options> --train 90d --test 30d [--step 30d] --grid 'fast=10,20;slow=50,100'
                  [--objective sharpe|return|profit-factor] [--json wf.json] [--workers N]
      Rolling windows: the grid's best params on each train window, run on the next test window; out-of-sample only.
  stratus lookahead-check --strategy <name> --symbols ... --timeframe ... --from <date> --to <date> --data <dir or file>
                  [--policy <file>] [--cuts 5]
      Signals on the full data against data cut at several points; exit 1, listing them, if any shared signal changed.
  stratus policy validate <file>        Check a policy document offline; prints every problem with its path,
                                        exits 1 when there is any error.
  stratus policy get                    The policy in force, its version, hash and source.
  stratus policy set <file> --by <who>  Validate, then write as the next version.
  stratus policy diff [<file> | --version N]
                                        The policy in force against a file or a past version, path by path.
  stratus policy history [--limit N]    Written versions, newest first.
  stratus policy rejections [--limit N] Versions that failed validation and never took effect.
  stratus policy rollback <version> --by <who>
                                        Write an old version's document again, as a new version.
  stratus kill --reason <text> [--by <who>]      Trip the kill switch.
  stratus reset --by <who> --reason <text>       Reset a tripped kill switch (then the policy's cooldown).
  stratus status [--json [file]]        Health verdict OK / DEGRADED / CRITICAL (exit 0 / 1 / 2), one line per check:
                                        kill switch, stream heartbeat, last signal and metrics runs, reconcile drift,
                                        DLQ depths, circuit breaker, unresolved orders, alarms in ALARM, policy
                                        rejections. Also needs MARKET_TABLE; STRATUS_STACK_NAME (default Stratus)
                                        names the DLQs and the alarm prefix.
  stratus report [--day YYYY-MM-DD] [--json [file]]
                                        The daily report the 00:00 UTC schedule sends (default: yesterday): PnL,
                                        equity, drawdown, Sharpe, win rate, trades, rejections, kill switch, policy,
                                        positions, alerts. Also needs MARKET_TABLE.
  stratus cost [--symbols 5] [--cadence 1m] [--spot] [--region us-east-1] [--json [file]]
                                        Monthly AWS cost, line by line, of the stack as synthesized (offline), at
                                        list prices kept in shared/cost/prices-<region>.json.
  stratus decisions [--symbol S] [--since ISO] [--limit N]
                                        Recent risk decisions with their reason codes.
  stratus locks                         Active protection locks.
  stratus reconcile                     Reconcile the exchange with the ledger now (adopt our orders, book missed
                                        fills, close finished orders, balance drift); needs the functions'
                                        environment (table, queue and topic names, EXCHANGE_SECRET_ARN for LIVE).
  Policy commands need POLICY_TABLE, the others STATE_TABLE (stack outputs), and AWS credentials.
`;

/** Options each operator command takes; any other option, or a positional, is refused rather than ignored. */
const OPERATOR_OPTIONS: Readonly<Record<string, readonly string[]>> = {
  status: ['json'], report: ['day', 'json'], cost: ['symbols', 'cadence', 'spot', 'region', 'json'],
  kill: ['reason', 'by'], reset: ['reason', 'by'],
};

/** Why `stratus <command>` was given an option or argument it does not take; undefined when it was not. */
function operatorMisuse(command: string, rest: readonly string[], values: Record<string, unknown>): string | undefined {
  const allowed = OPERATOR_OPTIONS[command];
  if (!allowed) return undefined;
  const foreign = Object.keys(values).filter((k) => values[k] !== undefined && !allowed.includes(k));
  if (foreign.length) return `unknown option${foreign.length > 1 ? 's' : ''} for ${command}: ${foreign.map((k) => `--${k}`).join(', ')}`;
  return rest.length ? `unexpected argument${rest.length > 1 ? 's' : ''}: ${rest.join(' ')}` : undefined;
}

/** Parses argv and runs a command against `ctx` (a real process by default); returns the exit code. */
export async function runCli(argv: string[], context?: CliContext): Promise<number> {
  const first = argv.find((a) => !a.startsWith('-')) ?? '';
  const args = JSON_TO_STDOUT_COMMANDS.includes(first) ? (await import('./status-command.js')).jsonFlagToStdout(argv) : argv;
  // Usage and argument errors need only stdout/stderr; the full context (AWS clients) loads for a command.
  const io: Pick<CliContext, 'out' | 'err'> = context ?? { out: (text) => process.stdout.write(text), err: (text) => process.stderr.write(text) };
  let parsed;
  try {
    parsed = parseArgs({
      args, allowPositionals: true, strict: true,
      options: {
        symbols: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, policy: { type: 'string' },
        json: { type: 'string' }, html: { type: 'string' }, 'log-level': { type: 'string' }, reason: { type: 'string' }, by: { type: 'string' },
        symbol: { type: 'string' }, since: { type: 'string' }, limit: { type: 'string' }, version: { type: 'string' },
        strategy: { type: 'string' }, timeframe: { type: 'string' }, data: { type: 'string' }, 'fee-bps': { type: 'string' },
        'slippage-bps': { type: 'string' }, seed: { type: 'string' },
        'cost-sweep': { type: 'boolean' }, levels: { type: 'string' }, cuts: { type: 'string' },
        train: { type: 'string' }, test: { type: 'string' }, step: { type: 'string' }, grid: { type: 'string' },
        objective: { type: 'string' }, workers: { type: 'string' },
        day: { type: 'string' }, cadence: { type: 'string' }, spot: { type: 'boolean' }, region: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    io.err(`stratus: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { positionals, values } = parsed;
  const [command, ...rest] = positionals;
  if (values.help || !command) { (command || values.help ? io.out : io.err)(USAGE); return command || values.help ? 0 : 2; }
  const misuse = operatorMisuse(command, rest, values);
  if (misuse) { io.err(`stratus ${command}: ${misuse}\n\n${USAGE}`); return 2; }
  const ctx = context ?? (await import('./cli-context.js')).processContext();
  try {
    switch (command) {
      case 'start': return await (await import('./start-command.js')).startCommand(values);
      case 'backtest': return values['cost-sweep'] ? await (await import('./research-commands.js')).costSweepCommand(ctx, values)
        : await (await import('./backtest-command.js')).backtestCommand(ctx, values);
      case 'cost-sweep': return await (await import('./research-commands.js')).costSweepCommand(ctx, values);
      case 'lookahead-check': return await (await import('./research-commands.js')).lookaheadCommand(ctx, values);
      case 'walk-forward': return await (await import('./walk-forward-command.js')).walkForwardCommand(ctx, values);
      case 'policy': return await (await import('./policy-command.js')).policyCommand(ctx, rest, values);
      case 'kill': return await (await import('./state-commands.js')).killCommand(ctx, values);
      case 'reset': return await (await import('./state-commands.js')).resetCommand(ctx, values);
      case 'status': return await (await import('./status-command.js')).statusCommand(ctx, values);
      case 'report': return await (await import('./report-command.js')).reportCommand(ctx, values);
      case 'cost': return await (await import('./cost-command.js')).costCommand(ctx, values);
      case 'decisions': return await (await import('./decisions-command.js')).decisionsCommand(ctx, values);
      case 'locks': return await (await import('./locks-command.js')).locksCommand(ctx);
      case 'reconcile': return await (await import('./reconcile-command.js')).reconcileCommand(ctx);
      default: ctx.err(`unknown command: ${command}\n\n${USAGE}`); return 2;
    }
  } catch (error) {
    ctx.err(`stratus ${command}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}
