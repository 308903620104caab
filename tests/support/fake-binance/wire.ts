/**
 * Binance spot REST wire format for the fake: the {code,msg} error with its HTTP status, and the JSON
 * shapes of exchangeInfo, ticker, orders (ACK/RESULT/FULL), myTrades and account.
 */
import { Decimal, dec } from '../../../shared/domain/money.js';

/** One spot market: rules as exchangeInfo filters and the current best bid/ask. */
export interface FakeMarket {
  readonly base: string;
  readonly quote: string;
  readonly tickSize: string;
  readonly stepSize: string;
  readonly minQty: string;
  readonly minNotional: string;
  bid: string;
  ask: string;
}

/** Binance order statuses the fake uses (NEW and PARTIALLY_FILLED are open). */
export type FakeOrderStatus = 'NEW' | 'PARTIALLY_FILLED' | 'FILLED' | 'CANCELED' | 'EXPIRED' | 'REJECTED';

/** One execution, as the fake's ledger of trades keeps it (Binance field names). */
export interface FakeFill {
  readonly price: string;
  readonly qty: string;
  readonly commission: string;
  readonly commissionAsset: string;
  readonly tradeId: number;
  readonly time: number;
  readonly isMaker: boolean;
}

/** An order as the fake keeps it (Binance field names). */
export interface FakeOrder {
  symbol: string; orderId: number; clientOrderId: string; side: 'BUY' | 'SELL'; type: 'MARKET' | 'LIMIT';
  price: string; origQty: string; executedQty: string; cummulativeQuoteQty: string;
  status: FakeOrderStatus; time: number; updateTime: number;
  fills: FakeFill[];
  /** Quote per unit held locked for the unfilled rest of a buy (its limit, or the ask a market buy was placed at). */
  lockPrice: string;
  /** Fake clock time from which queries (order, openOrders, allOrders, myTrades) show the order: a lagging exchange. */
  visibleAt: number;
}

/** A trade with its order's identity, as `FakeBinance.trades()` lists them. */
export interface FakeTrade extends FakeFill {
  readonly symbol: string;
  readonly orderId: number;
  readonly clientOrderId: string;
  readonly side: 'BUY' | 'SELL';
}

/** An error Binance answers with: HTTP status plus {code,msg}. */
export class BinanceError extends Error {
  constructor(readonly status: number, readonly code: number, msg: string) {
    super(msg);
  }
}

/** Amounts on the wire: 8 decimal places, as Binance prints them. */
export const f8 = (d: Decimal | string) => dec(d).toFixed(8);

/** True for NEW and PARTIALLY_FILLED. */
export function isOpen(o: FakeOrder): boolean {
  return o.status === 'NEW' || o.status === 'PARTIALLY_FILLED';
}

/** GET /api/v3/order shape (no fills). */
export function orderView(o: FakeOrder) {
  return {
    symbol: o.symbol, orderId: o.orderId, orderListId: -1, clientOrderId: o.clientOrderId, price: o.price, origQty: o.origQty,
    executedQty: o.executedQty, cummulativeQuoteQty: o.cummulativeQuoteQty, status: o.status,
    timeInForce: 'GTC', type: o.type, side: o.side, stopPrice: '0.00000000', icebergQty: '0.00000000',
    time: o.time, updateTime: o.updateTime, isWorking: true, workingTime: o.time, origQuoteOrderQty: '0.00000000',
    selfTradePreventionMode: 'EXPIRE_MAKER',
  };
}

/** POST /api/v3/order with newOrderRespType=FULL: the order, transactTime and its immediate fills. */
export function fullOrderView(o: FakeOrder, transactTime: number) {
  const { time: _t, updateTime: _u, ...view } = orderView(o);
  return {
    ...view, transactTime,
    fills: o.fills.map(({ price, qty, commission, commissionAsset, tradeId }) => ({ price, qty, commission, commissionAsset, tradeId })),
  };
}

/** GET /api/v3/myTrades element. */
export function tradeView(t: FakeTrade) {
  return {
    symbol: t.symbol, id: t.tradeId, orderId: t.orderId, orderListId: -1, price: t.price, qty: t.qty,
    quoteQty: f8(dec(t.price).mul(t.qty)), commission: t.commission, commissionAsset: t.commissionAsset,
    time: t.time, isBuyer: t.side === 'BUY', isMaker: t.isMaker, isBestMatch: true,
  };
}

/** GET /api/v3/exchangeInfo for these markets, with Binance's filter shapes. */
export function exchangeInfoView(markets: Readonly<Record<string, FakeMarket>>, now: number) {
  return {
    timezone: 'UTC', serverTime: now, rateLimits: [
      { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 6000 },
      { rateLimitType: 'ORDERS', interval: 'SECOND', intervalNum: 10, limit: 100 },
    ], exchangeFilters: [],
    symbols: Object.entries(markets).map(([symbol, m]) => ({
      symbol, status: 'TRADING', baseAsset: m.base, baseAssetPrecision: 8, quoteAsset: m.quote, quotePrecision: 8,
      quoteAssetPrecision: 8, baseCommissionPrecision: 8, quoteCommissionPrecision: 8,
      orderTypes: ['LIMIT', 'LIMIT_MAKER', 'MARKET', 'STOP_LOSS_LIMIT', 'TAKE_PROFIT_LIMIT'],
      icebergAllowed: true, ocoAllowed: true, quoteOrderQtyMarketAllowed: true, isSpotTradingAllowed: true,
      isMarginTradingAllowed: false, permissions: [], permissionSets: [['SPOT']],
      filters: [
        { filterType: 'PRICE_FILTER', minPrice: m.tickSize, maxPrice: '1000000.00000000', tickSize: m.tickSize },
        { filterType: 'LOT_SIZE', minQty: m.minQty, maxQty: '9000.00000000', stepSize: m.stepSize },
        { filterType: 'NOTIONAL', minNotional: m.minNotional, applyMinToMarket: true, maxNotional: '9000000.00000000', applyMaxToMarket: false, avgPriceMins: 5 },
      ],
    })),
  };
}

/** GET /api/v3/ticker/24hr for one market (a flat day at the current book). */
export function tickerView(symbol: string, m: FakeMarket, now: number) {
  return {
    symbol, priceChange: '0', priceChangePercent: '0', weightedAvgPrice: m.bid, prevClosePrice: m.bid, lastPrice: m.bid,
    lastQty: '0', bidPrice: m.bid, bidQty: '1', askPrice: m.ask, askQty: '1', openPrice: m.bid, highPrice: m.ask,
    lowPrice: m.bid, volume: '0', quoteVolume: '0', openTime: now - 86_400_000, closeTime: now, firstId: 0, lastId: 0, count: 0,
  };
}

/** GET /api/v3/account. */
export function accountView(balances: Iterable<[string, { free: Decimal; locked: Decimal }]>, now: number) {
  return {
    makerCommission: 10, takerCommission: 10, buyerCommission: 0, sellerCommission: 0, canTrade: true, canWithdraw: true,
    canDeposit: true, brokered: false, requireSelfTradePrevention: false, updateTime: now, accountType: 'SPOT',
    balances: [...balances].map(([asset, b]) => ({ asset, free: f8(b.free), locked: f8(b.locked) })), permissions: ['SPOT'],
  };
}
