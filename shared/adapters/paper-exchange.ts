/**
 * PAPER venue: simulated fills on real market data, never on the order's own price. Market orders take the
 * stored top of book with the fill model's slippage and participation cap (the rest expires); limit orders
 * rest and are matched lazily against the closed candles since placement whenever they are read, so any
 * later fetch (manage loop, reconcile, redelivery) advances them. Deterministic for a given seed.
 */
import { closeTime, timeframeMs, type Timeframe, type TopOfBook } from '../domain/candle.js';
import {
  isAlmgrenChriss, marketFillPrice, matchLimitOrder, needsVolume, orderRuleViolation, takeLiquidity, type FillConfig, type SimulatedFill,
} from '../domain/fill-model.js';
import { recentVolatility, volatilityCloses, type AlmgrenChrissParams, type ImpactModel } from '../domain/impact.js';
import { splitSymbol, type MarketInfo } from '../domain/market.js';
import { Decimal, ZERO, dec, money, type DecimalLike } from '../domain/money.js';
import type { OrderRequest } from '../domain/order.js';
import type { Policy } from '../domain/policy.js';
import type { Balances, Clock, Exchange, ExchangeOrder, ExchangeTrade, MarketDataStore, Versioned } from '../ports.js';
import { EXCHANGE_ERROR, ExchangeApiError } from './ccxt-errors.js';
import type { MarketLookup } from './paper-markets.js';
import { paperBalances, publicView, sumTrades, withTrades, type PaperOrder, type PaperVenueStore } from './paper-venue-store.js';

export { paperBalances } from './paper-venue-store.js';

/** Everything the paper venue needs; the fill parameters come from the policy's paper section (paperOptionsFor). */
export interface PaperExchangeOptions {
  readonly markets: MarketLookup;
  readonly marketData: Pick<MarketDataStore, 'getTopOfBook' | 'getRecentClosedCandles'>;
  readonly venue: PaperVenueStore;
  readonly clock: Clock;
  /** Fixed slippage applied against us on taker fills, basis points. */
  readonly slippageBps: number;
  /** Taker fee, fraction of notional (0.001 = 10 bps). */
  readonly feeRate: DecimalLike;
  /** A top of book older than this (ms) is no price at all. */
  readonly maxBookAgeMs: number;
  /** Cash the paper account holds before any fill, e.g. { currency: 'USDT', amount: '10000' }. */
  readonly startingCash: { readonly currency: string; readonly amount: string };
  /** Maker fee on resting limit fills, fraction; default feeRate. */
  readonly makerFeeRate?: DecimalLike;
  /** Square-root market impact coefficient; default 0 (no size part). */
  readonly impactCoefficient?: number;
  /** At most this % of a candle's volume fills per candle; default no cap. */
  readonly maxVolumeParticipationPct?: number;
  /** Seed of the fill model's draws; default 1. */
  readonly seed?: number;
  /** Timeframe of the candles read for volume and limit matching; default '1m'. */
  readonly timeframe?: Timeframe;
  /** Size impact model; default 'sqrt' (impactCoefficient). */
  readonly impactModel?: ImpactModel;
  /** Almgren–Chriss γ, η and the candles σ is read from; required with impactModel 'almgren-chriss'. */
  readonly almgrenChriss?: AlmgrenChrissParams & { readonly volatilityCandles: number };
}

/** Most candles one read matches a resting order against; an order unread for longer skips the oldest. */
export const MAX_MATCH_CANDLES = 1000;

/** The options a policy sets (its paper section, timeframe, staleness limit and quote currency). */
export function paperOptionsFor(policy: Policy): Omit<PaperExchangeOptions, 'markets' | 'marketData' | 'venue' | 'clock'> {
  const p = policy.paper;
  return {
    slippageBps: p.slippageBps, feeRate: p.takerFeeBps / 10_000, makerFeeRate: p.makerFeeBps / 10_000,
    impactCoefficient: p.impactCoefficient, maxVolumeParticipationPct: p.maxVolumeParticipationPct, seed: p.seed,
    impactModel: policy.execution.impactModel, almgrenChriss: policy.execution.almgrenChriss,
    timeframe: policy.timeframe as Timeframe, maxBookAgeMs: policy.marketQuality.staleDataSeconds * 1000,
    startingCash: { currency: splitSymbol(policy.symbols[0]!).quote, amount: p.startingCash },
  };
}

