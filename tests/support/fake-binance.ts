/**
 * A fake Binance spot REST API on 127.0.0.1 for ccxt: the endpoints ccxt uses, Binance's
 * wire format ({code,msg} errors, FULL order responses) and Binance's rules (filters,
 * balances, client ids unique among OPEN orders only). Faults are injected per route.
 */
import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Decimal, ZERO, dec } from '../../shared/domain/money.js';

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

/** A request as the fake saw it: route key ("POST /api/v3/order") and its merged query/form params. */
export interface FakeRequest {
  readonly route: string;
  readonly params: Readonly<Record<string, string>>;
  readonly headers: IncomingMessage['headers'];
}

/** What a fault hook may do instead of (or around) the normal handling of a request. */
export type Fault =
  | { readonly kind: 'respond'; readonly status: number; readonly body?: unknown; readonly headers?: Record<string, string> }
  | { readonly kind: 'delay'; readonly ms: number }
  /** Close the socket without a response, before handling (request lost) or after it (response lost). */
  | { readonly kind: 'drop'; readonly when: 'before' | 'after' };

/** Decides per request whether to inject a fault; undefined means handle normally. */
export type FaultHook = (request: FakeRequest) => Fault | undefined;

/** An order as the fake keeps it (Binance field names). */
export interface FakeOrder {
  symbol: string; orderId: number; clientOrderId: string; side: 'BUY' | 'SELL'; type: 'MARKET' | 'LIMIT';
  price: string; origQty: string; executedQty: string; cummulativeQuoteQty: string;
  status: 'NEW' | 'FILLED' | 'CANCELED'; time: number; updateTime: number;
  fills: { price: string; qty: string; commission: string; commissionAsset: string; tradeId: number }[];
}

class BinanceError extends Error {
  constructor(readonly status: number, readonly code: number, msg: string) { super(msg); }
}

const FIXED = 8;
const f8 = (d: Decimal) => d.toFixed(FIXED);
const PRIVATE = new Set(['POST /api/v3/order', 'GET /api/v3/order', 'DELETE /api/v3/order', 'GET /api/v3/openOrders',
  'GET /api/v3/account', 'GET /api/v3/myTrades']);

/** BTCUSDT and ETHUSDT with Binance's real filters. */
export function defaultFakeMarkets(): Record<string, FakeMarket> {
  return {
    BTCUSDT: { base: 'BTC', quote: 'USDT', tickSize: '0.01', stepSize: '0.00001', minQty: '0.00001', minNotional: '5', bid: '50000.00', ask: '50000.10' },
    ETHUSDT: { base: 'ETH', quote: 'USDT', tickSize: '0.01', stepSize: '0.0001', minQty: '0.0001', minNotional: '5', bid: '3000.00', ask: '3000.05' },
  };
}

/** The fake exchange. Start with FakeBinance.start(); point ccxt at `origin`. */
export class FakeBinance {
  readonly markets: Record<string, FakeMarket>;
  readonly orders: FakeOrder[] = [];
  readonly requests: FakeRequest[] = [];
  /** Fault hooks by route key, e.g. faults['POST /api/v3/order'] = () => ({ kind: 'drop', when: 'after' }). */
  readonly faults: Partial<Record<string, FaultHook>> = {};
  readonly #balances = new Map<string, { free: Decimal; locked: Decimal }>();
  #nextOrderId = 1000;
  #nextTradeId = 5000;

  private constructor(
    private readonly server: Server,
    readonly origin: string,
    private readonly opts: { apiKey: string; secret: string; feeRate: string; now: () => number },
    markets: Record<string, FakeMarket>,
    balances: Record<string, string>,
  ) {
    this.markets = markets;
    for (const [asset, free] of Object.entries(balances)) this.#balances.set(asset, { free: dec(free), locked: ZERO });
  }

