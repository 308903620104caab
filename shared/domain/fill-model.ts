/**
 * The paper fill model: how an order fills against market data. Pure (no store, no clock), so the paper
 * exchange and the backtester fill identically from the same book and candles.
 *
 * Market (taker) orders fill at the next available price, the book's ask (buy) or bid (sell): in the
 * embedded replay and the backtest that is the next candle's open. The price moves against us by
 *   slip = slippageBps / 10 000 + impactCoefficient × sqrt(filled quantity / candle volume)
 * (a fraction of price; quantity and volume in base units, the volume of the latest closed candle),
 * then is rounded to the tick against us. With impactModel 'almgren-chriss' the size part is instead
 * γ·σ·X/V + η·σ·x/V (shared/domain/impact.ts: σ of recent candles, X the parent's executed quantity). At most maxVolumeParticipationPct % of that volume fills;
 * the rest of a market order expires (immediate-or-cancel).
 * Limit orders rest and fill only on a candle that trades THROUGH the limit (buy: low < limit; sell:
 * high > limit), at the limit, as maker, up to the participation cap × a queue share u ∈ [0.5, 1)
 * drawn from paperRandom(seed, client order id, candle open time).
 */
import { createHash } from 'node:crypto';
import type { Candle } from './candle.js';
import type { Side } from './intent.js';
import type { MarketInfo } from './market.js';
import { Decimal, dec, floorToStep, type DecimalLike } from './money.js';
import { almgrenChrissFraction, type AlmgrenChrissParams, type ImpactModel } from './impact.js';

/** Decimal places fees are rounded to (half-even), like exchange commission figures. */
export const FEE_DECIMALS = 8;

/** The model's parameters (the policy's paper section). */
export interface FillConfig {
  /** Fixed slippage against us on taker fills, basis points. */
  readonly slippageBps: number;
  /** Square-root impact coefficient (0 = no size part). */
  readonly impactCoefficient: number;
  /** Share of a candle's volume one order may fill per candle, %; undefined = no cap. */
  readonly maxVolumeParticipationPct?: number;
  /** Fee rates as fractions of notional (0.001 = 10 bps). */
  readonly takerFeeRate: DecimalLike;
  readonly makerFeeRate: DecimalLike;
  /** Seed of paperRandom. */
  readonly seed: number;
  /** Size-dependent impact: 'sqrt' (impactCoefficient; the default) or 'almgren-chriss' (almgrenChriss, needs a volatility). */
  readonly impactModel?: ImpactModel;
  /** Almgren–Chriss γ and η; required when impactModel is 'almgren-chriss'. */
  readonly almgrenChriss?: AlmgrenChrissParams;
}

/** One simulated execution. The fee is charged in the market's quote currency. */
export interface SimulatedFill {
  readonly price: Decimal;
  readonly quantity: Decimal;
  readonly fee: Decimal;
  readonly feeCurrency: string;
  readonly liquidity: 'maker' | 'taker';
}

/** What a taker fill needs: the book now and the volume of the latest closed candle. */
export interface TakeInput {
  readonly side: Side;
  /** Base quantity wanted, a multiple of market.amountStep. */
  readonly quantity: DecimalLike;
  readonly book: { readonly bid: DecimalLike; readonly ask: DecimalLike };
  /** Base volume of the latest closed candle; required when impact or a participation cap is configured. */
  readonly volume?: DecimalLike;
  /** A marketable limit order: never fill at a worse price than this. */
  readonly limitPrice?: DecimalLike;
  readonly config: FillConfig;
  readonly market: MarketInfo;
  /** σ of recent candles (impact.ts recentVolatility); required under impactModel 'almgren-chriss'. */
  readonly volatility?: DecimalLike;
  /** Quantity the order's parent executed before this fill (a sliced order's earlier children); default 0. */
  readonly executedBefore?: DecimalLike;
}

/** True when the configured model needs the latest candle's volume (size impact or a participation cap). */
export function needsVolume(config: FillConfig): boolean {
  return isAlmgrenChriss(config) || config.impactCoefficient > 0 || config.maxVolumeParticipationPct !== undefined;
}

/** True when the size part is Almgren–Chriss (it then also needs a volatility). */
export function isAlmgrenChriss(config: FillConfig): boolean {
  return config.impactModel === 'almgren-chriss';
}

/** Rounds up to a multiple of step (a buy price rounded against us). */
export function ceilToStep(value: DecimalLike, step: DecimalLike): Decimal {
  const s = dec(step);
  if (s.lte(0)) return dec(value);
  return dec(value).div(s).ceil().mul(s);
}

