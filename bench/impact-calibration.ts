/**
 * Calibrates the Almgren–Chriss impact defaults (policy execution.almgrenChriss) on the shipped replay data
 * (shared/local/data, Binance spot 1m candles) and prints the calibration. Figures are printed, never asserted.
 *
 * How to run (from the repository root):  npx tsx bench/impact-calibration.ts [--data shared/local/data] [--lookback 60]
 *
 * The model (shared/domain/impact.ts) moves a fill's price by γ·σ·X/V + η·σ·x/V: σ the standard deviation of the
 * last `lookback` 1m log returns, V the latest closed candle's volume. OHLCV carries no trade signs, so:
 * 1. Total impact k (σ per unit of participation): the slope of the OLS fit of |r_t| / σ_t on V_t / V_{t−1}
 *    (how many σ a candle moves per candle-volume of extra flow, the volume–volatility relation), σ_t and the
 *    volume ratio from candles closed before t (no lookahead).
 * 2. Permanent share φ: how much of a one-candle move is still there `horizon` candles later, 1 + Σ ρ_j
 *    (the cumulative autocorrelation of 1m returns, j = 1..horizon), clamped to [0, 1]; temporary impact reverts.
 * 3. γ = φ·k, η = (1 − φ)·k per symbol; the defaults are the medians over the symbols, rounded to 2 decimals.
 * This is an estimate from bars, not a trade-level calibration; LIVE users should refit on their own fills.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { readCandleFile } from '../shared/local/candle-files.js';
import { recentVolatility } from '../shared/domain/impact.js';

const { values } = parseArgs({ options: { data: { type: 'string' }, lookback: { type: 'string' }, horizon: { type: 'string' } } });
const dir = path.resolve(values.data ?? path.join(import.meta.dirname, '..', 'shared', 'local', 'data'));
const LOOKBACK = Number(values.lookback ?? 60);
const HORIZON = Number(values.horizon ?? 10);

/** Slope and intercept of the ordinary least squares fit y = a + b·x. */
function ols(xs: readonly number[], ys: readonly number[]): { a: number; b: number; r2: number } {
  const n = xs.length;
  const mx = xs.reduce((s, x) => s + x, 0) / n;
  const my = ys.reduce((s, y) => s + y, 0) / n;
  let sxy = 0; let sxx = 0; let syy = 0;
  for (let i = 0; i < n; i++) { sxy += (xs[i]! - mx) * (ys[i]! - my); sxx += (xs[i]! - mx) ** 2; syy += (ys[i]! - my) ** 2; }
  const b = sxy / sxx;
  return { a: my - b * mx, b, r2: (sxy * sxy) / (sxx * syy) };
}

function autocorrelation(r: readonly number[], lag: number): number {
  const m = r.reduce((s, x) => s + x, 0) / r.length;
  let num = 0; let den = 0;
  for (let i = 0; i < r.length; i++) { den += (r[i]! - m) ** 2; if (i >= lag) num += (r[i]! - m) * (r[i - lag]! - m); }
  return num / den;
}

const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2; };

const files = (await readdir(dir)).filter((f) => /_1m\.csv\.gz$/.test(f)).sort();
if (files.length === 0) throw new Error(`no 1m candle files in ${dir}`);
console.log(`Almgren–Chriss calibration on ${dir} (σ over ${LOOKBACK} candles, persistence over ${HORIZON})\n`);
console.log('symbol          candles   σ (1m)     median V    k (σ/part.)  R²     φ (perm.)  γ        η');
const gammas: number[] = [];
const etas: number[] = [];
for (const file of files) {
  const candles = await readCandleFile(path.join(dir, file));
  const closes = candles.map((c) => c.close);
  const returns = closes.slice(1).map((c, i) => Math.log(c / closes[i]!));
  const xs: number[] = [];
  const ys: number[] = [];
  for (let t = LOOKBACK + 1; t < candles.length; t++) {
    const sigma = recentVolatility(closes.slice(t - LOOKBACK - 1, t)).toNumber();
    const prev = candles[t - 1]!.volume;
    if (!(sigma > 0 && prev > 0)) continue;
    xs.push(candles[t]!.volume / prev);
    ys.push(Math.abs(returns[t - 1]!) / sigma);
  }
  const fit = ols(xs, ys);
  let phi = 1;
  for (let j = 1; j <= HORIZON; j++) phi += autocorrelation(returns, j);
  const share = Math.min(1, Math.max(0, phi));
  const k = Math.max(0, fit.b);
  gammas.push(share * k);
  etas.push((1 - share) * k);
  const name = file.replace(/^binance_|_1m\.csv\.gz$/g, '');
  console.log(`${name.padEnd(15)} ${String(candles.length).padStart(7)}   ${recentVolatility(closes).toNumber().toExponential(3).padEnd(10)} `
    + `${median(candles.map((c) => c.volume)).toFixed(3).padStart(10)}  ${k.toFixed(4).padStart(11)}  ${fit.r2.toFixed(3)}  `
    + `${phi.toFixed(3).padStart(9)}  ${(share * k).toFixed(4).padEnd(7)}  ${((1 - share) * k).toFixed(4)}`);
}
const round2 = (x: number) => Math.round(x * 100) / 100;
console.log(`\ndefaults (medians over ${files.length} symbols): permanentGamma ${round2(median(gammas))}, temporaryEta ${round2(median(etas))}, volatilityCandles ${LOOKBACK}`);
