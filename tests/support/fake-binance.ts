/**
 * A fake Binance spot REST API on 127.0.0.1 for ccxt: the endpoints ccxt uses, Binance's wire format
 * ({code,msg} errors, FULL order responses) and Binance's rules (filters, balances, client ids unique
 * among OPEN orders only). Faults are injected per route, by hook or by a per-call script (see
 * fake-binance/faults.ts); the fake's own books (orders, trades, balances) are the truth tests compare with.
 */
import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BinanceEngine } from './fake-binance/engine.js';
import { FaultScript, type Fault, type FaultHook, type FakeRequest } from './fake-binance/faults.js';
import { KlineBook, type FakeKlineRow } from './fake-binance/klines.js';
import {
  BinanceError, accountView, exchangeInfoView, fullOrderView, isOpen, orderView, tickerView, tradeView,
  type FakeMarket, type FakeOrder, type FakeTrade,
} from './fake-binance/wire.js';

export { fault, type Fault, type FaultHook, type FakeRequest } from './fake-binance/faults.js';
export type { FakeFill, FakeMarket, FakeOrder, FakeOrderStatus, FakeTrade } from './fake-binance/wire.js';
export type { FakeKlineRow } from './fake-binance/klines.js';

const PRIVATE = new Set(['POST /api/v3/order', 'GET /api/v3/order', 'DELETE /api/v3/order', 'GET /api/v3/openOrders',
  'GET /api/v3/allOrders', 'GET /api/v3/account', 'GET /api/v3/myTrades', 'GET /sapi/v1/account/apiRestrictions']);

/** BTCUSDT and ETHUSDT with Binance's real filters. */
export function defaultFakeMarkets(): Record<string, FakeMarket> {
  return {
    BTCUSDT: { base: 'BTC', quote: 'USDT', tickSize: '0.01', stepSize: '0.00001', minQty: '0.00001', minNotional: '5', bid: '50000.00', ask: '50000.10' },
    ETHUSDT: { base: 'ETH', quote: 'USDT', tickSize: '0.01', stepSize: '0.0001', minQty: '0.0001', minNotional: '5', bid: '3000.00', ask: '3000.05' },
  };
}

/** A fault the fake actually applied, in order. */
export interface InjectedFault {
  readonly route: string;
  readonly fault: Fault;
}

/** The fake exchange. Start with FakeBinance.start(); point ccxt at `origin`. */
export class FakeBinance {
  readonly requests: FakeRequest[] = [];
  /** Fault hooks by route key, e.g. faults['POST /api/v3/order'] = () => fault.responseLost(). */
  readonly faults: Partial<Record<string, FaultHook>> = {};
  /** Faults applied so far (scripted or hooked). */
  readonly injected: InjectedFault[] = [];
  /** What GET /sapi/v1/account/apiRestrictions reports for the key (Binance's fields); a test may flip enableWithdrawals. */
  readonly apiRestrictions: Record<string, boolean | number> = {
    ipRestrict: false, createTime: 1_698_645_219_000, enableReading: true, enableSpotAndMarginTrading: true, enableWithdrawals: false,
    enableInternalTransfer: false, enableMargin: false, enableFutures: false, permitsUniversalTransfer: false, enableVanillaOptions: false,
  };
  readonly #script = new FaultScript();
  readonly #klines = new KlineBook();
  #engine: BinanceEngine;

  private constructor(
    private readonly server: Server,
    readonly origin: string,
    private readonly opts: { apiKey: string; secret: string; now: () => number; feeRate: string },
    engine: BinanceEngine,
  ) {
    this.#engine = engine;
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
    const now = options.now ?? Date.now;
    const engine = new BinanceEngine(options.markets ?? defaultFakeMarkets(), options.balances ?? { USDT: '10000', BTC: '0', ETH: '0' },
      options.feeRate ?? '0.001', now);
    const opts = { apiKey: options.apiKey ?? 'fake-key', secret: options.secret ?? 'fake-secret', now, feeRate: options.feeRate ?? '0.001' };
    fake = new FakeBinance(server, origin, opts, engine);
    return fake;
  }

