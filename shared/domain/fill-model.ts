/**
 * The paper fill model: how a market order fills against a top of book. Pure,
 * so the paper exchange and the backtester produce identical fills.
 */
import type { Side } from './intent.js';
import type { MarketInfo } from './market.js';
import { Decimal, dec, floorToStep, type DecimalLike } from './money.js';

/** Decimal places fees are rounded to (half-even), like exchange commission figures. */
export const FEE_DECIMALS = 8;

/** What the fill model needs to fill one market order. */
export interface MarketFillInput {
  readonly side: Side;
  /** Base quantity, already a multiple of market.amountStep. */
  readonly quantity: DecimalLike;
  readonly book: { readonly bid: DecimalLike; readonly ask: DecimalLike };
  /** Fixed slippage applied against us, basis points. */
  readonly slippageBps: number;
  /** Taker fee as a fraction of notional (0.001 = 10 bps). */
  readonly feeRate: DecimalLike;
  readonly market: MarketInfo;
}

/** One simulated execution. The fee is charged in the market's quote currency. */
export interface SimulatedFill {
  readonly price: Decimal;
  readonly quantity: Decimal;
  readonly fee: Decimal;
  readonly feeCurrency: string;
  readonly liquidity: 'taker';
}

/** Rounds up to a multiple of step (a buy price rounded against us). */
export function ceilToStep(value: DecimalLike, step: DecimalLike): Decimal {
  const s = dec(step);
  if (s.lte(0)) return dec(value);
  return dec(value).div(s).ceil().mul(s);
}

/**
 * The slipped, tick-rounded price a market order would pay: ask x (1 + slip) rounded up
 * for buys, bid x (1 - slip) rounded down for sells.
 */
export function marketFillPrice(side: Side, book: MarketFillInput['book'], slippageBps: number, priceStep: string): Decimal {
  if (!Number.isFinite(slippageBps) || slippageBps < 0) throw new RangeError(`slippageBps must be >= 0, got ${slippageBps}`);
  const slip = dec(slippageBps).div(10_000);
  if (side === 'buy') {
    const ask = positive(book.ask, 'ask');
    return ceilToStep(ask.mul(dec(1).add(slip)), priceStep);
  }
  const bid = positive(book.bid, 'bid');
  return floorToStep(bid.mul(dec(1).sub(slip)), priceStep);
}

/** Fee on a notional, in quote, rounded half-even to FEE_DECIMALS places. */
export function takerFee(notional: DecimalLike, feeRate: DecimalLike): Decimal {
  const rate = dec(feeRate);
  if (rate.lt(0)) throw new RangeError(`fee rate must be >= 0, got ${rate.toFixed()}`);
  return dec(notional).mul(rate).toDecimalPlaces(FEE_DECIMALS, Decimal.ROUND_HALF_EVEN);
}

/** Fills a whole market order at once against the top of book (no depth model): price, fee, liquidity. */
export function fillMarketOrder(input: MarketFillInput): SimulatedFill {
  const quantity = positive(input.quantity, 'quantity');
  const price = marketFillPrice(input.side, input.book, input.slippageBps, input.market.priceStep);
  if (price.lte(0)) throw new RangeError(`fill price for ${input.market.symbol} rounds to ${price.toFixed()}`);
  return {
    price,
    quantity,
    fee: takerFee(price.mul(quantity), input.feeRate),
    feeCurrency: input.market.quote,
    liquidity: 'taker',
  };
}

/** An exchange filter an order fails: LOT_SIZE (step), minimum amount, NOTIONAL, or a non-positive quantity. */
export interface OrderRuleViolation {
  readonly rule: 'POSITIVE_QUANTITY' | 'AMOUNT_STEP' | 'MIN_AMOUNT' | 'MIN_NOTIONAL';
  readonly message: string;
}

/** The first exchange filter this quantity at this price fails, or undefined when it passes. */
export function orderRuleViolation(market: MarketInfo, quantity: DecimalLike, price: DecimalLike): OrderRuleViolation | undefined {
  const q = dec(quantity);
  if (q.lte(0)) return { rule: 'POSITIVE_QUANTITY', message: `quantity ${q.toFixed()} must be positive` };
  const step = dec(market.amountStep);
  if (step.gt(0) && !q.mod(step).isZero()) {
    return { rule: 'AMOUNT_STEP', message: `quantity ${q.toFixed()} is not a multiple of the amount step ${market.amountStep}` };
  }
  if (q.lt(market.minAmount)) {
    return { rule: 'MIN_AMOUNT', message: `quantity ${q.toFixed()} is below the minimum amount ${market.minAmount}` };
  }
  const notional = q.mul(dec(price));
  if (notional.lt(market.minNotional)) {
    return { rule: 'MIN_NOTIONAL', message: `notional ${notional.toFixed()} ${market.quote} is below the minimum notional ${market.minNotional}` };
  }
  return undefined;
}

function positive(value: DecimalLike, what: string): Decimal {
  const d = dec(value);
  if (d.lte(0)) throw new RangeError(`${what} must be positive, got ${d.toFixed()}`);
  return d;
}
