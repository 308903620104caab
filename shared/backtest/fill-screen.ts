import type { Side } from '../domain/intent.js';
import { marketFillPrice, takeLiquidity, takerFee, type SimulatedFill, type TakeInput } from '../domain/fill-model.js';
import { Decimal, dec } from '../domain/money.js';

/**
 * The paper fill model's market-order price (fill-model.ts) for the backtest, with a float screen in front of
 * the decimal chain: the slipped price before its rounding to the tick, in float64, divided by the tick. When
 * that quotient is farther from a whole number than float error could reach (relative TICK_MARGIN, ~10⁴ × the
 * few ulps of the float chain, which in turn is far above the decimal chain's 40-digit rounding), the tick the
 * decimal code lands on is certain, and the price is built from it: the same Decimal value, without the
 * 40-digit divisions and square root (~40 µs a fill). Anything else — a quotient near a tick, a binding
 * participation cap, a limit, an input the model would refuse — runs the model itself, so the answer is
 * always the model's (tests/unit/backtest/fill-screen.test.ts).
 */

/** Relative distance from a whole number of ticks below which the screen defers to the decimal model. */
export const TICK_MARGIN = 1e-11;

/** Largest tick count the screen handles (integers stay exact in float64 far beyond it). */
const MAX_TICKS = 2 ** 50;

/** takeLiquidity(input), the same fill (or undefined), computed without the decimal slippage chain when the screen is certain. */
export function screenedTakeLiquidity(input: TakeInput): SimulatedFill | undefined {
  const { config, market, side } = input;
  if (input.limitPrice !== undefined || config.impactModel !== undefined || !(config.slippageBps >= 0) || !(config.impactCoefficient >= 0)) return takeLiquidity(input);
  const wanted = dec(input.quantity);
  const q = wanted.toNumber();
  const v = input.volume === undefined ? Number.NaN : Number(input.volume);
  const needsVolume = config.impactCoefficient > 0 || config.maxVolumeParticipationPct !== undefined;
  if (!(q > 0) || (needsVolume && !(v > 0 && Number.isFinite(v)))) return takeLiquidity(input);
  const pct = config.maxVolumeParticipationPct;
  if (pct !== undefined) {
    // The cap floors v × pct / 100 to the amount step, so it is ≥ that minus one step: clearly above the wanted quantity, it cannot bind.
    const step = Number(market.amountStep);
    if (!(pct > 0 && pct <= 100 && step >= 0) || !((q + step) * (1 + TICK_MARGIN) < ((v * pct) / 100) * (1 - TICK_MARGIN))) return takeLiquidity(input);
  }
  const slip = config.slippageBps / 10_000 + (config.impactCoefficient === 0 ? 0 : config.impactCoefficient * Math.sqrt(q / v));
  const price = screenedPrice(side, side === 'buy' ? input.book.ask : input.book.bid, slip, market.priceStep);
  if (price === undefined) return takeLiquidity(input);
  return { price, quantity: wanted, fee: takerFee(price.mul(wanted), config.takerFeeRate), feeCurrency: market.quote, liquidity: 'taker' };
}

/** marketFillPrice(side, book, slippageBps, priceStep), the same Decimal, from the screen when it is certain. */
export function screenedMarketFillPrice(side: Side, book: TakeInput['book'], slippageBps: number, priceStep: string): Decimal {
  const price = Number.isFinite(slippageBps) && slippageBps >= 0
    ? screenedPrice(side, side === 'buy' ? book.ask : book.bid, slippageBps / 10_000, priceStep)
    : undefined;
  return price ?? marketFillPrice(side, book, slippageBps, priceStep);
}

/**
 * The tick-rounded slipped price (buy: quote × (1 + slip) rounded up; sell: × (1 − slip) rounded down) when the
 * float quotient by the tick is clearly off a whole number; undefined when it is not certain (or not computable).
 */
function screenedPrice(side: Side, quote: TakeInput['book']['ask'], slip: number, priceStep: string): Decimal | undefined {
  const p = Number(quote);
  const tick = tickOf(priceStep);
  const step = tick.value;
  if (!(p > 0) || !(step > 0) || !(slip >= 0) || !(slip < 1)) return undefined;
  const ticks = (p * (side === 'buy' ? 1 + slip : 1 - slip)) / step;
  if (!(ticks < MAX_TICKS)) return undefined;
  const whole = Math.round(ticks);
  if (!(Math.abs(ticks - whole) > ticks * TICK_MARGIN)) return undefined;
  const k = side === 'buy' ? Math.ceil(ticks) : Math.floor(ticks);
  return k >= 1 ? new Decimal(k).mul(tick.decimal) : undefined;
}

/** A price step as a float and a Decimal, parsed once per step string. */
const ticks = new Map<string, { readonly value: number; readonly decimal: Decimal }>();

function tickOf(priceStep: string): { readonly value: number; readonly decimal: Decimal } {
  let tick = ticks.get(priceStep);
  if (!tick) {
    tick = { value: Number(priceStep), decimal: new Decimal(Number.isFinite(Number(priceStep)) ? priceStep : 0) };
    ticks.set(priceStep, tick);
  }
  return tick;
}