  /** Starts on a free loopback port. Private calls must carry apiKey and an HMAC signature made with secret. */
  static async start(options: {
    apiKey?: string; secret?: string; markets?: Record<string, FakeMarket>; balances?: Record<string, string>;
    feeRate?: string; now?: () => number;
  } = {}): Promise<FakeBinance> {
    let fake: FakeBinance | undefined;
    const server = createServer((req, res) => { void fake!.#serve(req, res); });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    fake = new FakeBinance(server, origin, {
      apiKey: options.apiKey ?? 'fake-key', secret: options.secret ?? 'fake-secret',
      feeRate: options.feeRate ?? '0.001', now: options.now ?? Date.now,
    }, options.markets ?? defaultFakeMarkets(), options.balances ?? { USDT: '10000', BTC: '0', ETH: '0' });
    return fake;
  }

  /** Current free/locked of an asset. */
  balance(asset: string): { free: string; locked: string } {
    const b = this.#balances.get(asset) ?? { free: ZERO, locked: ZERO };
    return { free: b.free.toFixed(), locked: b.locked.toFixed() };
  }

  /** Requests seen on one route, oldest first. */
  calls(route: string): FakeRequest[] {
    return this.requests.filter((r) => r.route === route);
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  async #serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.origin);
    const body = await readBody(req);
    const raw = req.method === 'POST' || req.method === 'PUT' ? body : url.search.slice(1);
    const params = Object.fromEntries(new URLSearchParams(raw));
    const request: FakeRequest = { route: `${req.method} ${url.pathname}`, params, headers: req.headers };
    this.requests.push(request);
    const fault = this.faults[request.route]?.(request);
    if (fault?.kind === 'drop' && fault.when === 'before') return void req.socket.destroy();
    if (fault?.kind === 'delay') await new Promise((r) => setTimeout(r, fault.ms));
    if (fault?.kind === 'respond') return send(res, fault.status, fault.body ?? '', fault.headers);
    let status = 200;
    let payload: unknown;
    try {
      if (PRIVATE.has(request.route)) this.#authenticate(request, raw);
      payload = this.#route(request);
    } catch (err) {
      const known = err instanceof BinanceError;
      status = known ? err.status : 500;
      payload = known ? { code: err.code, msg: err.message } : { code: -1000, msg: `An unknown error occurred: ${String(err)}` };
    }
    if (fault?.kind === 'drop') return void req.socket.destroy();
    send(res, status, payload);
  }

