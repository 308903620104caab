/**
 * The fake Binance's books: balances, orders and trades. This state is the truth a test compares the
 * ledger against. Binance's rules: filters, funds checked and locked at placement, client ids unique
 * among OPEN orders only, commission charged in the asset received (no BNB).
 */
import { Decimal, ZERO, dec } from '../../../shared/domain/money.js';
import { BinanceError, f8, isOpen, type FakeMarket, type FakeOrder, type FakeTrade } from './wire.js';

type Wallet = { free: Decimal; locked: Decimal };

/** How a placement executes, when a fault script says otherwise than "all of it, now". */
export interface PartialExecution {
  readonly quantity?: string;
  readonly fraction?: string;
  readonly remainder?: 'open' | 'expire';
}

/** Balances, orders and trades of one fake account. */
export class BinanceEngine {
  readonly orders: FakeOrder[] = [];
  /** How long queries do not show an order after it was accepted (ms, fake clock); 0 = at once. */
  queryLag: (order: FakeOrder) => number = () => 0;
  readonly #balances = new Map<string, Wallet>();
  #nextOrderId = 1000;
  #nextTradeId = 5000;

  constructor(readonly markets: Record<string, FakeMarket>, balances: Record<string, string>,
    private readonly feeRate: string, private readonly now: () => number) {
    for (const [asset, free] of Object.entries(balances)) this.#balances.set(asset, { free: dec(free), locked: ZERO });
  }

  market(symbol: string | undefined): FakeMarket {
    const m = symbol ? this.markets[symbol] : undefined;
    if (!m) throw new BinanceError(400, -1121, 'Invalid symbol.');
    return m;
  }

  wallet(asset: string): Wallet {
    let w = this.#balances.get(asset);
    if (!w) this.#balances.set(asset, (w = { free: ZERO, locked: ZERO }));
    return w;
  }

