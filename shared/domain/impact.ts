/**
 * Almgren–Chriss market impact (Almgren & Chriss 2000, linear form; σ scaling as in Almgren et al. 2005), the
 * alternative to the fill model's square-root impact (policy execution.impactModel). For one taker fill of x base
 * units, X the parent order's quantity executed through this fill (earlier children's fills + x; x for an order
 * that is not sliced), V the base volume of the latest closed candle (the market's volume per candle, τ = one
 * candle) and σ the volatility of recent candles (recentVolatility), the price moves against us by the fraction
 *   impact = permanent + temporary = γ · σ · X / V  +  η · σ · (x / τ) / V
 * γ (permanentGamma) and η (temporaryEta) are dimensionless; the fill pays the permanent shift its parent's earlier
 * children left behind as well as its own. Computed in decimal.js; the price is then rounded to the tick against us.
 */
import { dec, type Decimal, type DecimalLike } from './money.js';

/** Which size-dependent impact the paper fill model applies. */
export type ImpactModel = 'sqrt' | 'almgren-chriss';

/** Almgren–Chriss coefficients (policy execution.almgrenChriss). */
export interface AlmgrenChrissParams {
  /** Permanent impact γ: the price shift per unit of participation X / V, in σ. */
  readonly permanentGamma: number;
  /** Temporary impact η: the cost per unit of trading rate (x / τ) / V, in σ. */
  readonly temporaryEta: number;
}

/** What one Almgren–Chriss impact needs; quantities in base units. */
export interface AlmgrenChrissInput {
  readonly params: AlmgrenChrissParams;
  /** σ, a fraction (recentVolatility). */
  readonly volatility: DecimalLike;
  /** x: this fill's quantity. */
  readonly quantity: DecimalLike;
  /** Quantity the same parent executed before this fill (0 for an order that is not sliced). */
  readonly executedBefore?: DecimalLike;
  /** V: base volume of the latest closed candle. */
  readonly volume: DecimalLike;
}

/** Significant digits σ keeps when it leaves float maths (it is a statistic of float closes, like an indicator). */
export const VOLATILITY_DIGITS = 12;

/**
 * σ: the sample standard deviation of the log close-to-close returns of `closes` (oldest first), a fraction per
 * candle, as a Decimal of VOLATILITY_DIGITS significant digits; 0 with fewer than two returns. Float maths (an
 * indicator), so the backtest and the paper venue get the same σ from the same candles.
 */
export function recentVolatility(closes: readonly number[]): Decimal {
  const n = closes.length - 1;
  if (n < 2) return dec(0);
  let mean = 0;
  const r: number[] = [];
  for (let i = 1; i <= n; i++) {
    const x = Math.log(closes[i]! / closes[i - 1]!);
    if (!Number.isFinite(x)) throw new RangeError(`closes must be positive, got ${closes[i - 1]} → ${closes[i]}`);
    r.push(x);
    mean += x;
  }
  mean /= n;
  let ss = 0;
  for (const x of r) ss += (x - mean) ** 2;
  return dec(Math.sqrt(ss / (n - 1)).toPrecision(VOLATILITY_DIGITS));
}

/** γ·σ·X/V + η·σ·x/V (see the file header), a fraction of price; throws on a negative parameter or a non-positive volume. */
export function almgrenChrissFraction(input: AlmgrenChrissInput): Decimal {
  const { permanentGamma: g, temporaryEta: e } = input.params;
  if (!(g >= 0) || !(e >= 0)) throw new RangeError(`Almgren–Chriss γ and η must be >= 0, got ${g}, ${e}`);
  const sigma = dec(input.volatility);
  const v = dec(input.volume);
  if (sigma.lt(0)) throw new RangeError(`volatility must be >= 0, got ${sigma.toFixed()}`);
  if (v.lte(0)) throw new RangeError(`volume must be positive, got ${v.toFixed()}`);
  const x = dec(input.quantity);
  const executed = dec(input.executedBefore ?? 0).add(x);
  return sigma.mul(dec(g).mul(executed).add(dec(e).mul(x))).div(v);
}

/** Closes the impact model reads for σ: the last `candles` + 1 (so `candles` returns), oldest first. */
export function volatilityCloses(candles: readonly { readonly close: number }[], lookback: number): number[] {
  return candles.slice(-(lookback + 1)).map((c) => c.close);
}
