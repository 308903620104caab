import { withLocalState } from '../local/live-operator.js';
import { iso, table, type CliContext } from './cli-context.js';
import type { CommandSpec } from './command-spec.js';

/** `stratus locks`: the protection locks in force now (from the ledger), with scope, protection, reason and expiry. */
export async function locksCommand(ctx: CliContext): Promise<number> {
  const now = ctx.clock.now();
  const ledger = await ctx.state().getLedger();
  const active = (ledger?.value.locks ?? []).filter((l) => l.until > now).sort((a, b) => a.until - b.until);
  if (!active.length) { ctx.out('no active protection locks\n'); return 0; }
  ctx.out(table([['SCOPE', 'PROTECTION', 'UNTIL', 'LEFT', 'REASON'], ...active.map((l) => [
    l.scope === '*' ? '* (all pairs)' : l.scope, l.protection, iso(l.until), `${Math.ceil((l.until - now) / 60_000)} min`, l.reason,
  ])]));
  return 0;
}

/** `stratus locks` as the CLI declares it. */
export const command: CommandSpec = withLocalState({
  name: 'locks',
  summary: 'Active protection locks',
  usage: 'stratus locks',
  options: {},
  details: 'Scope, protection, expiry and reason of each lock in force. Needs STATE_TABLE and AWS credentials.',
  run: (ctx) => locksCommand(ctx),
});