  /** A fresh account on the same server (new books, no requests, faults or scripts): cheaper than a restart. */
  reset(options: { markets?: Record<string, FakeMarket>; balances?: Record<string, string> } = {}): void {
    this.#engine = new BinanceEngine(options.markets ?? defaultFakeMarkets(), options.balances ?? { USDT: '10000', BTC: '0', ETH: '0' },
      this.opts.feeRate, this.opts.now);
    this.requests.length = 0;
    this.injected.length = 0;
    this.#klines.clear();
    this.clearFaults();
  }

  /** Candles GET /api/v3/klines serves for `symbol` (BTCUSDT) on `interval` (1m); holes stay holes. Cleared by reset(). */
  addKlines(symbol: string, interval: string, rows: readonly FakeKlineRow[]): void {
    this.#klines.add(symbol, interval, rows);
  }

  /** Markets by Binance symbol (BTCUSDT); bid/ask may be changed by a test. */
  get markets(): Record<string, FakeMarket> {
    return this.#engine.markets;
  }

  /** Every order ever accepted, oldest first (the fake's truth). */
  get orders(): FakeOrder[] {
    return this.#engine.orders;
  }

  /** Every trade ever executed, by trade id (the fake's truth). */
  trades(): FakeTrade[] {
    return this.#engine.trades();
  }

  /** Every order ever accepted with this client order id (more than one is a duplicate). */
  ordersByClientId(clientOrderId: string): FakeOrder[] {
    return this.orders.filter((o) => o.clientOrderId === clientOrderId);
  }

  /** Current free/locked of an asset, decimal strings. */
  balance(asset: string): { free: string; locked: string } {
    const b = this.#engine.wallet(asset);
    return { free: b.free.toFixed(), locked: b.locked.toFixed() };
  }

  /** Every asset's total (free + locked), decimal strings. */
  totals(): Record<string, string> {
    return Object.fromEntries(this.#engine.balances().map(([asset, b]) => [asset, b.free.add(b.locked).toFixed()]));
  }

  /** Requests seen on one route, oldest first. */
  calls(route: string): FakeRequest[] {
    return this.requests.filter((r) => r.route === route);
  }

  /** Scripts the next calls of `route`, one step per call (undefined = handle normally); hooks apply once it runs out. */
  script(route: string, ...steps: (Fault | undefined)[]): void {
    this.#script.push(route, steps);
  }

  /** Scripted steps not consumed yet, by route. */
  pendingScript(): Record<string, number> {
    return this.#script.pending();
  }

  /** Drops every script and hook (the books stay). */
  clearFaults(): void {
    this.#script.clear();
    for (const route of Object.keys(this.faults)) delete this.faults[route];
  }

  /**
   * Fills (part of) an open order on the exchange side, as happens while the pipeline is down or between
   * its calls: `quantity` default the rest, `price` default its limit (market: the touch).
   */
  fillOrder(clientOrderId: string, opts: { quantity?: string; price?: string } = {}): FakeTrade {
    return this.#engine.fill(this.#openOrder(clientOrderId), opts);
  }

  /** Ends an open order's rest on the exchange side (status EXPIRED, funds unlocked). */
  expireOrder(clientOrderId: string): void {
    this.#engine.expire(this.#openOrder(clientOrderId));
  }

  /**
   * Makes queries (GET order, openOrders, allOrders, myTrades) show each order accepted from now on only
   * `lag(order)` ms (fake clock) after it was accepted, as a lagging exchange does; the matching engine
   * (placement's duplicate check, cancel) knows it at once. Cleared by reset().
   */
  setQueryLag(lag: (order: FakeOrder) => number): void {
    this.#engine.queryLag = lag;
  }

  /** Moves a market's book (no matching: fill resting orders with fillOrder). */
  setBook(symbol: string, bid: string, ask: string): void {
    Object.assign(this.#engine.market(symbol), { bid, ask });
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  #openOrder(clientOrderId: string): FakeOrder {
    const order = this.ordersByClientId(clientOrderId).filter(isOpen).at(-1);
    if (!order) throw new Error(`fake-binance: no open order with client id ${clientOrderId}`);
    return order;
  }

  async #serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.origin);
    const body = await readBody(req);
    const raw = req.method === 'POST' || req.method === 'PUT' ? body : url.search.slice(1);
    const params = Object.fromEntries(new URLSearchParams(raw));
    const request: FakeRequest = { route: `${req.method} ${url.pathname}`, params, headers: req.headers, at: Date.now() };
    this.requests.push(request);
    const scripted = this.#script.next(request.route);
    const f = scripted ? scripted.fault : this.faults[request.route]?.(request);
    if (f) this.injected.push({ route: request.route, fault: f });
    const after = f !== undefined && 'phase' in f && f.phase === 'after';
    if (f?.kind === 'drop' && f.when === 'before') return void req.socket.destroy();
    if (f?.kind === 'delay' && !after) await sleep(f.ms);
    if (f?.kind === 'hold') await f.until.catch(() => undefined);
    if (f?.kind === 'respond' && !after) return send(res, f.status, f.body ?? '', f.headers);
    let status = 200;
    let payload: unknown;
    try {
      if (PRIVATE.has(request.route)) this.#authenticate(request, raw);
      payload = this.#route(request, f?.kind === 'partial' ? f : undefined);
    } catch (err) {
      const known = err instanceof BinanceError;
      status = known ? err.status : 500;
      payload = known ? { code: err.code, msg: err.message } : { code: -1000, msg: `An unknown error occurred: ${String(err)}` };
    }
    if (f?.kind === 'drop') return void req.socket.destroy();
    if (f?.kind === 'respond') return send(res, f.status, f.body ?? '', f.headers);
    if (f?.kind === 'delay') await sleep(f.ms);
    if (!res.socket || res.socket.destroyed) return;
    send(res, status, f?.kind === 'rewrite' && status === 200 ? f.rewrite(payload) : payload);
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

  #route(r: FakeRequest, partial: Extract<Fault, { kind: 'partial' }> | undefined): unknown {
    const p = r.params;
    const e = this.#engine;
    switch (r.route) {
      case 'GET /api/v3/ping': return {};
      case 'GET /api/v3/time': return { serverTime: this.opts.now() };
      case 'GET /api/v3/exchangeInfo': return exchangeInfoView(e.markets, this.opts.now());
      case 'GET /api/v3/ticker/24hr': return tickerView(p.symbol!, e.market(p.symbol), this.opts.now());
      case 'GET /api/v3/klines': return this.#klines.query(p, (symbol) => symbol in e.markets);
      case 'POST /api/v3/order': return fullOrderView(e.place(p, partial), this.opts.now());
      case 'GET /api/v3/order': return orderView(e.find(p, -2013, 'Order does not exist.', true));
      case 'GET /api/v3/allOrders': return this.#allOrders(p);
      case 'DELETE /api/v3/order': {
        const order = e.cancel(p);
        const { time: _t, updateTime: _u, ...view } = orderView(order);
        // Binance answers with the cancel request's own client id; ours comes back as origClientOrderId.
        return { ...view, origClientOrderId: order.clientOrderId, clientOrderId: p.newClientOrderId ?? `cancel-${order.orderId}`, transactTime: this.opts.now() };
      }
      case 'GET /api/v3/openOrders': return e.orders.filter((o) => isOpen(o) && e.visible(o) && (!p.symbol || o.symbol === p.symbol)).map(orderView);
      case 'GET /api/v3/myTrades': return this.#myTrades(p);
      case 'GET /api/v3/account': return accountView(e.balances(), this.opts.now());
      case 'GET /sapi/v1/account/apiRestrictions': return { ...this.apiRestrictions };
      default: throw new BinanceError(404, -1, `fake-binance has no route ${r.route}`);
    }
  }

  /**
   * GET /api/v3/allOrders (open, filled, canceled, expired): symbol required; orderId (from it on; else the
   * newest), startTime/endTime (at most 24 h apart), limit ≤ 1000 (default 500); oldest first, as Binance.
   */
  #allOrders(p: Record<string, string>): unknown {
    this.#engine.market(p.symbol);
    const limit = Math.min(Number(p.limit ?? 500), 1000);
    if (p.startTime && p.endTime && Number(p.endTime) - Number(p.startTime) > 86_400_000) {
      throw new BinanceError(400, -1127, 'More than 24 hours between startTime and endTime.');
    }
    const matching = this.orders.filter((o) => o.symbol === p.symbol && this.#engine.visible(o)
      && (!p.orderId || o.orderId >= Number(p.orderId))
      && (!p.startTime || o.time >= Number(p.startTime))
      && (!p.endTime || o.time <= Number(p.endTime)));
    return (p.orderId || p.startTime ? matching.slice(0, limit) : matching.slice(-limit)).map(orderView);
  }

  /** GET /api/v3/myTrades: symbol required; orderId, fromId (oldest first from it; else the newest), startTime/endTime, limit ≤ 1000. */
  #myTrades(p: Record<string, string>): unknown {
    this.#engine.market(p.symbol);
    const limit = Math.min(Number(p.limit ?? 500), 1000);
    const shown = new Set(this.orders.filter((o) => this.#engine.visible(o)).map((o) => o.orderId));
    return this.trades().filter((t) => t.symbol === p.symbol && shown.has(t.orderId)
      && (!p.orderId || String(t.orderId) === p.orderId)
      && (!p.fromId || t.tradeId >= Number(p.fromId))
      && (!p.startTime || t.time >= Number(p.startTime))
      && (!p.endTime || t.time <= Number(p.endTime)))
      .slice(p.fromId ? 0 : -limit).slice(0, limit).map(tradeView);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

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
