import { describe, expect, it } from 'vitest';
import type { Candle, TopOfBook } from '../../../shared/domain/candle.js';
import { bookDefect, candleDefect, TickGuard, type TickJudgement } from '../../../shared/domain/tick-guard.js';

const T0 = Date.UTC(2021, 4, 19, 12, 0);
const M = 60_000;
const BTC = 'BTC/USDT';

/** A 1m candle at minute i with open = previous close; high/low wrap open and close by 0.05%. */
function candle(i: number, open: number, close: number, extra: Partial<Candle> = {}): Candle {
  return {
    symbol: BTC, timeframe: '1m', openTime: T0 + i * M, open, close,
    high: Math.max(open, close) * 1.0005, low: Math.min(open, close) * 0.9995, volume: 10, ...extra,
  };
}

/** Closes from `first` with alternating ±step relative moves (a calm, range-bound market). */
function calm(count: number, first = 40_000, step = 0.0008): Candle[] {
  const out: Candle[] = [];
  let price = first;
  for (let i = 0; i < count; i++) {
    const next = Math.round(price * (1 + (i % 2 ? -step : step)) * 100) / 100;
    out.push(candle(i, price, next));
    price = next;
  }
  return out;
}

/** Judges candles in order, returning the verdicts. */
function judgeAll(guard: TickGuard, candles: readonly Candle[]): TickJudgement[] {
  return candles.map((c) => guard.judge(c));
}

describe('candleDefect', () => {
  const good = candle(0, 100, 101);
  it.each([
    ['a NaN close', { close: NaN }, 'not-a-number'],
    ['an infinite volume', { volume: Infinity }, 'not-a-number'],
    ['a zero open', { open: 0 }, 'non-positive-price'],
    ['a negative low', { low: -1 }, 'non-positive-price'],
    ['a negative volume', { volume: -0.1 }, 'negative-volume'],
    ['an open time off the minute grid', { openTime: T0 + 1 }, 'off-grid'],
    ['a high below the close', { high: 100.5 }, 'ohlc-inconsistent'],
    ['a low above the open', { low: 100.5 }, 'ohlc-inconsistent'],
  ])('names %s', (_, bad, rule) => {
    expect(candleDefect({ ...good, ...bad })?.rule).toBe(rule);
  });

  it('finds nothing wrong with a sound candle, a zero-volume one or a flat one', () => {
    expect(candleDefect(good)).toBeUndefined();
    expect(candleDefect({ ...good, volume: 0 })).toBeUndefined();
    expect(candleDefect({ ...good, open: 100, high: 100, low: 100, close: 100 })).toBeUndefined();
  });
});

describe('bookDefect', () => {
  const book: TopOfBook = { symbol: BTC, bid: '100', ask: '100.1', time: T0 };
  it.each([
    ['a zero bid', { bid: '0' }, 'non-positive-price'],
    ['a non-numeric ask', { ask: 'undefined' }, 'not-a-number'],
    ['a crossed book', { bid: '100.2' }, 'crossed-book'],
    ['a NaN time', { time: NaN }, 'not-a-number'],
  ])('names %s', (_, bad, rule) => {
    expect(bookDefect({ ...book, ...bad })?.rule).toBe(rule);
  });

  it('accepts a locked book (bid = ask)', () => {
    expect(bookDefect({ ...book, ask: '100' })).toBeUndefined();
  });
});

describe('TickGuard structural and order rules', () => {
  it('drops a structurally bad candle without remembering it, so a good retransmission is accepted', () => {
    const guard = new TickGuard();
    expect(guard.judge(candle(0, 100, 101, { high: 50 }))).toMatchObject({ verdict: 'dropped', rule: 'ohlc-inconsistent' });
    expect(guard.lastSeen(BTC)).toBeUndefined();
    expect(guard.judge(candle(0, 100, 101)).verdict).toBe('accepted');
  });

  it('corrects a candle whose high and low are swapped, and drops one that swapping would not fix', () => {
    const guard = new TickGuard();
    const swapped = { ...candle(0, 100, 101), high: 99, low: 102 };
    expect(guard.judge(swapped)).toMatchObject({
      verdict: 'accepted', correction: 'high 99 and low 102 swapped', candle: { high: 102, low: 99, open: 100, close: 101 },
    });
    expect(guard.judge({ ...candle(1, 101, 103), high: 100, low: 102 })).toMatchObject({ verdict: 'dropped', rule: 'ohlc-inconsistent' });
  });

  it('drops a duplicate and an out-of-order candle against the newest seen', () => {
    const guard = new TickGuard();
    judgeAll(guard, [candle(0, 100, 101), candle(2, 101, 102)]);
    expect(guard.judge(candle(2, 101, 102.5))).toMatchObject({ verdict: 'dropped', rule: 'duplicate' });
    expect(guard.judge(candle(1, 101, 101))).toMatchObject({ verdict: 'dropped', rule: 'out-of-order' });
    expect(guard.lastSeen(BTC)).toBe(T0 + 2 * M);
  });

  it('treats seeded candles as seen, and starts over after forget', () => {
    const guard = new TickGuard();
    guard.seed(BTC, calm(3));
    expect(guard.judge(calm(3)[2]!)).toMatchObject({ verdict: 'dropped', rule: 'duplicate' });
    guard.forget(BTC);
    expect(guard.knows(BTC)).toBe(false);
    expect(guard.judge(calm(3)[2]!).verdict).toBe('accepted');
  });

  it('rejects options that would make the band meaningless', () => {
    expect(() => new TickGuard({ window: 1 })).toThrow(RangeError);
    expect(() => new TickGuard({ minSamples: 30, window: 20 })).toThrow(RangeError);
    expect(() => new TickGuard({ minBand: 0 })).toThrow(RangeError);
  });
});

