import { createHash } from 'node:crypto';
import { ContentionError } from '../domain/errors.js';
import { dustOf } from '../domain/fill-model.js';
import { appendBounded, applyFill, release, type ClosedTrade, type Ledger, MAX_JOURNAL } from '../domain/ledger.js';
import { splitSymbol, type MarketInfo } from '../domain/market.js';
import { dec, money, sum, type Decimal, type DecimalLike } from '../domain/money.js';
import { isTerminal, orderIdFor, statusFromExchange, transitionOrder, type Fill, type OrderRecord, type TradingMode } from '../domain/order.js';
import type { Policy } from '../domain/policy.js';
import type { Clock, Exchange, ExchangeOrder, PolicyStore, StateStore } from '../ports.js';
import { loadLedger } from './portfolio.js';
import { sliceOrderId } from '../domain/slicing.js';

/** The market's rules, loaded on first use only. */
export type MarketOf = () => Promise<MarketInfo>;

/** Ports booking needs. */
export type BookingDeps = { clock: Clock; state: StateStore; policies: PolicyStore };

/** What booking an order's fills did: its total fees and the dust written off (base quantity), both decimal strings. */
export interface Booked {
  readonly fees: string;
  readonly dust?: string;
}

/**
 * Applies an order's fills to the ledger in one conditional write (idempotent per trade id,
 * so a replay never books a fill twice), releasing the order's reservation when it is final,
 * then records each fill. `order` is the record before these fills: fills after its first (stored
 * filledQuantity > 0, not first in the list, or a follow-up whose predecessors filled) continue the
 * order (one add, one closed trade). With `market`, a final exit that sold something also writes off
 * what is left of the position when it can never be sold (writeOffDust), in the same write.
 */
export async function bookFills(
  deps: BookingDeps, order: OrderRecord, fills: readonly Fill[], final: boolean, options: { market?: MarketInfo } = {},
): Promise<Booked> {
  const { policy } = await deps.policies.load();
  const { base, quote } = splitSymbol(order.symbol);
  const continues = dec(order.filledQuantity).gt(0) || (fills.length > 0 && (await predecessorsFilled(deps.state, order)));
  const sold = order.kind === 'exit' && order.side === 'sell' && (fills.length > 0 || dec(order.filledQuantity).gt(0));
  const price = fills.at(-1)?.price ?? order.averagePrice ?? order.referencePrice;
  for (let attempt = 0; attempt < 8; attempt++) {
    const stored = await loadLedger(deps.state, policy, deps.clock.now());
    let next: Ledger = stored.value;
    let changed = false;
    for (const [i, fill] of fills.entries()) {
      const r = applyFill(next, fill, base, quote, { continuesOrder: i > 0 || continues });
      next = r.ledger;
      changed ||= r.applied;
    }
    const written = final && sold && options.market ? writeOffDust(next, order.symbol, options.market, price, deps.clock.now()) : undefined;
    if (written) {
      const record = { orderId: order.orderId, symbol: order.symbol, quantity: written.dust, at: deps.clock.now() };
      next = { ...written.ledger, dustWriteOffs: [...(next.dustWriteOffs ?? []), record].slice(-MAX_JOURNAL) };
      changed = true;
    }
    // A replay after a crash between this write and the order record: the write-off is already in the ledger.
    const dust = written?.dust ?? next.dustWriteOffs?.findLast((d) => d.orderId === order.orderId)?.quantity;
    if (final && next.reservations[order.orderId]) { next = release(next, order.orderId); changed = true; }
    if (!changed || (await deps.state.putLedger({ ...next, updatedAt: deps.clock.now() }, stored.version))) {
      for (const fill of fills) await deps.state.putFill(fill);
      return { fees: money(sum(fills.map((f) => f.fee))), ...(dust ? { dust: money(dust) } : {}) };
    }
  }
  throw new ContentionError(`ledger (order ${order.orderId})`);
}

/** bookFills, returning the order's total fees as a decimal string. */
export async function bookExchangeFills(
  deps: BookingDeps, order: OrderRecord, fills: readonly Fill[], final: boolean, options: { market?: MarketInfo } = {},
): Promise<string> {
  return (await bookFills(deps, order, fills, final, options)).fees;
}

/**
 * Closes `symbol`'s position when what is held can never be sold (fill-model dustOf: below the amount step,
 * the minimum amount, or, with a price, the minimum notional). Its cost is realized as a loss and the dust
 * quantity is added to the position's newest closed trade (same symbol and openedAt), so one exit stays
 * one trade; with no such trade it is journaled as a trade with exitReason 'dust'. Undefined when there is
 * no dust. Never mutates its input.
 */
export function writeOffDust(
  ledger: Ledger, symbol: string, market: MarketInfo, price: DecimalLike | undefined, at: number,
): { ledger: Ledger; dust: Decimal } | undefined {
  const held = ledger.positions[symbol];
  const dust = held && dustOf(market, held.quantity, price);
  if (!held || !dust) return undefined;
  const { [symbol]: _closed, ...positions } = ledger.positions;
  const trades = ledger.trades ?? [];
  const i = trades.findLastIndex((t) => t.symbol === symbol && t.openedAt === held.openedAt);
  const prev = trades[i];
  let journal: ClosedTrade[];
  if (prev) {
    const prevCost = prev.quantity.mul(held.costBasis).div(held.quantity);
    const pnl = prev.pnl.sub(held.costBasis);
    const merged = { ...prev, quantity: prev.quantity.add(dust), pnl, pnlPct: percent(pnl, prevCost.add(held.costBasis)) };
    journal = [...trades.slice(0, i), merged, ...trades.slice(i + 1)];
  } else {
    journal = appendBounded(trades, {
      symbol, ...(held.strategy === undefined ? {} : { strategy: held.strategy }), quantity: dust, pnl: held.costBasis.neg(),
      pnlPct: percent(held.costBasis.neg(), held.costBasis), openedAt: held.openedAt, closedAt: at, exitReason: 'dust',
    });
  }
  return {
    dust,
    ledger: {
      ...ledger, positions, realizedPnl: ledger.realizedPnl.sub(held.costBasis), trades: journal, updatedAt: Math.max(ledger.updatedAt, at),
    },
  };
}