/** Ask × (1 + slip) rounded up for buys, bid × (1 − slip) rounded down for sells; slip is a fraction. */
export function slippedPrice(side: Side, book: TakeInput['book'], slip: DecimalLike, priceStep: string): Decimal {
  const s = dec(slip);
  if (s.lt(0)) throw new RangeError(`slippage must be >= 0, got ${s.toFixed()}`);
  if (side === 'buy') return ceilToStep(positive(book.ask, 'ask').mul(s.add(1)), priceStep);
  return floorToStep(positive(book.bid, 'bid').mul(dec(1).sub(s)), priceStep);
}

/** slippedPrice with a fixed slippage in basis points (no size part). */
export function marketFillPrice(side: Side, book: TakeInput['book'], slippageBps: number, priceStep: string): Decimal {
  if (!Number.isFinite(slippageBps) || slippageBps < 0) throw new RangeError(`slippageBps must be >= 0, got ${slippageBps}`);
  return slippedPrice(side, book, dec(slippageBps).div(10_000), priceStep);
}

/**
 * slippageBps / 10 000 + impactCoefficient × sqrt(quantity / volume), a fraction of price; under impactModel
 * 'almgren-chriss' the size part is almgrenChrissFraction (`ac` gives σ and the parent's executed quantity).
 */
export function slippageFraction(
  config: FillConfig, quantity: DecimalLike, volume?: DecimalLike, ac: Pick<TakeInput, 'volatility' | 'executedBefore'> = {},
): Decimal {
  if (!(config.slippageBps >= 0)) throw new RangeError(`slippageBps must be >= 0, got ${config.slippageBps}`);
  if (!(config.impactCoefficient >= 0)) throw new RangeError(`impactCoefficient must be >= 0, got ${config.impactCoefficient}`);
  const fixed = dec(config.slippageBps).div(10_000);
  if (isAlmgrenChriss(config)) {
    if (!config.almgrenChriss) throw new RangeError('impactModel almgren-chriss needs almgrenChriss parameters');
    if (ac.volatility === undefined) throw new RangeError('a recent volatility is needed for Almgren–Chriss impact');
    const impact = almgrenChrissFraction({
      params: config.almgrenChriss, volatility: ac.volatility, quantity, volume: positive(requireVolume(volume), 'volume'),
      ...(ac.executedBefore === undefined ? {} : { executedBefore: ac.executedBefore }),
    });
    return fixed.add(impact);
  }
  if (config.impactCoefficient === 0) return fixed;
  const v = positive(requireVolume(volume), 'volume');
  return fixed.add(dec(config.impactCoefficient).mul(dec(quantity).div(v).sqrt()));
}

/** Most base quantity one order may fill in a candle of `volume`, floored to the step; undefined = no cap. */
export function participationCap(config: FillConfig, volume: DecimalLike | undefined, amountStep: string, share: DecimalLike = 1): Decimal | undefined {
  const pct = config.maxVolumeParticipationPct;
  if (pct === undefined) return undefined;
  if (!(pct > 0 && pct <= 100)) throw new RangeError(`maxVolumeParticipationPct must be in (0, 100], got ${pct}`);
  const v = dec(requireVolume(volume));
  return floorToStep(Decimal.max(v, 0).mul(pct).div(100).mul(share), amountStep);
}

/** Fee on a notional, in quote, rounded half-even to FEE_DECIMALS places. */
export function takerFee(notional: DecimalLike, feeRate: DecimalLike): Decimal {
  const rate = dec(feeRate);
  if (rate.lt(0)) throw new RangeError(`fee rate must be >= 0, got ${rate.toFixed()}`);
  return dec(notional).mul(rate).toDecimalPlaces(FEE_DECIMALS, Decimal.ROUND_HALF_EVEN);
}

/**
 * A taker fill: up to the participation cap, at the slipped book price (no worse than limitPrice), taker
 * fee. Undefined when nothing can fill (the cap rounds to zero).
 */
export function takeLiquidity(input: TakeInput): SimulatedFill | undefined {
  const wanted = positive(input.quantity, 'quantity');
  const cap = participationCap(input.config, input.volume, input.market.amountStep);
  const quantity = cap === undefined ? wanted : Decimal.min(wanted, cap);
  if (quantity.lte(0)) return undefined;
  let price = slippedPrice(input.side, input.book, slippageFraction(input.config, quantity, input.volume, input), input.market.priceStep);
  if (input.limitPrice !== undefined) price = input.side === 'buy' ? Decimal.min(price, input.limitPrice) : Decimal.max(price, input.limitPrice);
  if (price.lte(0)) throw new RangeError(`fill price for ${input.market.symbol} rounds to ${price.toFixed()}`);
  return fill(price, quantity, input.config.takerFeeRate, input.market, 'taker');
}