describe('TickGuard outlier rule', () => {
  const base = calm(20);
  const last = base.at(-1)!;
  const after = (i: number, open: number, close: number) => candle(20 + i, open, close);
  const seeded = () => { const g = new TickGuard(); g.seed(BTC, base); return g; };

  it('holds a candle 10x off the reference and drops it when the next candle opens back at the reference', () => {
    const guard = seeded();
    const spike = after(0, last.close * 10, last.close * 10);
    expect(guard.judge(spike)).toMatchObject({ verdict: 'held', rule: 'outlier' });
    expect(guard.held(BTC)).toEqual(spike);
    const next = guard.judge(after(1, last.close, last.close * 1.0005));
    expect(next).toMatchObject({ verdict: 'accepted', settled: { kept: false, candle: spike } });
    expect(guard.held(BTC)).toBeUndefined();
  });

  it('drops a candle whose close alone is a bad print (half the price) once the next candle continues from its open', () => {
    const guard = seeded();
    const bad = after(0, last.close, last.close / 2);
    expect(guard.judge({ ...bad, low: bad.close }).verdict).toBe('held');
    expect(guard.judge(after(1, last.close * 1.0002, last.close * 1.0004)).settled).toMatchObject({ kept: false });
  });

  it('keeps a genuine 25% crash candle: the next candle continues from its close', () => {
    const guard = seeded();
    const crash = after(0, last.close, last.close * 0.75);
    expect(guard.judge(crash).verdict).toBe('held');
    const next = guard.judge(after(1, crash.close, crash.close * 0.99));
    expect(next.settled).toMatchObject({ kept: true, candle: crash });
    expect(next.verdict).toBe('accepted');
    expect(guard.lastSeen(BTC)).toBe(T0 + 21 * M);
  });

  it('keeps a crash candle even when the next one rebounds, as long as it stays out of the old band', () => {
    const guard = seeded();
    const crash = after(0, last.close, last.close * 0.6);
    guard.judge(crash);
    const rebound = guard.judge(after(1, last.close * 0.8, last.close * 0.7));
    expect(rebound.settled).toMatchObject({ kept: true });
  });

  it('lets a large move through at once when recent volatility is high', () => {
    const guard = new TickGuard();
    guard.seed(BTC, calm(20, 40_000, 0.01)); // ±1% a minute: band = 50 × 1% = 50 log-%
    const prev = calm(20, 40_000, 0.01).at(-1)!;
    expect(guard.judge(candle(20, prev.close, prev.close * 0.7)).verdict).toBe('accepted');
  });

  it('widens the band with the time since the last accepted candle (a 30% move after a 2-hour hole passes)', () => {
    const guard = seeded();
    expect(guard.judge(candle(20 + 120, last.close * 1.3, last.close * 1.3)).verdict).toBe('accepted');
  });

  it('applies no outlier rule before minSamples candles were accepted', () => {
    const guard = new TickGuard({ minSamples: 5 });
    const verdicts = judgeAll(guard, [candle(0, 100, 100), candle(1, 100, 100), candle(2, 1_000, 1_000)]).map((j) => j.verdict);
    expect(verdicts).toEqual(['accepted', 'accepted', 'accepted']);
  });

  it('keeps two consistent outliers in a row, as it must keep a genuine level shift', () => {
    const guard = seeded();
    expect(guard.judge(after(0, last.close * 2, last.close * 2)).verdict).toBe('held');
    expect(guard.judge(after(1, last.close * 2, last.close * 2.001))).toMatchObject({ verdict: 'accepted', settled: { kept: true } });
  });

  it('does not settle a suspect with a duplicate of it', () => {
    const guard = seeded();
    const spike = after(0, last.close * 10, last.close * 10);
    guard.judge(spike);
    expect(guard.judge(spike)).toMatchObject({ verdict: 'dropped', rule: 'duplicate' });
    expect(guard.held(BTC)).toEqual(spike);
  });
});