/** What applyExchangeState needs; with exchangeFor it can load the market rules itself for the dust write-off. */
export type ApplyDeps = BookingDeps & { readonly exchangeFor?: (policy: Policy, mode?: TradingMode) => Exchange };

/**
 * Books the exchange's fills, then returns the order moved to the exchange's status. A final exit that
 * sold something also writes off an unsellable leftover of the position as dust (writeOffDust), noted in
 * the order's history; the market rules for that come from `marketOf`, else from deps.exchangeFor.
 */
export async function applyExchangeState(deps: ApplyDeps, order: OrderRecord, ex: ExchangeOrder, marketOf?: MarketOf): Promise<OrderRecord> {
  const status = statusFromExchange(ex.status, ex.filledQuantity);
  const fills: Fill[] = ex.trades.map((t) => ({
    tradeId: t.tradeId, orderId: order.orderId, clientOrderId: order.clientOrderId, symbol: order.symbol, side: order.side,
    quantity: t.quantity, price: t.price, fee: t.fee, feeCurrency: t.feeCurrency, liquidity: t.liquidity, time: t.time,
    policyHash: order.policyHash, strategy: order.strategy, ...(order.exitReason ? { exitReason: order.exitReason } : {}),
  }));
  const final = isTerminal(status);
  const dustCheck = final && order.kind === 'exit' && order.side === 'sell' && dec(ex.filledQuantity).gt(0);
  const load = marketOf ?? (deps.exchangeFor ? defaultMarketOf(deps, deps.exchangeFor, order) : undefined);
  const market = dustCheck && load ? await load() : undefined;
  const booked = await bookFills(deps, order, fills, final, market ? { market } : {});
  if (status === order.status && ex.filledQuantity === order.filledQuantity) return order;
  const note = booked.dust ? `dust written off: ${booked.dust} ${splitSymbol(order.symbol).base}` : undefined;
  return transitionOrder(order, status, deps.clock.now(), {
    filledQuantity: ex.filledQuantity, fees: booked.fees, exchangeOrderId: ex.exchangeOrderId,
    ...(ex.averagePrice ? { averagePrice: ex.averagePrice } : {}),
  }, note);
}

function defaultMarketOf(deps: BookingDeps, exchangeFor: NonNullable<ApplyDeps['exchangeFor']>, order: OrderRecord): MarketOf {
  return async () => exchangeFor((await deps.policies.load()).policy, order.mode).loadMarket(order.symbol);
}

/**
 * Order id of the attempt-th follow-up (replace, market, top-up) of `previousOrderId`: 30 hex chars of a
 * hash of both, then the attempt as 2 hex digits, so the same follow-up always gets the same id.
 */
export function followUpOrderId(previousOrderId: string, attempt: number): string {
  if (!(Number.isInteger(attempt) && attempt >= 1 && attempt <= 255)) throw new RangeError(`follow-up attempt must be 1..255, got ${attempt}`);
  const hash = createHash('sha256').update(`follow-up|${previousOrderId}|${attempt}`).digest('hex').slice(0, 30);
  return `${hash}${attempt.toString(16).padStart(2, '0')}`;
}

/**
 * 0 for an order the risk decision made (or any id not built by followUpOrderId from its intent's order),
 * else its follow-up attempt number.
 */
export function followUpAttempt(order: Pick<OrderRecord, 'orderId' | 'intentId'>): number {
  const n = parseInt(order.orderId.slice(30), 16);
  if (order.orderId.length !== 32 || !(n >= 1) || order.orderId === orderIdFor(order.intentId)) return 0;
  const chain = chainOf(order.intentId, n);
  return followUpOrderId(chain[n - 1]!, n) === order.orderId ? n : 0;
}

/** Order ids of the orders a follow-up replaces, the decision's own first, its immediate predecessor last ([] when none). */
export function followUpChain(order: Pick<OrderRecord, 'orderId' | 'intentId'>): string[] {
  return chainOf(order.intentId, followUpAttempt(order));
}

function chainOf(intentId: string, length: number): string[] {
  const chain = [orderIdFor(intentId)];
  for (let n = 1; n < length; n++) chain.push(followUpOrderId(chain[n - 1]!, n));
  return chain.slice(0, length);
}

/** Orders this one continues: a follow-up's chain, or a slice child's earlier siblings (their fills and its own make one trade). */
async function predecessorsFilled(state: StateStore, order: OrderRecord): Promise<boolean> {
  const earlier = order.parentOrderId === undefined ? followUpChain(order)
    : Array.from({ length: order.sliceIndex ?? 0 }, (_, i) => sliceOrderId(order.parentOrderId!, i));
  for (const id of earlier) if (dec((await state.getOrder(id))?.value.filledQuantity ?? '0').gt(0)) return true;
  return false;
}

/** part / whole × 100, 8 dp half-even (as the ledger's closed trades); 0 when whole is not positive. */
function percent(part: Decimal, whole: Decimal): Decimal {
  return whole.gt(0) ? part.div(whole).mul(100).toDecimalPlaces(8) : dec(0);
}
