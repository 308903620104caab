import { dec } from '../../domain/money.js';

const DASH = '—';

/** A decimal string rounded half-even to `dp` places with thousands separators; '—' for null/undefined/unparsable. */
export function fmtMoney(value: string | number | null | undefined, dp = 2): string {
  if (value === null || value === undefined || value === '') return DASH;
  let fixed: string;
  try { fixed = dec(value).toFixed(dp); } catch { return DASH; }
  const [int, frac] = fixed.split('.');
  const grouped = int!.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return frac === undefined ? grouped : `${grouped}.${frac}`;
}

/** A plain number with `dp` places; '—' for null/undefined/non-finite. */
export function fmtNum(value: number | null | undefined, dp = 2): string {
  return value === null || value === undefined || !Number.isFinite(value) ? DASH : value.toFixed(dp);
}

/** A percentage (already ×100) with a % sign; '—' when absent. */
export function fmtPct(value: number | null | undefined, dp = 2): string {
  const n = fmtNum(value, dp);
  return n === DASH ? n : `${n} %`;
}

/** Epoch ms as `YYYY-MM-DD HH:MM` UTC ('YYYY-MM-DD' when `dateOnly`); '—' when absent. */
export function fmtTime(ms: number | null | undefined, dateOnly = false): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return DASH;
  const iso = new Date(ms).toISOString();
  return dateOnly ? iso.slice(0, 10) : `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
}

/** A duration in ms as its two largest units (`3d 4h`, `5h 12m`, `45m`, `12s`); '—' when absent. */
export function fmtDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return DASH;
  const s = Math.round(Math.abs(ms) / 1000);
  const units: [number, string][] = [[Math.floor(s / 86_400), 'd'], [Math.floor(s / 3600) % 24, 'h'], [Math.floor(s / 60) % 60, 'm'], [s % 60, 's']];
  const first = units.findIndex(([n]) => n > 0);
  if (first < 0) return '0s';
  return units.slice(first, first + 2).filter(([n], i) => i === 0 || n > 0).map(([n, u]) => `${n}${u}`).join(' ');
}

/** CSS class for a signed value: 'pos', 'neg' or '' (zero/absent). */
export function signClass(value: string | number | null | undefined): string {
  if (value === null || value === undefined || value === '') return '';
  const n = Number(value);
  return n > 0 ? 'pos' : n < 0 ? 'neg' : '';
}