  balances(): [string, Wallet][] {
    return [...this.#balances];
  }

  /** Every execution, oldest first, with its order's identity. */
  trades(): FakeTrade[] {
    return this.orders.flatMap((o) => o.fills.map((f) => ({ ...f, symbol: o.symbol, orderId: o.orderId, clientOrderId: o.clientOrderId, side: o.side })))
      .sort((a, b) => a.tradeId - b.tradeId);
  }

  /** POST /api/v3/order: validate, check funds, then fill at the touch (market, marketable limit) or rest. */
  place(p: Record<string, string>, partial?: PartialExecution): FakeOrder {
    const m = this.market(p.symbol);
    const side = p.side === 'SELL' ? 'SELL' : 'BUY';
    const type = p.type === 'LIMIT' ? 'LIMIT' : p.type === 'MARKET' ? 'MARKET' : undefined;
    if (!type) throw new BinanceError(400, -1116, 'Invalid orderType.');
    if (!p.quantity) throw new BinanceError(400, -1102, "Mandatory parameter 'quantity' was not sent, was empty/null, or malformed.");
    const clientOrderId = p.newClientOrderId ?? `fake-${this.#nextOrderId}`;
    if (this.orders.some((o) => o.clientOrderId === clientOrderId && isOpen(o))) throw new BinanceError(400, -2010, 'Duplicate order sent.');
    const qty = dec(p.quantity);
    if (!qty.mod(m.stepSize).isZero() || qty.lt(m.minQty)) throw new BinanceError(400, -1013, 'Filter failure: LOT_SIZE');
    const limit = type === 'LIMIT' ? dec(p.price ?? '0') : undefined;
    if (limit && (limit.lte(0) || !limit.mod(m.tickSize).isZero())) throw new BinanceError(400, -1013, 'Filter failure: PRICE_FILTER');
    const touch = dec(side === 'BUY' ? m.ask : m.bid);
    if (qty.mul(limit ?? touch).lt(m.minNotional)) throw new BinanceError(400, -1013, 'Filter failure: NOTIONAL');
    const marketable = !limit || (side === 'BUY' ? limit.gte(touch) : limit.lte(touch));
    const lockPrice = limit ?? touch;
    const [spend, need] = side === 'BUY' ? [m.quote, qty.mul(lockPrice)] : [m.base, qty];
    if (this.wallet(spend).free.lt(need)) throw new BinanceError(400, -2010, 'Account has insufficient balance for requested action.');
    const now = this.now();
    const order: FakeOrder = {
      symbol: p.symbol!, orderId: this.#nextOrderId++, clientOrderId, side, type, price: f8(limit ?? ZERO), origQty: f8(qty),
      executedQty: f8(ZERO), cummulativeQuoteQty: f8(ZERO), status: 'NEW', time: now, updateTime: now, fills: [], lockPrice: f8(lockPrice),
      visibleAt: now,
    };
    order.visibleAt = now + this.queryLag(order);
    this.#lock(order, qty);
    this.orders.push(order);
    if (marketable) {
      const part = partial ? partQuantity(qty, m, partial) : qty;
      if (part.gt(0)) this.fill(order, { quantity: part.toFixed(), price: touch.toFixed(), maker: false });
      if (partial?.remainder === 'expire' && isOpen(order)) this.expire(order);
    }
    return order;
  }

  /**
   * Executes (part of) an open order on the exchange side, as the market would: at `price` (default its
   * limit, or the touch for a market order), `quantity` default the rest. Maker for a resting limit order.
   */
  fill(order: FakeOrder, opts: { quantity?: string; price?: string; maker?: boolean } = {}): FakeTrade {
    if (!isOpen(order)) throw new Error(`fake-binance: order ${order.clientOrderId} is ${order.status}, it cannot fill`);
    const m = this.market(order.symbol);
    const rest = dec(order.origQty).sub(order.executedQty);
    const qty = dec(opts.quantity ?? rest);
    if (qty.lte(0) || qty.gt(rest)) throw new Error(`fake-binance: cannot fill ${qty.toFixed()} of ${order.clientOrderId} (rest ${rest.toFixed()})`);
    const price = dec(opts.price ?? (order.type === 'LIMIT' ? order.price : order.side === 'BUY' ? m.ask : m.bid));
    const buy = order.side === 'BUY';
    const cost = qty.mul(price);
    const [received, amount] = buy ? [m.base, qty] : [m.quote, cost];
    const commission = amount.mul(this.feeRate).toDecimalPlaces(8, Decimal.ROUND_UP);
    this.#unlock(order, qty);
    const paid = this.wallet(buy ? m.quote : m.base);
    paid.free = paid.free.sub(buy ? cost : qty);
    if (paid.free.lt(0)) throw new Error(`fake-binance: fill of ${order.clientOrderId} overdraws ${buy ? m.quote : m.base}`);
    const got = this.wallet(received);
    got.free = got.free.add(amount.sub(commission));
    const now = this.now();
    const fill = { price: f8(price), qty: f8(qty), commission: f8(commission), commissionAsset: received, tradeId: this.#nextTradeId++, time: now, isMaker: opts.maker ?? order.type === 'LIMIT' };
    order.fills.push(fill);
    const executed = dec(order.executedQty).add(qty);
    Object.assign(order, {
      executedQty: f8(executed), cummulativeQuoteQty: f8(dec(order.cummulativeQuoteQty).add(cost)),
      status: executed.eq(order.origQty) ? 'FILLED' : 'PARTIALLY_FILLED', updateTime: now,
    });
    return { ...fill, symbol: order.symbol, orderId: order.orderId, clientOrderId: order.clientOrderId, side: order.side };
  }

  /** DELETE /api/v3/order: an open order by origClientOrderId or orderId; -2011 otherwise. */
  cancel(p: Record<string, string>): FakeOrder {
    const order = this.find(p, -2011, 'Unknown order sent.');
    if (!isOpen(order)) throw new BinanceError(400, -2011, 'Unknown order sent.');
    this.#unlock(order, dec(order.origQty).sub(order.executedQty));
    Object.assign(order, { status: 'CANCELED', updateTime: this.now() });
    return order;
  }

  /** The exchange ends an open order's rest by itself (a market order's unfilled remainder, a GTD limit). */
  expire(order: FakeOrder): void {
    if (!isOpen(order)) throw new Error(`fake-binance: order ${order.clientOrderId} is ${order.status}, it cannot expire`);
    this.#unlock(order, dec(order.origQty).sub(order.executedQty));
    Object.assign(order, { status: 'EXPIRED', updateTime: this.now() });
  }

  /** True when queries show the order by now (see queryLag). */
  visible(order: FakeOrder): boolean {
    return this.now() >= order.visibleAt;
  }

  /**
   * The newest order matching origClientOrderId (or orderId) on the symbol; Binance `code` when none. A query
   * (`queried`) does not see an order still inside its lag; the matching engine (a cancel) does.
   */
  find(p: Record<string, string>, code: number, msg: string, queried = false): FakeOrder {
    this.market(p.symbol);
    const found = this.orders.filter((o) => o.symbol === p.symbol && (!queried || this.visible(o))
      && (p.origClientOrderId ? o.clientOrderId === p.origClientOrderId : String(o.orderId) === p.orderId)).at(-1);
    if (!found) throw new BinanceError(400, code, msg);
    return found;
  }

  #lock(order: FakeOrder, qty: Decimal): void {
    const m = this.market(order.symbol);
    const [w, amount] = order.side === 'BUY' ? [this.wallet(m.quote), qty.mul(order.lockPrice)] : [this.wallet(m.base), qty];
    w.free = w.free.sub(amount);
    w.locked = w.locked.add(amount);
  }

  #unlock(order: FakeOrder, qty: Decimal): void {
    const m = this.market(order.symbol);
    const [w, amount] = order.side === 'BUY' ? [this.wallet(m.quote), qty.mul(order.lockPrice)] : [this.wallet(m.base), qty];
    w.locked = w.locked.sub(amount);
    w.free = w.free.add(amount);
  }
}

/** The part of qty a partial execution fills, floored to the market's step (0 when below it). */
function partQuantity(qty: Decimal, m: FakeMarket, p: PartialExecution): Decimal {
  const raw = p.quantity !== undefined ? dec(p.quantity) : qty.mul(p.fraction ?? '0.5');
  const stepped = raw.div(m.stepSize).floor().mul(m.stepSize);
  return Decimal.min(stepped, qty);
}
