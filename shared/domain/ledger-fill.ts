import { LedgerError } from './errors.js';
import type { Ledger, Position } from './ledger.js';
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
 * basis is the quote actually paid; fees in quote add to it. Never mutates its input.
 */
export function applyFill(ledger: Ledger, fill: Fill, base: string, quote: string): { ledger: Ledger; applied: boolean } {
  const key = `${fill.symbol}#${fill.tradeId}`;
  if (ledger.appliedFillIds.includes(key)) return { ledger, applied: false };
  const amounts = parseAmounts(fill, base, quote);
  const booked = fill.side === 'buy' ? applyBuy(ledger, fill, amounts) : applySell(ledger, fill, amounts);
  return {
    applied: true,
    ledger: {
      ...booked,
      feesPaid: ledger.feesPaid.add(amounts.feeQuote).add(amounts.feeBase.mul(amounts.price)),
      appliedFillIds: [...ledger.appliedFillIds, key].slice(-MAX_APPLIED_FILL_IDS),
      fillCount: ledger.fillCount + 1,
      updatedAt: Math.max(ledger.updatedAt, fill.time),
    },
  };
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

function applyBuy(ledger: Ledger, fill: Fill, a: FillAmounts): Ledger {
  const received = a.qty.sub(a.feeBase);
  if (received.lte(0)) throw new LedgerError(`fill ${fill.tradeId}: fee in base consumes the whole quantity`);
  const notional = a.qty.mul(a.price);
  const held = ledger.positions[fill.symbol];
  const position: Position = {
    symbol: fill.symbol,
    quantity: (held?.quantity ?? ZERO).add(received),
    costBasis: (held?.costBasis ?? ZERO).add(notional).add(a.feeQuote),
    openedAt: held?.openedAt ?? fill.time,
  };
  return {
    ...ledger,
    cash: ledger.cash.sub(notional).sub(a.feeQuote),
    positions: { ...ledger.positions, [fill.symbol]: position },
  };
}

function applySell(ledger: Ledger, fill: Fill, a: FillAmounts): Ledger {
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
  return {
    ...ledger,
    cash: ledger.cash.add(proceeds),
    positions,
    realizedPnl: ledger.realizedPnl.add(proceeds).sub(costReleased),
  };
}
