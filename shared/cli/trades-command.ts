import { dynamoDocumentClient } from '../adapters/aws-clients.js';
import { DynamoMarketStore } from '../adapters/dynamo-market-store.js';
import type { ClosedTrade, Ledger, Position } from '../domain/ledger.js';
import { dec, money, sum, type Decimal } from '../domain/money.js';
import type { MarketDataStore } from '../ports.js';
import { ENV } from '../resources.js';
import { withLocalState } from '../local/live-operator.js';
import { iso, table, type CliContext } from './cli-context.js';
import type { CommandSpec, OptionValues } from './command-spec.js';

/** One open position as `stratus trades` shows it; money as decimal strings, mark and unrealized absent without a book. */
export interface OpenPositionView {
  readonly symbol: string;
  readonly strategy?: string;
  readonly openedAt: string;
  readonly quantity: string;
  readonly costBasis: string;
  readonly averageEntry: string;
  readonly mark?: string;
  readonly unrealizedPnl?: string;
}

/** One closed round trip (the ledger's trade journal, newest MAX_JOURNAL kept). */
export interface ClosedTradeView {
  readonly symbol: string;
  readonly strategy?: string;
  readonly openedAt: string;
  readonly closedAt: string;
  readonly quantity: string;
  readonly pnl: string;
  readonly pnlPct: string;
  readonly exitReason: string;
}

/** What `stratus trades --json` prints. */
export interface TradesView {
  readonly closed: readonly ClosedTradeView[];
  readonly open: readonly OpenPositionView[];
  readonly totals: { readonly realizedPnl: string; readonly feesPaid: string; readonly unrealizedPnl: string; readonly wins: number; readonly losses: number };
}

const round = (d: Decimal) => money(d.toDecimalPlaces(8));

/** The ledger's round trips and positions, marked at the stored best bid where there is one. */
export async function tradesView(ledger: Ledger | undefined, market?: Pick<MarketDataStore, 'getTopOfBook'>): Promise<TradesView> {
  const closed = (ledger?.trades ?? []).map((t: ClosedTrade): ClosedTradeView => ({
    symbol: t.symbol, ...(t.strategy ? { strategy: t.strategy } : {}), openedAt: iso(t.openedAt), closedAt: iso(t.closedAt),
    quantity: money(t.quantity), pnl: round(t.pnl), pnlPct: money(t.pnlPct.toDecimalPlaces(4)), exitReason: t.exitReason,
  }));
  const open: OpenPositionView[] = [];
  for (const p of Object.values(ledger?.positions ?? {}) as Position[]) {
    const book = await market?.getTopOfBook(p.symbol);
    const mark = book ? dec(book.bid) : undefined;
    open.push({
      symbol: p.symbol, ...(p.strategy ? { strategy: p.strategy } : {}), openedAt: iso(p.openedAt), quantity: money(p.quantity),
      costBasis: round(p.costBasis), averageEntry: p.quantity.gt(0) ? round(p.costBasis.div(p.quantity)) : '0',
      ...(mark ? { mark: money(mark), unrealizedPnl: round(mark.mul(p.quantity).sub(p.costBasis)) } : {}),
    });
  }
  const pnls = (ledger?.trades ?? []).map((t) => t.pnl);
  return {
    closed, open,
    totals: {
      realizedPnl: round(ledger?.realizedPnl ?? dec(0)), feesPaid: round(ledger?.feesPaid ?? dec(0)),
      unrealizedPnl: round(sum(open.map((o) => o.unrealizedPnl ?? '0'))),
      wins: pnls.filter((x) => x.gt(0)).length, losses: pnls.filter((x) => x.lte(0)).length,
    },
  };
}

/** The view as two tables (closed round trips, then open positions) and a totals line. */
export function renderTrades(v: TradesView): string {
  const closed = v.closed.length === 0 ? 'no closed trades\n' : table([
    ['OPENED', 'CLOSED', 'SYMBOL', 'STRATEGY', 'QUANTITY', 'PNL', 'PNL %', 'EXIT'],
    ...v.closed.map((t) => [t.openedAt, t.closedAt, t.symbol, t.strategy ?? '-', t.quantity, t.pnl, t.pnlPct, t.exitReason]),
  ]);
  const open = v.open.length === 0 ? 'no open positions\n' : table([
    ['OPENED', 'SYMBOL', 'STRATEGY', 'QUANTITY', 'AVG ENTRY', 'COST', 'MARK', 'UNREALIZED'],
    ...v.open.map((p) => [p.openedAt, p.symbol, p.strategy ?? '-', p.quantity, p.averageEntry, p.costBasis, p.mark ?? '-', p.unrealizedPnl ?? '-']),
  ]);
  const t = v.totals;
  return `closed round trips: ${v.closed.length} (${t.wins} won, ${t.losses} lost)\n${closed}\nopen positions: ${v.open.length}\n${open}\n`
    + `realized PnL ${t.realizedPnl} (fees paid ${t.feesPaid}), unrealized PnL ${t.unrealizedPnl}\n`;
}

/** `stratus trades [--json]`: closed round trips and open positions from the ledger; MARKET_TABLE (if set) marks the positions. */
export async function tradesCommand(ctx: CliContext, values: { json?: boolean }, market?: Pick<MarketDataStore, 'getTopOfBook'>): Promise<number> {
  const view = await tradesView((await ctx.state().getLedger())?.value, market);
  ctx.out(values.json ? `${JSON.stringify(view, null, 2)}\n` : renderTrades(view));
  return 0;
}

function marketFromEnv(): MarketDataStore | undefined {
  const tableName = process.env[ENV.marketTable];
  return tableName ? new DynamoMarketStore({ tableName, client: dynamoDocumentClient() }) : undefined;
}

/** The `trades` command. */
export const command: CommandSpec = withLocalState({
  name: 'trades',
  summary: 'Closed round trips and open positions from the ledger',
  usage: 'stratus trades [--json]',
  options: { json: { type: 'boolean', description: 'Print the trades as JSON' } },
  details: 'Needs STATE_TABLE (and MARKET_TABLE to mark open positions), or --local DIR for the state of stratus start --live.',
  run: (ctx: CliContext, values: OptionValues) => tradesCommand(ctx, { json: values['json'] === true }, marketFromEnv()),
});
