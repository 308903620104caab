/**
 * A loopback stand-in for Binance spot market streams, speaking the wire format ccxt.pro parses
 * (node_modules/ccxt/js/src/pro/binance.js): `{"method":"SUBSCRIBE","params":[...],"id":N}` is answered
 * with `{"result":null,"id":N}`; `kline` events feed handleOHLCV and bare bookTicker payloads
 * (`{u,s,b,B,a,A}`, no event type, as Binance sends them) feed handleBidsAsks. It also serves
 * GET /api/v3/exchangeInfo so ccxt's loadMarkets works without the internet, and GET /api/v3/klines
 * (startTime, endTime, limit; Binance's array rows) from a per-symbol history the test sets, for REST backfill.
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

/** One kline update as pushed by Binance (`x` = the candle is final). */
export interface FakeKline {
  readonly openTime: number;
  readonly open: number | string;
  readonly high: number | string;
  readonly low: number | string;
  readonly close: number | string;
  readonly volume: number | string;
  /** Binance interval, default '1m'. */
  readonly interval?: string;
  readonly closed?: boolean;
}

const INTERVAL_MS: Record<string, number> = { '1m': 60_000, '5m': 300_000, '15m': 900_000, '1h': 3_600_000, '4h': 14_400_000, '1d': 86_400_000 };

/** 'BTC/USDT' → 'BTCUSDT'. */
const marketId = (symbol: string) => symbol.replace('/', '');

/** A fake Binance on 127.0.0.1: REST exchangeInfo plus the market-stream websocket under /ws. */
export class FakeBinanceWs {
  /** Every control message received (SUBSCRIBE / UNSUBSCRIBE ...), in order. */
  readonly controlMessages: { method: string; params: string[]; id: number }[] = [];
  /** Every GET /api/v3/klines query, in order (symbol, interval, startTime, endTime, limit as sent). */
  readonly klineRequests: Record<string, string>[] = [];
  /** Every REST request as `METHOD /path` (no query), in order: a test can show no order was ever sent. */
  readonly restRequests: string[] = [];
  /** Websocket connections accepted so far. */
  connectionsOpened = 0;
  /** Answer GET /api/v3/klines with this HTTP status and a Binance error body instead of data (e.g. 503). */
  klinesFailWith: number | undefined;
  private readonly history = new Map<string, Map<number, FakeKline>>();
  private readonly silenced = new Set<WebSocket>();
  private readonly streamsBySocket = new Map<WebSocket, Set<string>>();
  private waiters: { stream: string; resolve: () => void }[] = [];
  private updateId = 1;

