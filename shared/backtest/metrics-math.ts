import { Decimal, dec } from '../domain/money.js';

/** Milliseconds in one UTC day. */
export const DAY_MS = 86_400_000;

/** Finite number or null: the single place a Decimal ratio leaves decimal land, so NaN/Infinity never escape. */
export function toRatio(value: Decimal | null): number | null {
  if (value === null || !value.isFinite()) return null;
  const n = value.toNumber();
  return Number.isFinite(n) ? n : null;
}

/** a / b, or null when b is zero. */
export function safeDiv(a: Decimal, b: Decimal): Decimal | null {
  return b.isZero() ? null : a.div(b);
}

/** Arithmetic mean, or null for an empty list. */
export function mean(values: readonly Decimal[]): Decimal | null {
  if (values.length === 0) return null;
  return values.reduce((acc, v) => acc.add(v), new Decimal(0)).div(values.length);
}

/** Sample standard deviation (n − 1 denominator), or null with fewer than two values. */
export function sampleStdev(values: readonly Decimal[]): Decimal | null {
  const m = mean(values);
  if (m === null || values.length < 2) return null;
  const ss = values.reduce((acc, v) => acc.add(v.sub(m).pow(2)), new Decimal(0));
  return ss.div(values.length - 1).sqrt();
}

/** Percent form of a ratio: r × 100. */
export function pct(ratio: Decimal | null): number | null {
  return ratio === null ? null : toRatio(ratio.mul(100));
}

/** Parses a decimal string, throwing RangeError on garbage (delegates to dec). */
export function d(value: string): Decimal {
  return dec(value);
}

/** UTC civil date (year, month 1-12, day) of an epoch-ms instant; pure, no Date object (Hinnant's algorithm). */
export function civil(ms: number): { y: number; m: number; d: number } {
  const z = Math.floor(ms / DAY_MS) + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return { y: yoe + era * 400 + (m <= 2 ? 1 : 0), m, d: day };
}

const pad = (n: number, w: number): string => String(n).padStart(w, '0');

/** UTC day key YYYY-MM-DD of an epoch-ms instant. */
export function dayKey(ms: number): string {
  const c = civil(ms);
  return `${pad(c.y, 4)}-${pad(c.m, 2)}-${pad(c.d, 2)}`;
}

/** UTC month key YYYY-MM of an epoch-ms instant. */
export function monthKey(ms: number): string {
  const c = civil(ms);
  return `${pad(c.y, 4)}-${pad(c.m, 2)}`;
}
