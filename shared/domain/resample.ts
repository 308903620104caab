/**
 * Resampling candles to a higher timeframe, on decimal strings (no float re-formatting): buckets aligned to
 * UTC boundaries (epoch multiples of the target length: 4h buckets open at 00:00, 04:00 … UTC, 1d at 00:00 UTC).
 * open = first source open, close = last source close, high/low = the extreme source value as written,
 * volume = the exact decimal sum. Edge policy: the first bucket is DROPPED when the data starts after its
 * open, the last when the data ends before its last source slot (a partial day at either end of a download);
 * any other incomplete bucket (the exchange had no candle for some minutes) is KEPT, as the exchange's own
 * candle would be, and listed in `incomplete`. A bucket with no source candle at all stays a gap.
 */
import { timeframeMs, type Timeframe } from './candle.js';
import { StratusError } from './errors.js';
import { dec } from './money.js';

/** One candle as written in a candle file: open time in epoch ms UTC, prices and volume as decimal strings. */
export interface CandleRow {
  readonly openTime: number;
  readonly open: string;
  readonly high: string;
  readonly low: string;
  readonly close: string;
  readonly volume: string;
}

/** A target bucket built from fewer source candles than it spans. */
export interface IncompleteBucket {
  readonly openTime: number;
  readonly candles: number;
  readonly expected: number;
}

/** Resampled rows, the incomplete buckets kept (holes inside), and how many buckets cut by the data's start or end were dropped. */
export interface ResampleResult {
  readonly rows: CandleRow[];
  readonly incomplete: IncompleteBucket[];
  readonly droppedEdges: number;
}

/** A resample the timeframes cannot express (target not a whole multiple of the source). */
export class ResampleError extends StratusError {
  override readonly name = 'ResampleError';
  constructor(message: string) {
    super('RESAMPLE_INVALID', message, false);
  }
}

/** Aggregates ascending `rows` of timeframe `from` into `to` buckets; see the module comment for the edge policy. */
export function resampleRows(rows: readonly CandleRow[], from: Timeframe, to: Timeframe): ResampleResult {
  const src = timeframeMs(from);
  const dst = timeframeMs(to);
  if (dst <= src || dst % src !== 0) throw new ResampleError(`cannot resample ${from} to ${to}: ${to} must be a whole multiple of ${from}, and longer`);
  const expected = dst / src;
  const buckets: { openTime: number; members: CandleRow[] }[] = [];
  for (const row of rows) {
    const openTime = row.openTime - (((row.openTime % dst) + dst) % dst);
    const last = buckets.at(-1);
    if (last && last.openTime === openTime) last.members.push(row);
    else buckets.push({ openTime, members: [row] });
  }
  const out: CandleRow[] = [];
  const incomplete: IncompleteBucket[] = [];
  let droppedEdges = 0;
  buckets.forEach((b, i) => {
    const complete = b.members.length === expected;
    const cutAtStart = i === 0 && b.members[0]!.openTime > b.openTime;
    const cutAtEnd = i === buckets.length - 1 && b.members.at(-1)!.openTime < b.openTime + dst - src;
    if (!complete && (cutAtStart || cutAtEnd)) { droppedEdges += 1; return; }
    if (!complete) incomplete.push({ openTime: b.openTime, candles: b.members.length, expected });
    out.push(aggregate(b.openTime, b.members));
  });
  return { rows: out, incomplete, droppedEdges };
}

function aggregate(openTime: number, members: readonly CandleRow[]): CandleRow {
  const first = members[0]!;
  let high = first.high;
  let low = first.low;
  let highD = dec(high);
  let lowD = dec(low);
  let volume = dec(0);
  for (const m of members) {
    const h = dec(m.high);
    const l = dec(m.low);
    if (h.gt(highD)) { highD = h; high = m.high; }
    if (l.lt(lowD)) { lowD = l; low = m.low; }
    volume = volume.add(dec(m.volume));
  }
  return { openTime, open: first.open, high, low, close: members.at(-1)!.close, volume: volume.toFixed() };
}