  private constructor(
    private readonly http: Server,
    private readonly wss: WebSocketServer,
    private readonly symbols: readonly string[],
  ) {
    wss.on('connection', (socket) => this.onConnection(socket));
    http.on('request', (req, res) => {
      this.restRequests.push(`${req.method} ${(req.url ?? '').split('?')[0]}`);
      if (req.method === 'GET' && req.url?.startsWith('/api/v3/exchangeInfo')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(this.exchangeInfo()));
        return;
      }
      if (req.method === 'GET' && req.url?.startsWith('/api/v3/klines')) {
        this.serveKlines(new URL(req.url, 'http://127.0.0.1').searchParams, res);
        return;
      }
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ code: -1, msg: `fake binance: no route ${req.method} ${req.url}` }));
    });
  }

  /** Starts the server on a free loopback port; `symbols` are the spot markets exchangeInfo lists. */
  static async start(symbols: readonly string[] = ['BTC/USDT', 'ETH/USDT', 'SOL/USDT']): Promise<FakeBinanceWs> {
    const http = createServer();
    const wss = new WebSocketServer({ server: http });
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(0, '127.0.0.1', () => resolve());
    });
    return new FakeBinanceWs(http, wss, symbols);
  }

  get port(): number { return (this.http.address() as AddressInfo).port; }
  /** Value for `exchange.urls.api.ws.spot`. */
  get wsUrl(): string { return `ws://127.0.0.1:${this.port}/ws`; }
  /** Value for `exchange.urls.api.public`. */
  get restUrl(): string { return `http://127.0.0.1:${this.port}/api/v3`; }

  /** Streams some open, not silenced connection is subscribed to, e.g. 'btcusdt@kline_1m'. */
  subscriptions(): Set<string> {
    return new Set([...this.streamsBySocket].filter(([socket]) => !this.silenced.has(socket)).flatMap(([, s]) => [...s]));
  }

  /** Resolves once some connection has subscribed to `stream` (immediately if one already has). */
  waitForSubscription(stream: string): Promise<void> {
    if (this.subscriptions().has(stream)) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ stream, resolve }));
  }

  /** Pushes a kline event to the connections subscribed to `<symbol>@kline_<interval>`; returns how many got it. */
  pushKline(symbol: string, k: FakeKline, eventTime?: number): number {
    const interval = k.interval ?? '1m';
    const id = marketId(symbol);
    const ms = INTERVAL_MS[interval] ?? 60_000;
    return this.send(`${id.toLowerCase()}@kline_${interval}`, {
      e: 'kline', E: eventTime ?? k.openTime + ms - 1, s: id,
      k: {
        t: k.openTime, T: k.openTime + ms - 1, s: id, i: interval, f: 100, L: 200,
        o: String(k.open), c: String(k.close), h: String(k.high), l: String(k.low), v: String(k.volume),
        n: 100, x: k.closed ?? false, q: '0', V: '0', Q: '0', B: '0',
      },
    });
  }

  /** Pushes a spot bookTicker payload (no event type or time, as Binance sends it); returns how many got it. */
  pushBookTicker(symbol: string, bid: string, ask: string): number {
    const id = marketId(symbol);
    return this.send(`${id.toLowerCase()}@bookTicker`, { u: this.updateId++, s: id, b: bid, B: '1.00000000', a: ask, A: '1.00000000' });
  }

  /** Pushes raw text (malformed JSON, an unknown event ...) to the connections subscribed to `stream`; returns how many got it. */
  pushRaw(stream: string, text: string): number {
    let sent = 0;
    for (const [socket, streams] of this.streamsBySocket) {
      if (streams.has(stream) && socket.readyState === socket.OPEN) { socket.send(text); sent += 1; }
    }
    return sent;
  }

  /** Adds closed candles to what GET /api/v3/klines serves for `symbol` (same open time: replaced). */
  addHistory(symbol: string, klines: readonly FakeKline[]): void {
    const byTime = this.history.get(marketId(symbol)) ?? new Map<number, FakeKline>();
    for (const k of klines) byTime.set(k.openTime, k);
    this.history.set(marketId(symbol), byTime);
  }

  /** Keeps every open connection open but sends nothing more on it (a silent stall); new connections are served normally. */
  silence(): void {
    for (const socket of this.streamsBySocket.keys()) this.silenced.add(socket);
  }

  /** Closes every client connection abruptly (as a network drop would); clients must reconnect and resubscribe. */
  dropConnections(): void {
    for (const socket of this.streamsBySocket.keys()) socket.terminate();
    this.streamsBySocket.clear();
  }

  async close(): Promise<void> {
    this.dropConnections();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }

  private send(stream: string, payload: unknown): number {
    const text = JSON.stringify(payload);
    let sent = 0;
    for (const [socket, streams] of this.streamsBySocket) {
      if (streams.has(stream) && socket.readyState === socket.OPEN && !this.silenced.has(socket)) { socket.send(text); sent += 1; }
    }
    return sent;
  }

  private serveKlines(q: URLSearchParams, res: ServerResponse): void {
    this.klineRequests.push(Object.fromEntries(q));
    if (this.klinesFailWith) {
      res.writeHead(this.klinesFailWith, { 'content-type': 'application/json' }).end(JSON.stringify({ code: -1001, msg: 'Internal error; unable to process your request. Please try again.' }));
      return;
    }
    const interval = q.get('interval') ?? '1m';
    const ms = INTERVAL_MS[interval] ?? 60_000;
    const start = Number(q.get('startTime') ?? 0);
    const end = Number(q.get('endTime') ?? Number.MAX_SAFE_INTEGER);
    const limit = Math.min(Number(q.get('limit') ?? 500), 1000);
    const rows = [...(this.history.get(q.get('symbol') ?? '')?.values() ?? [])]
      .filter((k) => (k.interval ?? '1m') === interval && k.openTime >= start && k.openTime <= end)
      .sort((a, b) => a.openTime - b.openTime).slice(0, limit)
      .map((k) => [k.openTime, String(k.open), String(k.high), String(k.low), String(k.close), String(k.volume), k.openTime + ms - 1, '0', 100, '0', '0', '0']);
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(rows));
  }

  private onConnection(socket: WebSocket): void {
    this.connectionsOpened += 1;
    const streams = new Set<string>();
    this.streamsBySocket.set(socket, streams);
    socket.on('close', () => { this.streamsBySocket.delete(socket); this.silenced.delete(socket); });
    socket.on('message', (data) => {
      let msg: { method?: string; params?: string[]; id?: number };
      try { msg = JSON.parse(String(data)); } catch { return; }
      if (typeof msg.method !== 'string' || typeof msg.id !== 'number' || this.silenced.has(socket)) return;
      const params = Array.isArray(msg.params) ? msg.params : [];
      this.controlMessages.push({ method: msg.method, params, id: msg.id });
      if (msg.method === 'SUBSCRIBE') params.forEach((p) => streams.add(p));
      if (msg.method === 'UNSUBSCRIBE') params.forEach((p) => streams.delete(p));
      socket.send(JSON.stringify({ result: null, id: msg.id }));
      if (msg.method === 'SUBSCRIBE') this.wake();
    });
  }

  private wake(): void {
    const active = this.subscriptions();
    const ready = this.waiters.filter((w) => active.has(w.stream));
    this.waiters = this.waiters.filter((w) => !active.has(w.stream));
    ready.forEach((w) => w.resolve());
  }

  private exchangeInfo(): unknown {
    return {
      timezone: 'UTC', serverTime: 1621209600000, rateLimits: [], exchangeFilters: [],
      symbols: this.symbols.map((symbol) => {
        const [base, quote] = symbol.split('/') as [string, string];
        return {
          symbol: marketId(symbol), status: 'TRADING', baseAsset: base, baseAssetPrecision: 8, quoteAsset: quote,
          quotePrecision: 8, quoteAssetPrecision: 8, baseCommissionPrecision: 8, quoteCommissionPrecision: 8,
          orderTypes: ['LIMIT', 'MARKET'], icebergAllowed: true, ocoAllowed: true, quoteOrderQtyMarketAllowed: true,
          isSpotTradingAllowed: true, isMarginTradingAllowed: false, permissions: ['SPOT'], permissionSets: [['SPOT']],
          filters: [
            { filterType: 'PRICE_FILTER', minPrice: '0.01000000', maxPrice: '1000000.00000000', tickSize: '0.01000000' },
            { filterType: 'LOT_SIZE', minQty: '0.00001000', maxQty: '9000.00000000', stepSize: '0.00001000' },
            { filterType: 'NOTIONAL', minNotional: '5.00000000', applyMinToMarket: true, maxNotional: '9000000.00000000', applyMaxToMarket: false, avgPriceMins: 5 },
          ],
        };
      }),
    };
  }
}
