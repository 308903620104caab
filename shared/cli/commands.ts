// Every `stratus` command by name: a one-line summary (for `stratus --help`, no module loaded) and a lazy loader of
// the module that declares its CommandSpec. A new command adds ONE line here; run-cli.ts does the rest (help,
// strict parsing, nearest-option suggestions). Modules declaring two commands pick theirs with `.then`.
import type { CommandSpec } from './command-spec.js';

/** A registry entry: what `stratus --help` prints, and how to import the command. */
export interface CommandEntry {
  readonly summary: string;
  readonly load: () => Promise<{ readonly command: CommandSpec }>;
}

/** The commands, in the order `stratus --help` lists them. */
export const COMMANDS: Readonly<Record<string, CommandEntry>> = {
  start: { summary: 'Run the whole pipeline locally on replayed candles (dynalite + fauxqs in-process)', load: () => import('./start-command.js') },
  backtest: { summary: 'Run a strategy, the risk chain and the paper fill model over recorded candles', load: () => import('./backtest-command.js') },
  'cost-sweep': { summary: 'The same backtest at each cost level: Sharpe, return, break-even cost', load: () => import('./research-commands.js').then((m) => ({ command: m.costSweepSpec })) },
  'walk-forward': { summary: 'Rolling train/test windows: the grid\'s best params, scored out-of-sample only', load: () => import('./walk-forward-command.js') },
  optimize: { summary: 'Grid or seeded random search ranked in-sample, the winner re-run on a held-out tail', load: () => import('./optimize-command.js') },
  durability: { summary: 'Durability score 0–100 and rating: out-of-sample decay, cost, stability, capacity, paper gap', load: () => import('./durability-command.js') },
  'lookahead-check': { summary: 'Signals on full data against data cut at several points (look-ahead bias)', load: () => import('./research-commands.js').then((m) => ({ command: m.lookaheadSpec })) },
  'download-data': { summary: 'Download closed candles from the exchange (ccxt REST) into candle files; resumes, reports gaps', load: () => import('./download-data-command.js') },
  'list-data': { summary: 'List the candle files of a folder: symbol, timeframe, first/last candle, count, gaps', load: () => import('./list-data-command.js') },
  'resample-data': { summary: 'Build higher-timeframe candle files (e.g. 4h, 1d) from lower ones, aligned to UTC', load: () => import('./resample-data-command.js') },
  'show-config': { summary: 'The effective policy after profile and defaults, with its hash', load: () => import('./show-config-command.js') },
  policy: { summary: 'Validate, read, write, diff and roll back the policy in force', load: () => import('./policy-command.js') },
  kill: { summary: 'Trip the kill switch', load: () => import('./state-commands.js').then((m) => ({ command: m.killSpec })) },
  reset: { summary: 'Reset a tripped kill switch (then the policy\'s cooldown)', load: () => import('./state-commands.js').then((m) => ({ command: m.resetSpec })) },
  status: { summary: 'Health verdict OK / DEGRADED / CRITICAL, one line per check', load: () => import('./status-command.js') },
  report: { summary: 'The daily report the 00:00 UTC schedule sends', load: () => import('./report-command.js') },
  cost: { summary: 'Monthly AWS cost of the stack as synthesized, line by line', load: () => import('./cost-command.js') },
  decisions: { summary: 'Recent risk decisions with their reason codes', load: () => import('./decisions-command.js') },
  locks: { summary: 'Active protection locks', load: () => import('./locks-command.js') },
  trades: { summary: 'Closed round trips and open positions from the ledger', load: () => import('./trades-command.js') },
  reconcile: { summary: 'Reconcile the exchange with the ledger now', load: () => import('./reconcile-command.js') },
  'go-live-check': { summary: 'The go-live checklist: PASS / FAIL / UNKNOWN with evidence; --record stores the verdict the LIVE gate reads', load: () => import('./go-live-command.js') },
  signoff: { summary: 'Record a go-live sign-off (who, role, when, note), or list them: stratus signoff list', load: () => import('./signoff-command.js') },
  'go-live-override': { summary: 'Record a documented override of the go-live checklist (needs its own sign-off by someone else)', load: () => import('./go-live-command.js').then((m) => ({ command: m.overrideSpec })) },
  'go-live-record': { summary: 'Store a walk-forward or cost-sweep result (their --json output) as go-live evidence', load: () => import('./go-live-command.js').then((m) => ({ command: m.recordSpec })) },
  strategies: { summary: 'Built-in and user strategies with their params, defaults, ranges and warm-up', load: () => import('./strategies-command.js') },
  'new-strategy': { summary: 'Write a commented strategy template and its test', load: () => import('./new-strategy-command.js') },
};
