/**
 * Binance spot trading rules for the markets Stratus paper-trades, so paper orders
 * are held to the same filters (PRICE_FILTER, LOT_SIZE, NOTIONAL) as live ones.
 */
import type { MarketInfo } from '../domain/market.js';
import { EXCHANGE_ERROR, ExchangeApiError } from './ccxt-errors.js';

/** Looks up one market's rules; throws a permanent BAD_SYMBOL ExchangeApiError for unknown symbols. */
export type MarketLookup = (symbol: string) => MarketInfo;

const FEE = '0.001';

function usdt(base: string, priceStep: string, amountStep: string): MarketInfo {
  return {
    symbol: `${base}/USDT`, base, quote: 'USDT', priceStep, amountStep, minAmount: amountStep,
    minNotional: '5', takerFeeRate: FEE, makerFeeRate: FEE,
  };
}

/** Binance spot rules (tick size, lot step, minimums, base-tier fees) for the paper markets. */
export const PAPER_MARKETS: Readonly<Record<string, MarketInfo>> = Object.freeze(Object.fromEntries([
  usdt('BTC', '0.01', '0.00001'),
  usdt('ETH', '0.01', '0.0001'),
  usdt('SOL', '0.01', '0.001'),
  usdt('BNB', '0.01', '0.001'),
  usdt('XRP', '0.0001', '0.1'),
  usdt('ADA', '0.0001', '0.1'),
  usdt('DOGE', '0.00001', '1'),
].map((m) => [m.symbol, Object.freeze(m)])));

/** A MarketLookup over a table of rules (PAPER_MARKETS by default). */
export function paperMarkets(table: Readonly<Record<string, MarketInfo>> = PAPER_MARKETS): MarketLookup {
  return (symbol) => {
    const market = table[symbol];
    if (!market) {
      throw new ExchangeApiError(
        EXCHANGE_ERROR.badSymbol,
        `paper exchange has no market ${symbol}; known: ${Object.keys(table).join(', ')}`,
        false,
      );
    }
    return market;
  };
}
