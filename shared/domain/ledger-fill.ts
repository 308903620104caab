import { LedgerError } from './errors.js';
import { appendBounded, type ClosedTrade, type Ledger, type Position } from './ledger.js';
import { dec, ZERO, type Decimal } from './money.js';
import type { Fill } from './order.js';

/** How many applied fill keys the ledger remembers (newest kept); older duplicates are caught by the fills table. */
export const MAX_APPLIED_FILL_IDS = 1000;

/**
 * Decimal places the cost released by a partial sell is rounded to (half-even). Every other ledger
 * operation is exact, so rounding here keeps the invariant exact; the remainder stays in the position
 * and is released with its last unit.
 */
const COST_DP = 18;

/** Decimal places of a closed trade's pnlPct (half-even). */
const PCT_DP = 8;

/** How a fill relates to the fills of its order already booked. */
export interface ApplyFillOptions {
  /**
   * True when an earlier fill of the same order is already in the ledger. Such a buy does not count as
   * another pyramiding add, and such a sell extends that order's closed trade instead of journaling a new
   * one, so an order filled in several trades is one add and one closed trade. Default false.
   */
  readonly continuesOrder?: boolean;
}

interface FillAmounts {
  readonly qty: Decimal;
  readonly price: Decimal;
  /** Fee paid in quote currency (reduces cash). */
  readonly feeQuote: Decimal;
  /** Fee paid in base currency (reduces the position). */
  readonly feeBase: Decimal;
}

/**
 * Books one fill; idempotent on `${symbol}#${tradeId}` (exchange trade ids are per symbol), returning
 * applied=false for a fill already booked. Buy fees in base shrink the quantity received, so the cost
 * basis is the quote actually paid; fees in quote add to it. A buy records the position's strategy and
 * counts an add when it increases a held position; a sell journals a ClosedTrade (bounded to MAX_JOURNAL).
 * Never mutates its input.
 */
export function applyFill(
  ledger: Ledger, fill: Fill, base: string, quote: string, options: ApplyFillOptions = {},
): { ledger: Ledger; applied: boolean } {
  const key = `${fill.symbol}#${fill.tradeId}`;
  if (fillIdSet(ledger.appliedFillIds).has(key)) return { ledger, applied: false };
  const amounts = parseAmounts(fill, base, quote);
  const continuesOrder = options.continuesOrder ?? false;
  const booked = fill.side === 'buy'
    ? applyBuy(ledger, fill, amounts, continuesOrder)
    : applySell(ledger, fill, amounts, continuesOrder);
  return {
    applied: true,
    ledger: {
      ...booked,
      feesPaid: ledger.feesPaid.add(amounts.feeQuote).add(amounts.feeBase.mul(amounts.price)),
      appliedFillIds: withFillId(ledger.appliedFillIds, key),
      fillCount: ledger.fillCount + 1,
      updatedAt: Math.max(ledger.updatedAt, fill.time),
    },
  };
}

/**
 * Set views of appliedFillIds lists, so a lookup is not a scan of up to MAX_APPLIED_FILL_IDS strings. The list a
 * fill appends to hands its set on to the new list (a chain of ledgers builds one set, not one per fill).
 */
const fillIdSets = new WeakMap<readonly string[], Set<string>>();

function fillIdSet(ids: readonly string[]): Set<string> {
  let set = fillIdSets.get(ids);
  if (!set) { set = new Set(ids); fillIdSets.set(ids, set); }
  return set;
}

/** ids with key appended, newest MAX_APPLIED_FILL_IDS kept (key not in ids); a duplicate-free list's set moves on. */
function withFillId(ids: readonly string[], key: string): string[] {
  const next = ids.slice(Math.max(0, ids.length + 1 - MAX_APPLIED_FILL_IDS));
  next.push(key);
  const set = fillIdSets.get(ids);
  if (set && set.size === ids.length && ids.length <= MAX_APPLIED_FILL_IDS) {
    fillIdSets.delete(ids);
    set.add(key);
    if (next.length === ids.length) set.delete(ids[0]!);
    fillIdSets.set(next, set);
  }
  return next;
}

function parseAmounts(fill: Fill, base: string, quote: string): FillAmounts {
  const qty = dec(fill.quantity);
  const price = dec(fill.price);
  const fee = dec(fill.fee);
  if (qty.lte(0) || price.lte(0) || fee.lt(0)) {
    throw new LedgerError(`fill ${fill.tradeId}: quantity and price must be positive and fee not negative`);
  }
  if (fee.isZero()) return { qty, price, feeQuote: ZERO, feeBase: ZERO };
  if (fill.feeCurrency === quote) return { qty, price, feeQuote: fee, feeBase: ZERO };
  if (fill.feeCurrency === base) return { qty, price, feeQuote: ZERO, feeBase: fee };
  throw new LedgerError(`fill ${fill.tradeId}: fee in ${fill.feeCurrency} cannot be valued (only ${base} or ${quote})`);
}

