import type { Ledger, PeriodMark } from './ledger.js';
import { Decimal, ZERO } from './money.js';

const DAY_MS = 86_400_000;
/** 1970-01-01 was a Thursday: days since the epoch + 3, mod 7, counts days since Monday. */
const EPOCH_WEEKDAY_FROM_MONDAY = 3;

/** Start (epoch ms) of the UTC day containing `now`. */
export function utcDayStart(now: number): number {
  return Math.floor(now / DAY_MS) * DAY_MS;
}

/** Start (epoch ms) of the UTC week (Monday 00:00) containing `now`. */
export function utcWeekStart(now: number): number {
  const day = Math.floor(now / DAY_MS);
  const sinceMonday = (((day + EPOCH_WEEKDAY_FROM_MONDAY) % 7) + 7) % 7;
  return (day - sinceMonday) * DAY_MS;
}

/**
 * The ledger with its day and week marks brought up to `now` at `equity`: a period that has not started
 * yet (no mark, or a mark from an earlier period) starts with startEquity = peakEquity = equity; within
 * a period peakEquity only rises. A mark from a later period than `now` (a clock that went back) is kept.
 * Returns the same ledger object when nothing changes.
 */
export function rollPeriods(ledger: Ledger, equity: Decimal, now: number): Ledger {
  const day = roll(ledger.day, utcDayStart(now), equity);
  const week = roll(ledger.week, utcWeekStart(now), equity);
  if (day === ledger.day && week === ledger.week) return ledger;
  return { ...ledger, day, week, updatedAt: Math.max(ledger.updatedAt, now) };
}

function roll(mark: PeriodMark | undefined, start: number, equity: Decimal): PeriodMark {
  if (!mark || mark.start < start) return { start, startEquity: equity, peakEquity: equity };
  if (mark.start > start || equity.lte(mark.peakEquity)) return mark;
  return { ...mark, peakEquity: equity };
}

/**
 * Change of `equity` over the period, percent: negative is a loss. Measured from the period's
 * startEquity (basis 'start') or from its peak so far, counting `equity` itself (basis 'peak', never
 * positive). 0 when the reference is not positive.
 */
export function periodLossPct(mark: PeriodMark, equity: Decimal, basis: 'start' | 'peak'): Decimal {
  const reference = basis === 'start' ? mark.startEquity : Decimal.max(mark.peakEquity, equity);
  if (reference.lte(0)) return ZERO;
  return equity.sub(reference).div(reference).mul(100);
}

/** Loss over the current UTC day or week at `now` (rolling a stale or missing mark first); see periodLossPct. */
export function currentLossPct(
  ledger: Ledger, period: 'day' | 'week', equity: Decimal, now: number, basis: 'start' | 'peak',
): Decimal {
  return periodLossPct(rollPeriods(ledger, equity, now)[period]!, equity, basis);
}
