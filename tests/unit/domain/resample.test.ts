import { describe, expect, it } from 'vitest';
import { findGaps, summarizeGaps } from '../../../shared/domain/candle-gaps.js';
import { ResampleError, resampleRows, type CandleRow } from '../../../shared/domain/resample.js';

const H = 3_600_000;
const DAY0 = Date.UTC(2021, 4, 18);
const row = (openTime: number, open: string, high: string, low: string, close: string, volume: string): CandleRow =>
  ({ openTime, open, high, low, close, volume });
/** Hourly rows from hour `first` (of 2021-05-18 UTC) for `count` hours; values derived from the hour. */
const hours = (first: number, count: number) => Array.from({ length: count }, (_, i) => {
  const h = first + i;
  return row(DAY0 + h * H, `${100 + h}`, `${102 + h}.5`, `${99 + h}.25`, `${101 + h}`, '0.1');
});

describe('resampleRows', () => {
  it('aggregates 1h into 4h buckets opening at 00:00/04:00 UTC: first open, max high, min low, last close, exact volume sum', () => {
    const rows = [
      row(DAY0 + 0 * H, '100', '105', '99', '104', '0.1'),
      row(DAY0 + 1 * H, '104', '110.5', '103', '108', '0.2'),
      row(DAY0 + 2 * H, '108', '109', '97.25', '98', '1.00000001'),
      row(DAY0 + 3 * H, '98', '101', '98', '100.5', '3'),
      row(DAY0 + 4 * H, '100.5', '101', '100', '100.75', '0.7'),
      row(DAY0 + 5 * H, '100.75', '102', '100.5', '101', '0.3'),
      row(DAY0 + 6 * H, '101', '101', '99.5', '100', '0'),
      row(DAY0 + 7 * H, '100', '100.1', '99.9', '100.05', '0.00000001'),
    ];
    const { rows: out, incomplete, droppedEdges } = resampleRows(rows, '1h', '4h');
    expect(out).toEqual([
      row(DAY0, '100', '110.5', '97.25', '100.5', '4.30000001'),
      row(DAY0 + 4 * H, '100.5', '102', '99.5', '100.05', '1.00000001'),
    ]);
    expect(incomplete).toEqual([]);
    expect(droppedEdges).toBe(0);
  });

  it('keeps the decimal strings as written (no float re-formatting) and sums volume exactly (0.1 + 0.2 = 0.3)', () => {
    const rows = [row(DAY0, '0.10000000', '0.30000000', '0.1', '0.2', '0.1'), row(DAY0 + 60_000, '0.2', '0.2', '0.05000000', '0.25', '0.2')];
    const m5 = Array.from({ length: 3 }, (_, i) => row(DAY0 + (2 + i) * 60_000, '0.25', '0.25', '0.25', '0.25', '0'));
    const { rows: out } = resampleRows([...rows, ...m5], '1m', '5m');
    expect(out).toEqual([row(DAY0, '0.10000000', '0.30000000', '0.05000000', '0.25', '0.3')]);
  });

  it('drops an incomplete first and last bucket (data starting at 02:00, ending at 13:00) and keeps complete ones only', () => {
    const { rows: out, droppedEdges } = resampleRows(hours(2, 12), '1h', '4h'); // 02:00 .. 13:00
    expect(out.map((r) => (r.openTime - DAY0) / H)).toEqual([4, 8]);
    expect(droppedEdges).toBe(2);
  });

  it('keeps an interior bucket the exchange left holes in, flagged incomplete; a bucket with no candle stays a gap', () => {
    const rows = hours(0, 24).filter((r) => ![9, 10].includes((r.openTime - DAY0) / H) && (r.openTime - DAY0) / H < 12 || (r.openTime - DAY0) / H >= 16);
    const { rows: out, incomplete } = resampleRows(rows, '1h', '4h');
    expect(out.map((r) => (r.openTime - DAY0) / H)).toEqual([0, 4, 8, 16, 20]);
    expect(incomplete).toEqual([{ openTime: DAY0 + 8 * H, candles: 2, expected: 4 }]);
    expect(out[2]).toEqual(row(DAY0 + 8 * H, '108', '113.5', '107.25', '112', '0.2'));
  });

  it('keeps an edge bucket whose only shortfall is a hole inside it (the data starts on its boundary and ends on its last hour)', () => {
    const rows = hours(0, 12).filter((r) => (r.openTime - DAY0) / H !== 1 && (r.openTime - DAY0) / H !== 10);
    const { rows: out, incomplete, droppedEdges } = resampleRows(rows, '1h', '4h');
    expect(out.map((r) => (r.openTime - DAY0) / H)).toEqual([0, 4, 8]);
    expect(incomplete).toEqual([{ openTime: DAY0, candles: 3, expected: 4 }, { openTime: DAY0 + 8 * H, candles: 3, expected: 4 }]);
    expect(droppedEdges).toBe(0);
  });

  it('builds 1d candles on UTC midnights from 1h', () => {
    const { rows: out } = resampleRows(hours(0, 48), '1h', '1d');
    expect(out).toEqual([
      row(DAY0, '100', '125.5', '99.25', '124', '2.4'),
      row(DAY0 + 24 * H, '124', '149.5', '123.25', '148', '2.4'),
    ]);
  });

  it('refuses a target that is not a longer whole multiple of the source', () => {
    expect(() => resampleRows([], '4h', '1h')).toThrow(ResampleError);
    expect(() => resampleRows([], '1h', '1h')).toThrow(/whole multiple/);
  });
});

describe('findGaps', () => {
  it('lists each run of missing open times with its first, last and count; the largest is summarized', () => {
    const m = 60_000;
    const times = [0, 1, 2, 5, 6, 7, 8, 20].map((i) => DAY0 + i * m);
    const gaps = findGaps(times, m);
    expect(gaps).toEqual([{ from: DAY0 + 3 * m, to: DAY0 + 4 * m, missing: 2 }, { from: DAY0 + 9 * m, to: DAY0 + 19 * m, missing: 11 }]);
    expect(summarizeGaps(gaps)).toEqual({ count: 2, missing: 13, largest: gaps[1] });
    expect(summarizeGaps(findGaps(times.slice(0, 3), m))).toEqual({ count: 0, missing: 0 });
  });
});