/** Exchange order id of a paper order. */
export function paperOrderId(clientOrderId: string): string {
  return `paper-${clientOrderId}`;
}

/** Trade id of the n-th paper fill of an order: deterministic, so a fill can never be booked twice. */
export function paperTradeId(clientOrderId: string, n = 1): string {
  return `paper-${clientOrderId}-${n}`;
}

/** The paper Exchange (see the file header). */
export class PaperExchange implements Exchange {
  readonly id = 'paper';
  readonly #config: FillConfig;
  readonly #timeframe: Timeframe;

  constructor(private readonly o: PaperExchangeOptions) {
    if (!(o.slippageBps >= 0)) throw new RangeError(`slippageBps must be >= 0, got ${o.slippageBps}`);
    if (!(o.maxBookAgeMs > 0)) throw new RangeError(`maxBookAgeMs must be > 0, got ${o.maxBookAgeMs}`);
    if (!((o.impactCoefficient ?? 0) >= 0)) throw new RangeError(`impactCoefficient must be >= 0, got ${o.impactCoefficient}`);
    const pct = o.maxVolumeParticipationPct;
    if (pct !== undefined && !(pct > 0 && pct <= 100)) throw new RangeError(`maxVolumeParticipationPct must be in (0, 100], got ${pct}`);
    if (dec(o.feeRate).lt(0) || dec(o.makerFeeRate ?? o.feeRate).lt(0)) throw new RangeError('fee rates must be >= 0');
    this.#config = {
      slippageBps: o.slippageBps, impactCoefficient: o.impactCoefficient ?? 0, takerFeeRate: o.feeRate,
      makerFeeRate: o.makerFeeRate ?? o.feeRate, seed: o.seed ?? 1, ...(pct === undefined ? {} : { maxVolumeParticipationPct: pct }),
      ...(o.impactModel === 'almgren-chriss' ? { impactModel: o.impactModel, almgrenChriss: requireAc(o.almgrenChriss) } : {}),
    };
    this.#timeframe = o.timeframe ?? '1m';
  }

  /** The market's rules with this venue's fee rates, so the risk decision sizes and reserves for the fee it will be charged. */
  async loadMarket(symbol: string): Promise<MarketInfo> {
    return this.#market(symbol);
  }

  async placeOrder(request: OrderRequest): Promise<ExchangeOrder> {
    const market = this.#market(request.symbol);
    if (await this.o.venue.get(request.clientOrderId)) throw duplicate(request.clientOrderId);
    const now = this.o.clock.now();
    const book = await this.#freshBook(request.symbol, now);
    const { side, clientOrderId } = request;
    const limit = request.type === 'limit' ? limitPriceOf(request, market) : undefined;
    const slipped = marketFillPrice(side, book, this.o.slippageBps, market.priceStep);
    const rulePrice = !limit ? slipped : side === 'buy' ? Decimal.min(limit, slipped) : Decimal.max(limit, slipped);
    const violation = orderRuleViolation(market, request.quantity, rulePrice);
    if (violation) {
      const code = violation.rule.startsWith('MIN_') ? EXCHANGE_ERROR.belowMinimum : EXCHANGE_ERROR.invalidOrder;
      throw new ExchangeApiError(code, `paper ${request.symbol} ${clientOrderId}: ${violation.message}`, false);
    }
    const marketable = !limit || (side === 'buy' ? limit.gte(book.ask) : limit.lte(book.bid));
    const recent = marketable && needsVolume(this.#config) ? await this.#recentCandles(request.symbol, now) : undefined;
    const taken = marketable ? takeLiquidity({
      side, quantity: request.quantity, book, config: this.#config, market,
      ...(recent === undefined ? {} : recent), ...(limit ? { limitPrice: limit } : {}),
      ...(request.executedBefore === undefined ? {} : { executedBefore: request.executedBefore }),
    }) : undefined;
    const base: PaperOrder = {
      exchangeOrderId: paperOrderId(clientOrderId), clientOrderId, symbol: request.symbol, side, type: request.type,
      quantity: money(request.quantity), time: now, ...(limit ? { limitPrice: money(limit) } : {}),
      status: 'open', filledQuantity: '0', trades: [],
    };
    // A taker fill is the trade at the quote it takes, so it is timed at that quote (in a replay: the next candle's open).
    const order = withTrades(base, taken ? [toTrade(clientOrderId, 1, taken, book.time)] : [], limit ? 'open' : 'expired', now);
    await this.#checkFunds(order, market);
    if (!(await this.o.venue.create(order))) throw duplicate(request.clientOrderId);
    return publicView(order);
  }

  async fetchOrderByClientId(symbol: string, clientOrderId: string): Promise<ExchangeOrder | undefined> {
    const found = await this.o.venue.get(clientOrderId);
    return found && found.value.symbol === symbol ? publicView((await this.#advance(found)).value) : undefined;
  }

  async fetchOpenOrders(symbol?: string): Promise<ExchangeOrder[]> {
    const open = (await this.o.venue.list()).filter((o) => o.status === 'open' && (symbol === undefined || o.symbol === symbol));
    const out: ExchangeOrder[] = [];
    for (const o of open) {
      const found = await this.o.venue.get(o.clientOrderId);
      const current = found && (await this.#advance(found)).value;
      if (current?.status === 'open') out.push(publicView(current));
    }
    return out;
  }

  /** Cancels an open order after matching it up to now (fills in candles closed before the cancel stand). */
  async cancelOrder(symbol: string, clientOrderId: string): Promise<ExchangeOrder> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const found = await this.o.venue.get(clientOrderId);
      const current = found && found.value.symbol === symbol ? await this.#advance(found) : undefined;
      if (!current || current.value.status !== 'open') {
        const why = current ? `is ${current.value.status}` : 'does not exist';
        throw new ExchangeApiError(EXCHANGE_ERROR.orderNotFound, `paper cancel ${symbol} ${clientOrderId}: order ${why}`, false);
      }
      const { matchedFrom: _cursor, ...rest } = current.value;
      const canceled: PaperOrder = { ...rest, status: 'canceled' };
      if (await this.o.venue.update(canceled, current.version)) return publicView(canceled);
    }
    throw new ExchangeApiError(EXCHANGE_ERROR.operationFailed, `paper cancel ${clientOrderId}: order changed concurrently`, true);
  }

  async fetchBalances(): Promise<Balances> {
    await this.fetchOpenOrders();
    return paperBalances(this.o.startingCash, await this.o.venue.list());
  }

  #market(symbol: string): MarketInfo {
    const m = this.o.markets(symbol);
    return { ...m, takerFeeRate: dec(this.#config.takerFeeRate).toFixed(), makerFeeRate: dec(this.#config.makerFeeRate).toFixed() };
  }

  /** The latest closed candle's volume and, under Almgren–Chriss, σ of the volatilityCandles before it. */
  async #recentCandles(symbol: string, now: number): Promise<{ volume: number; volatility?: string }> {
    const lookback = isAlmgrenChriss(this.#config) ? this.o.almgrenChriss!.volatilityCandles : 0;
    const candles = await this.o.marketData.getRecentClosedCandles(symbol, this.#timeframe, now, lookback + 1);
    const candle = candles.at(-1);
    if (!candle) throw new ExchangeApiError(EXCHANGE_ERROR.noMarketPrice, `paper ${symbol}: no closed ${this.#timeframe} candle for the volume`, true);
    return lookback === 0 ? { volume: candle.volume } : { volume: candle.volume, volatility: recentVolatility(volatilityCloses(candles, lookback)).toFixed() };
  }

  /** Matches a resting limit order against the candles closed since its cursor and stores the result (conditional). */
  async #advance(found: Versioned<PaperOrder>): Promise<Versioned<PaperOrder>> {
    let current = found;
    for (let attempt = 0; attempt < 3; attempt++) {
      const next = await this.#matched(current.value);
      if (next === current.value) return current;
      if (await this.o.venue.update(next, current.version)) return { value: next, version: current.version + 1 };
      const again = await this.o.venue.get(current.value.clientOrderId);
      if (!again) return current;
      current = again;
    }
    throw new ExchangeApiError(EXCHANGE_ERROR.operationFailed, `paper ${found.value.clientOrderId}: order changed concurrently`, true);
  }

  async #matched(o: PaperOrder): Promise<PaperOrder> {
    if (o.status !== 'open' || o.limitPrice === undefined) return o;
    const tf = timeframeMs(this.#timeframe);
    const now = this.o.clock.now();
    const from = o.matchedFrom ?? o.time;
    if (now - tf < from) return o;
    const count = Math.min(MAX_MATCH_CANDLES, Math.floor((now - tf - from) / tf) + 1);
    const candles = (await this.o.marketData.getRecentClosedCandles(o.symbol, this.#timeframe, now, count)).filter((c) => c.openTime >= from);
    if (candles.length === 0) return o;
    const market = this.#market(o.symbol);
    const trades = [...o.trades];
    let remaining = dec(o.quantity).sub(o.filledQuantity);
    let cursor = from;
    for (const candle of candles) {
      if (remaining.lte(0)) break;
      const f = matchLimitOrder({
        side: o.side, limitPrice: o.limitPrice, remaining, candle, key: o.clientOrderId, config: this.#config, market,
      });
      if (f) {
        trades.push(toTrade(o.clientOrderId, trades.length + 1, f, closeTime(candle)));
        remaining = remaining.sub(f.quantity);
      }
      cursor = closeTime(candle);
    }
    return withTrades(o, trades, 'open', cursor);
  }

  async #freshBook(symbol: string, now: number): Promise<TopOfBook> {
    const book = await this.o.marketData.getTopOfBook(symbol);
    const problem = !book ? 'no top of book'
      : now - book.time > this.o.maxBookAgeMs ? `top of book is ${now - book.time} ms old (max ${this.o.maxBookAgeMs})`
        : !(dec(book.bid).gt(0) && dec(book.ask).gt(0)) ? `top of book has no bid/ask (${book.bid}/${book.ask})`
          : undefined;
    if (problem || !book) throw new ExchangeApiError(EXCHANGE_ERROR.noMarketPrice, `paper ${symbol}: ${problem}`, true);
    return book;
  }

  async #checkFunds(order: PaperOrder, market: MarketInfo): Promise<void> {
    const balances = await this.fetchBalances();
    const free = (currency: string) => dec(balances[currency]?.free ?? '0');
    const open = order.status === 'open' ? dec(order.quantity).sub(order.filledQuantity) : ZERO;
    const needed = order.side === 'sell' ? dec(order.quantity)
      : sumTrades(order.trades, (t) => dec(t.price).mul(t.quantity).add(t.fee)).add(open.mul(order.limitPrice ?? '0'));
    const currency = order.side === 'sell' ? market.base : market.quote;
    if (needed.gt(free(currency))) {
      throw new ExchangeApiError(EXCHANGE_ERROR.insufficientFunds,
        `paper ${order.symbol} ${order.clientOrderId}: needs ${money(needed)} ${currency}, free ${money(free(currency))}`, false);
    }
  }
}

function toTrade(clientOrderId: string, n: number, f: SimulatedFill, time: number): ExchangeTrade {
  return {
    tradeId: paperTradeId(clientOrderId, n), price: money(f.price), quantity: money(f.quantity), fee: money(f.fee),
    feeCurrency: f.feeCurrency, liquidity: f.liquidity, time,
  };
}

function limitPriceOf(request: OrderRequest, market: MarketInfo): Decimal {
  const limit = request.limitPrice === undefined ? undefined : dec(request.limitPrice);
  if (!limit || limit.lte(0) || !limit.mod(market.priceStep).isZero()) {
    throw new ExchangeApiError(EXCHANGE_ERROR.invalidOrder,
      `paper ${request.symbol} ${request.clientOrderId}: limit price ${request.limitPrice ?? '(none)'} is not a positive multiple of ${market.priceStep}`, false);
  }
  return limit;
}

function requireAc(ac: PaperExchangeOptions['almgrenChriss']): AlmgrenChrissParams {
  if (!ac || !(ac.permanentGamma >= 0 && ac.temporaryEta >= 0 && ac.volatilityCandles >= 2)) throw new RangeError('almgren-chriss needs γ, η >= 0 and volatilityCandles >= 2');
  return { permanentGamma: ac.permanentGamma, temporaryEta: ac.temporaryEta };
}

function duplicate(clientOrderId: string): ExchangeApiError {
  return new ExchangeApiError(EXCHANGE_ERROR.duplicateOrder, `paper order with client id ${clientOrderId} already exists`, false);
}
