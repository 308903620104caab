import { money } from '../domain/money.js';
import { loadConfig } from '../runtime/config.js';
import { buildDeps } from '../runtime/deps.js';
import { reconcileAccount, type ReconcileDeps, type ReconcileReport } from '../services/reconcile-account.js';
import { iso, table, type CliContext } from './cli-context.js';
import type { CommandSpec } from './command-spec.js';

/**
 * `stratus reconcile`: one reconciliation now, as the scheduled function runs it, with deps built from the
 * deployed functions' environment (table, queue and topic names; EXCHANGE_SECRET_ARN for LIVE). Prints the report.
 */
export async function reconcileCommand(ctx: CliContext, deps: () => ReconcileDeps = () => buildDeps(loadConfig())): Promise<number> {
  ctx.out(formatReconcileReport(await reconcileAccount(deps())));
  return 0;
}

/** The report as the operator reads it: one line per finding, `none` where there is nothing. */
export function formatReconcileReport(r: ReconcileReport): string {
  const list = (ids: readonly string[]) => ids.join(', ') || 'none';
  const drift = Object.entries(r.drift).map(([currency, diff]) => `${currency} ${money(diff)} (${r.driftPct[currency]}%)`);
  const rows = [
    ['reconciled', iso(r.at)],
    ['orders', `${r.ordersChecked} checked, ${r.ordersUpdated} updated, ${r.fillsBooked} fills booked`],
    ['adopted', list(r.adoptedOrders)],
    ['not adopted', list(r.unknownOpenOrders)],
    ['balance drift', drift.join(', ') || 'none (exchange and ledger agree)'],
    ['kill switch', r.killSwitchTripped ? 'TRIPPED by this run (BALANCE_DRIFT)' : 'not tripped by this run'],
    ...r.problems.map((p) => ['problem', `${p.clientOrderId}: ${p.error}`]),
  ];
  return table([['', ''], ...rows]).split('\n').slice(1).join('\n');
}

/** `stratus reconcile` as the CLI declares it. */
export const command: CommandSpec = {
  name: 'reconcile',
  summary: 'Reconcile the exchange with the ledger now',
  usage: 'stratus reconcile',
  options: {},
  details: 'Adopts our orders, books missed fills, closes finished orders, checks balance drift. Needs the functions\'\n'
    + 'environment (table, queue and topic names; EXCHANGE_SECRET_ARN for LIVE) and AWS credentials.',
  run: (ctx) => reconcileCommand(ctx),
};
