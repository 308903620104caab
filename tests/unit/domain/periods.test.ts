import { describe, expect, it } from 'vitest';
import type { PeriodMark } from '../../../shared/domain/ledger.js';
import { dec } from '../../../shared/domain/money.js';
import { currentLossPct, periodLossPct, rollPeriods, utcDayStart, utcWeekStart } from '../../../shared/domain/periods.js';
import { deepFreeze, ledger } from './fixtures.js';

// Monday 4 March 2024 is the start of a UTC week.
const MON = Date.UTC(2024, 2, 4);
const DAY = 86_400_000;
const TUE_NOON = MON + DAY + 12 * 3_600_000;
const mark = (start: number, startEquity: string, peakEquity = startEquity): PeriodMark =>
  ({ start, startEquity: dec(startEquity), peakEquity: dec(peakEquity) });

describe('utcDayStart and utcWeekStart', () => {
  it.each([
    ['Monday 00:00', MON, MON, MON],
    ['Tuesday noon', TUE_NOON, MON + DAY, MON],
    ['Sunday 23:59:59.999', MON + 7 * DAY - 1, MON + 6 * DAY, MON],
    ['the next Monday 00:00', MON + 7 * DAY, MON + 7 * DAY, MON + 7 * DAY],
    ['Thursday 1 January 1970 (the epoch)', 0, 0, -3 * DAY],
  ])('%s: day starts %i, week starts %i', (_label, now, day, week) => {
    expect(utcDayStart(now)).toBe(day);
    expect(utcWeekStart(now)).toBe(week);
  });
});

describe('rollPeriods', () => {
  it('starts both periods at the current equity when there are no marks', () => {
    const l = rollPeriods(deepFreeze(ledger()), dec('10000'), TUE_NOON);
    expect(l.day).toEqual(mark(MON + DAY, '10000'));
    expect(l.week).toEqual(mark(MON, '10000'));
    expect(l.updatedAt).toBe(TUE_NOON);
  });

  it('raises the peaks within a period and leaves the start equity', () => {
    const l = rollPeriods(deepFreeze(ledger({ day: mark(MON + DAY, '10000'), week: mark(MON, '9000', '10000') })), dec('10200'), TUE_NOON);
    expect(l.day).toEqual(mark(MON + DAY, '10000', '10200'));
    expect(l.week).toEqual(mark(MON, '9000', '10200'));
  });

  it('returns the same ledger when equity is not a new peak in either period', () => {
    const l = ledger({ day: mark(MON + DAY, '10000', '10500'), week: mark(MON, '9000', '10500') });
    expect(rollPeriods(l, dec('10100'), TUE_NOON)).toBe(l);
  });

  it('starts a new day at UTC midnight, keeping the week', () => {
    const before = ledger({ day: mark(MON + DAY, '10000', '10500'), week: mark(MON, '9000', '10500') });
    const lastMs = rollPeriods(before, dec('9800'), MON + 2 * DAY - 1);
    expect(lastMs).toBe(before);
    const midnight = rollPeriods(before, dec('9800'), MON + 2 * DAY);
    expect(midnight.day).toEqual(mark(MON + 2 * DAY, '9800'));
    expect(midnight.week).toBe(before.week);
  });

  it('starts a new week (and day) at Monday 00:00 UTC', () => {
    const before = ledger({ day: mark(MON + 6 * DAY, '10000'), week: mark(MON, '9000', '10500') });
    const monday = rollPeriods(before, dec('9700'), MON + 7 * DAY);
    expect(monday.day).toEqual(mark(MON + 7 * DAY, '9700'));
    expect(monday.week).toEqual(mark(MON + 7 * DAY, '9700'));
  });

  it('keeps marks from a later period when the clock is behind them', () => {
    const l = ledger({ day: mark(MON + 2 * DAY, '10000'), week: mark(MON, '10000') });
    expect(rollPeriods(l, dec('9000'), TUE_NOON)).toBe(l);
  });
});

describe('periodLossPct', () => {
  const m = mark(MON, '10000', '10500');
  it.each([
    ['start', '10185', '1.85'],
    ['peak', '10185', '-3'],
    ['start', '9700', '-3'],
    ['peak', '11000', '0'], // a new high is no loss from the peak
  ] as const)('basis %s at equity %s is %s%%', (basis, equity, pct) => {
    expect(periodLossPct(m, dec(equity), basis).toFixed()).toBe(pct);
  });

  it('is 0 when the reference equity is not positive', () => {
    expect(periodLossPct(mark(MON, '0'), dec('-5'), 'start').toFixed()).toBe('0');
  });
});

describe('currentLossPct', () => {
  it('measures from the stored mark within its period and from scratch once the period has rolled', () => {
    const l = ledger({ day: mark(MON + DAY, '10000', '10000'), week: mark(MON, '10000') });
    expect(currentLossPct(l, 'day', dec('9600'), TUE_NOON, 'start').toFixed()).toBe('-4');
    expect(currentLossPct(l, 'day', dec('9600'), MON + 2 * DAY, 'start').toFixed()).toBe('0');
    expect(currentLossPct(l, 'week', dec('9600'), MON + 2 * DAY, 'peak').toFixed()).toBe('-4');
  });
});