/** What the v1 model needs to fill one market order: no volume, a fixed slippage and one fee rate. */
export type MarketFillInput = Omit<TakeInput, 'config' | 'volume' | 'limitPrice'> & { readonly slippageBps: number; readonly feeRate: DecimalLike };

/** Fills a whole market order at once with fixed slippage (no size part, no cap): the v1 model. */
export function fillMarketOrder(input: MarketFillInput): SimulatedFill {
  const config: FillConfig = { slippageBps: input.slippageBps, impactCoefficient: 0, takerFeeRate: input.feeRate, makerFeeRate: input.feeRate, seed: 0 };
  return takeLiquidity({ ...input, config })!;
}

/** What matching a resting limit order against one closed candle needs. */
export interface LimitMatchInput {
  readonly side: Side;
  readonly limitPrice: DecimalLike;
  /** Quantity still open, a multiple of market.amountStep. */
  readonly remaining: DecimalLike;
  readonly candle: Pick<Candle, 'openTime' | 'high' | 'low' | 'volume'>;
  /** The order's client order id: keys the queue-share draw. */
  readonly key: string;
  readonly config: FillConfig;
  readonly market: MarketInfo;
}

/** A maker fill at the limit when the candle traded through it, up to cap × queue share; else undefined. */
export function matchLimitOrder(input: LimitMatchInput): SimulatedFill | undefined {
  const limit = positive(input.limitPrice, 'limit price');
  const remaining = dec(input.remaining);
  const through = input.side === 'buy' ? dec(input.candle.low).lt(limit) : dec(input.candle.high).gt(limit);
  if (!through || remaining.lte(0)) return undefined;
  const share = dec(paperRandom(input.config.seed, input.key, input.candle.openTime)).div(2).add('0.5');
  const cap = participationCap(input.config, input.candle.volume, input.market.amountStep, share);
  const quantity = cap === undefined ? remaining : Decimal.min(remaining, cap);
  return quantity.gt(0) ? fill(limit, quantity, input.config.makerFeeRate, input.market, 'maker') : undefined;
}

/**
 * Deterministic uniform draw in [0, 1) for (seed, key, n): the first 32 bits of SHA-256 over them. A
 * counter-based generator, so the draw for a candle does not depend on when or how often it is matched.
 */
export function paperRandom(seed: number, key: string, n: number): number {
  return parseInt(createHash('sha256').update(`${seed}|${key}|${n}`).digest('hex').slice(0, 8), 16) / 2 ** 32;
}

/** The limit price for a decision price: buy offsetBps below (floored to the tick), sell above (ceiled). */
export function limitPriceFor(side: Side, referencePrice: DecimalLike, offsetBps: number, priceStep: string): Decimal {
  if (!(offsetBps >= 0)) throw new RangeError(`limitOffsetBps must be >= 0, got ${offsetBps}`);
  const off = dec(offsetBps).div(10_000);
  const ref = positive(referencePrice, 'reference price');
  const price = side === 'buy' ? floorToStep(ref.mul(dec(1).sub(off)), priceStep) : ceilToStep(ref.mul(off.add(1)), priceStep);
  return positive(price, 'limit price');
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

/**
 * Dust: a holding no sell order can ever take, because its step-floored quantity is zero or fails the
 * exchange's minimum amount (or, when a price is given, its minimum notional at that price). Returns the
 * whole holding when it is dust, else undefined (a sellable holding keeps its sub-step remainder until
 * the last sale leaves it as dust).
 */
export function dustOf(market: MarketInfo, quantity: DecimalLike, price?: DecimalLike): Decimal | undefined {
  const q = dec(quantity);
  if (q.lte(0)) return undefined;
  const sellable = floorToStep(q, market.amountStep);
  if (sellable.isZero() || sellable.lt(market.minAmount)) return q;
  return price !== undefined && sellable.mul(dec(price)).lt(market.minNotional) ? q : undefined;
}

function fill(price: Decimal, quantity: Decimal, feeRate: DecimalLike, market: MarketInfo, liquidity: 'maker' | 'taker'): SimulatedFill {
  return { price, quantity, fee: takerFee(price.mul(quantity), feeRate), feeCurrency: market.quote, liquidity };
}

function requireVolume(volume: DecimalLike | undefined): DecimalLike {
  if (volume === undefined) throw new RangeError('a candle volume is needed for market impact and the participation cap');
  return volume;
}

function positive(value: DecimalLike, what: string): Decimal {
  const d = dec(value);
  if (d.lte(0)) throw new RangeError(`${what} must be positive, got ${d.toFixed()}`);
  return d;
}
