import { withLocalState } from '../local/live-operator.js';
import { parseTime } from './cli-args.js';
import { iso, table, type CliContext } from './cli-context.js';
import type { CommandSpec } from './command-spec.js';

const DAY_MS = 86_400_000;

/** `stratus decisions [--symbol S] [--since ISO] [--limit N]`: recent risk decisions (default: the last 24 h, newest 50) with reason codes. */
export async function decisionsCommand(ctx: CliContext, values: { symbol?: string; since?: string; limit?: string }): Promise<number> {
  const since = values.since === undefined ? ctx.clock.now() - DAY_MS : parseSince(values.since);
  const limit = values.limit === undefined ? 50 : Number(values.limit);
  if (!Number.isSafeInteger(limit) || limit <= 0) throw new Error(`--limit must be a positive whole number, got ${values.limit}`);
  const all = await ctx.state().listDecisions({ since, ...(values.symbol ? { symbol: values.symbol } : {}) });
  const shown = all.slice(-limit);
  if (!shown.length) { ctx.out(`no decisions since ${iso(since)}${values.symbol ? ` for ${values.symbol}` : ''}\n`); return 0; }
  ctx.out(table([['DECIDED', 'SYMBOL', 'SIDE', 'KIND', 'VERDICT', 'NOTIONAL', 'POLICY', 'REASONS'], ...shown.map((d) => [
    iso(d.decidedAt), d.symbol, d.side, d.kind, d.approved ? 'approved' : 'rejected', d.notional ?? '-',
    `v${d.policyVersion} ${d.policyHash.slice(0, 8)}`, d.reasons.map((r) => r.code).join(',') || '-',
  ])]));
  if (all.length > shown.length) ctx.out(`(${all.length - shown.length} older decisions not shown; use --since or --limit)\n`);
  return 0;
}

function parseSince(text: string): number {
  return parseTime(text, '--since');
}

/** `stratus decisions` as the CLI declares it. */
export const command: CommandSpec = withLocalState({
  name: 'decisions',
  summary: 'Recent risk decisions with their reason codes',
  usage: 'stratus decisions [--symbol S] [--since ISO] [--limit N]',
  options: {
    symbol: { type: 'string', value: 'BTC/USDT', description: 'Only this symbol' },
    since: { type: 'string', value: 'ISO', description: 'From this date or time (default the last 24 h)' },
    limit: { type: 'string', value: 'N', description: 'Newest N (default 50)' },
  },
  details: 'Needs STATE_TABLE and AWS credentials.',
  run: (ctx, values) => decisionsCommand(ctx, values as { symbol?: string; since?: string; limit?: string }),
});
