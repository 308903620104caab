/**
 * Trading rules of one market, as the exchange states them. Steps and minimums
 * are decimal strings; fee rates are fractions (0.001 = 10 bps).
 */
export interface MarketInfo {
  readonly symbol: string;
  readonly base: string;
  readonly quote: string;
  /** Quantity increment (LOT_SIZE stepSize). */
  readonly amountStep: string;
  /** Price increment (PRICE_FILTER tickSize). */
  readonly priceStep: string;
  /** Smallest quantity the exchange accepts. */
  readonly minAmount: string;
  /** Smallest notional (price x quantity) the exchange accepts, in quote. */
  readonly minNotional: string;
  readonly takerFeeRate: string;
  readonly makerFeeRate: string;
}

/** Splits 'BTC/USDT' into base and quote. */
export function splitSymbol(symbol: string): { base: string; quote: string } {
  const [base, quote] = symbol.split('/');
  if (!base || !quote) throw new RangeError(`not a BASE/QUOTE symbol: ${symbol}`);
  return { base, quote };
}