  #authenticate(request: FakeRequest, raw: string): void {
    const key = request.headers['x-mbx-apikey'];
    if (!key) throw new BinanceError(401, -2014, 'API-key format invalid.');
    if (key !== this.opts.apiKey) throw new BinanceError(401, -2015, 'Invalid API-key, IP, or permissions for action.');
    const at = raw.lastIndexOf('&signature=');
    const expected = createHmac('sha256', this.opts.secret).update(raw.slice(0, Math.max(at, 0))).digest('hex');
    if (at < 0 || raw.slice(at + '&signature='.length) !== expected) {
      throw new BinanceError(400, -1022, 'Signature for this request is not valid.');
    }
  }

  #route(r: FakeRequest): unknown {
    const p = r.params;
    switch (r.route) {
      case 'GET /api/v3/ping': return {};
      case 'GET /api/v3/time': return { serverTime: this.opts.now() };
      case 'GET /api/v3/exchangeInfo': return this.#exchangeInfo();
      case 'GET /api/v3/ticker/24hr': return this.#ticker(p.symbol);
      case 'POST /api/v3/order': return this.#placeOrder(p);
      case 'GET /api/v3/order': return orderView(this.#findOrder(p, -2013, 'Order does not exist.'));
      case 'DELETE /api/v3/order': return this.#cancel(p);
      case 'GET /api/v3/openOrders':
        return this.orders.filter((o) => o.status === 'NEW' && (!p.symbol || o.symbol === p.symbol)).map(orderView);
      case 'GET /api/v3/myTrades': return this.#myTrades(p);
      case 'GET /api/v3/account': return this.#account();
      default: throw new BinanceError(404, -1, `fake-binance has no route ${r.route}`);
    }
  }

  #market(symbol: string | undefined): FakeMarket {
    const m = symbol ? this.markets[symbol] : undefined;
    if (!m) throw new BinanceError(400, -1121, 'Invalid symbol.');
    return m;
  }

  #exchangeInfo(): unknown {
    return {
      timezone: 'UTC', serverTime: this.opts.now(), rateLimits: [], exchangeFilters: [],
      symbols: Object.entries(this.markets).map(([symbol, m]) => ({
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

  #ticker(symbol: string | undefined): unknown {
    const m = this.#market(symbol);
    const now = this.opts.now();
    return {
      symbol, priceChange: '0', priceChangePercent: '0', weightedAvgPrice: m.bid, prevClosePrice: m.bid, lastPrice: m.bid,
      lastQty: '0', bidPrice: m.bid, bidQty: '1', askPrice: m.ask, askQty: '1', openPrice: m.bid, highPrice: m.ask,
      lowPrice: m.bid, volume: '0', quoteVolume: '0', openTime: now - 86_400_000, closeTime: now, firstId: 0, lastId: 0, count: 0,
    };
  }

  #placeOrder(p: Record<string, string>): unknown {
    const m = this.#market(p.symbol);
    const side = p.side === 'SELL' ? 'SELL' : 'BUY';
    const type = p.type === 'LIMIT' ? 'LIMIT' : p.type === 'MARKET' ? 'MARKET' : undefined;
    if (!type) throw new BinanceError(400, -1116, 'Invalid orderType.');
    if (!p.quantity) throw new BinanceError(400, -1102, "Mandatory parameter 'quantity' was not sent, was empty/null, or malformed.");
    const clientOrderId = p.newClientOrderId ?? `fake-${this.#nextOrderId}`;
    if (this.orders.some((o) => o.clientOrderId === clientOrderId && o.status === 'NEW')) {
      throw new BinanceError(400, -2010, 'Duplicate order sent.');
    }
    const qty = dec(p.quantity);
    if (!qty.mod(m.stepSize).isZero() || qty.lt(m.minQty)) throw new BinanceError(400, -1013, 'Filter failure: LOT_SIZE');
    const limit = type === 'LIMIT' ? dec(p.price ?? '0') : undefined;
    if (limit && (limit.lte(0) || !limit.mod(m.tickSize).isZero())) throw new BinanceError(400, -1013, 'Filter failure: PRICE_FILTER');
    const touch = dec(side === 'BUY' ? m.ask : m.bid);
    if (qty.mul(limit ?? touch).lt(m.minNotional)) throw new BinanceError(400, -1013, 'Filter failure: NOTIONAL');
    const fills = !limit || (side === 'BUY' ? limit.gte(touch) : limit.lte(touch));
    const [spend, spendAmount] = side === 'BUY' ? [m.quote, qty.mul(fills ? touch : limit!)] : [m.base, qty];
    const wallet = this.#wallet(spend);
    if (wallet.free.lt(spendAmount)) throw new BinanceError(400, -2010, 'Account has insufficient balance for requested action.');
    const now = this.opts.now();
    const order: FakeOrder = {
      symbol: p.symbol!, orderId: this.#nextOrderId++, clientOrderId, side, type, price: f8(limit ?? ZERO), origQty: f8(qty),
      executedQty: f8(ZERO), cummulativeQuoteQty: f8(ZERO), status: 'NEW', time: now, updateTime: now, fills: [],
    };
    if (fills) {
      this.#fill(order, m, qty, touch);
    } else {
      wallet.free = wallet.free.sub(spendAmount);
      wallet.locked = wallet.locked.add(spendAmount);
    }
    this.orders.push(order);
    return { ...orderView(order), orderListId: -1, transactTime: now, fills: order.fills };
  }

  /** Fills the whole order at price; commission is charged in the asset received, as Binance does without BNB. */
  #fill(order: FakeOrder, m: FakeMarket, qty: Decimal, price: Decimal): void {
    const cost = qty.mul(price);
    const buy = order.side === 'BUY';
    const [received, amount] = buy ? [m.base, qty] : [m.quote, cost];
    const commission = amount.mul(this.opts.feeRate).toDecimalPlaces(FIXED, Decimal.ROUND_UP);
    const paid = this.#wallet(buy ? m.quote : m.base);
    paid.free = paid.free.sub(buy ? cost : qty);
    const got = this.#wallet(received);
    got.free = got.free.add(amount.sub(commission));
    order.fills.push({ price: f8(price), qty: f8(qty), commission: f8(commission), commissionAsset: received, tradeId: this.#nextTradeId++ });
    Object.assign(order, { executedQty: f8(qty), cummulativeQuoteQty: f8(cost), status: 'FILLED', updateTime: this.opts.now() });
  }

  #findOrder(p: Record<string, string>, code: number, msg: string): FakeOrder {
    this.#market(p.symbol);
    const matches = this.orders.filter((o) => o.symbol === p.symbol
      && (p.origClientOrderId ? o.clientOrderId === p.origClientOrderId : String(o.orderId) === p.orderId));
    const found = matches.at(-1);
    if (!found) throw new BinanceError(400, code, msg);
    return found;
  }

  #cancel(p: Record<string, string>): unknown {
    const order = this.#findOrder(p, -2011, 'Unknown order sent.');
    if (order.status !== 'NEW') throw new BinanceError(400, -2011, 'Unknown order sent.');
    const m = this.#market(order.symbol);
    const [asset, amount] = order.side === 'BUY' ? [m.quote, dec(order.origQty).mul(order.price)] : [m.base, dec(order.origQty)];
    const wallet = this.#wallet(asset);
    wallet.locked = wallet.locked.sub(amount);
    wallet.free = wallet.free.add(amount);
    Object.assign(order, { status: 'CANCELED', updateTime: this.opts.now() });
    const { time: _t, updateTime: _u, ...view } = orderView(order);
    // Binance answers with the cancel request's own client id; ours comes back as origClientOrderId.
    return { ...view, origClientOrderId: order.clientOrderId, clientOrderId: p.newClientOrderId ?? `cancel-${order.orderId}`, transactTime: this.opts.now() };
  }

  #myTrades(p: Record<string, string>): unknown {
    this.#market(p.symbol);
    return this.orders.filter((o) => o.symbol === p.symbol && (!p.orderId || String(o.orderId) === p.orderId))
      .flatMap((o) => o.fills.map((f) => ({
        symbol: o.symbol, id: f.tradeId, orderId: o.orderId, orderListId: -1, price: f.price, qty: f.qty,
        quoteQty: f8(dec(f.price).mul(f.qty)), commission: f.commission, commissionAsset: f.commissionAsset,
        time: o.updateTime, isBuyer: o.side === 'BUY', isMaker: false, isBestMatch: true,
      })));
  }

  #account(): unknown {
    return {
      makerCommission: 10, takerCommission: 10, buyerCommission: 0, sellerCommission: 0, canTrade: true, canWithdraw: true,
      canDeposit: true, brokered: false, requireSelfTradePrevention: false, updateTime: this.opts.now(), accountType: 'SPOT',
      balances: [...this.#balances].map(([asset, b]) => ({ asset, free: f8(b.free), locked: f8(b.locked) })), permissions: ['SPOT'],
    };
  }

  #wallet(asset: string): { free: Decimal; locked: Decimal } {
    let w = this.#balances.get(asset);
    if (!w) this.#balances.set(asset, (w = { free: ZERO, locked: ZERO }));
    return w;
  }
}

/** GET /api/v3/order shape (no fills). */
function orderView(o: FakeOrder) {
  return {
    symbol: o.symbol, orderId: o.orderId, orderListId: -1, clientOrderId: o.clientOrderId, price: o.price, origQty: o.origQty,
    executedQty: o.executedQty, cummulativeQuoteQty: o.cummulativeQuoteQty, status: o.status,
    timeInForce: 'GTC', type: o.type, side: o.side, stopPrice: '0.00000000', icebergQty: '0.00000000',
    time: o.time, updateTime: o.updateTime, isWorking: true, workingTime: o.time, origQuoteOrderQty: '0.00000000',
    selfTradePreventionMode: 'EXPIRE_MAKER',
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json;charset=UTF-8', ...headers });
  res.end(text);
}