function applyBuy(ledger: Ledger, fill: Fill, a: FillAmounts, continuesOrder: boolean): Ledger {
  const received = a.qty.sub(a.feeBase);
  if (received.lte(0)) throw new LedgerError(`fill ${fill.tradeId}: fee in base consumes the whole quantity`);
  const notional = a.qty.mul(a.price);
  const held = ledger.positions[fill.symbol];
  const strategy = held?.strategy ?? fill.strategy;
  const position: Position = {
    ...held,
    symbol: fill.symbol,
    quantity: (held?.quantity ?? ZERO).add(received),
    costBasis: (held?.costBasis ?? ZERO).add(notional).add(a.feeQuote),
    openedAt: held?.openedAt ?? fill.time,
    ...(strategy === undefined ? {} : { strategy }),
    ...(held && !continuesOrder ? { adds: (held.adds ?? 0) + 1 } : {}),
  };
  return {
    ...ledger,
    cash: ledger.cash.sub(notional).sub(a.feeQuote),
    positions: { ...ledger.positions, [fill.symbol]: position },
  };
}

function applySell(ledger: Ledger, fill: Fill, a: FillAmounts, continuesOrder: boolean): Ledger {
  const held = ledger.positions[fill.symbol];
  const removed = a.qty.add(a.feeBase);
  if (!held || removed.gt(held.quantity)) {
    throw new LedgerError(
      `fill ${fill.tradeId}: sells ${removed.toFixed()} ${fill.symbol} but holds ${held?.quantity.toFixed() ?? '0'}`,
    );
  }
  const proceeds = a.qty.mul(a.price).sub(a.feeQuote);
  const remaining = held.quantity.sub(removed);
  const costReleased = remaining.isZero()
    ? held.costBasis
    : held.costBasis.mul(removed).div(held.quantity).toDecimalPlaces(COST_DP);
  const { [fill.symbol]: _closed, ...others } = ledger.positions;
  const positions = remaining.isZero()
    ? others
    : { ...others, [fill.symbol]: { ...held, quantity: remaining, costBasis: held.costBasis.sub(costReleased) } };
  const pnl = proceeds.sub(costReleased);
  const trade: ClosedTrade = {
    symbol: fill.symbol, ...(held.strategy === undefined ? {} : { strategy: held.strategy }), quantity: removed, pnl,
    pnlPct: percent(pnl, costReleased), openedAt: held.openedAt, closedAt: fill.time, exitReason: fill.exitReason ?? 'signal',
  };
  return {
    ...ledger,
    cash: ledger.cash.add(proceeds),
    positions,
    realizedPnl: ledger.realizedPnl.add(pnl),
    trades: continuesOrder ? extendTrade(ledger.trades, trade, costReleased, held) : appendBounded(ledger.trades, trade),
  };
}

/**
 * Merges a further fill of the same sell order into that order's closed trade (the newest one for this
 * position), moving it to the end. The earlier part's cost is its quantity at the position's average cost,
 * which pro-rata releases keep unchanged. Without such a trade it is journaled as a new one.
 */
function extendTrade(
  trades: readonly ClosedTrade[] | undefined, part: ClosedTrade, partCost: Decimal, held: Position,
): ClosedTrade[] {
  const list = trades ?? [];
  const i = list.findLastIndex((t) => t.symbol === part.symbol && t.openedAt === part.openedAt);
  const prev = list[i];
  if (!prev) return appendBounded(list, part);
  const prevCost = prev.quantity.mul(held.costBasis).div(held.quantity);
  const pnl = prev.pnl.add(part.pnl);
  const merged: ClosedTrade = {
    ...prev, quantity: prev.quantity.add(part.quantity), pnl, pnlPct: percent(pnl, prevCost.add(partCost)),
    closedAt: Math.max(prev.closedAt, part.closedAt),
  };
  return appendBounded([...list.slice(0, i), ...list.slice(i + 1)], merged);
}

/** part / whole × 100, rounded to PCT_DP; 0 when whole is not positive. */
function percent(part: Decimal, whole: Decimal): Decimal {
  return whole.gt(0) ? part.div(whole).mul(100).toDecimalPlaces(PCT_DP) : ZERO;
}
