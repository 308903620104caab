/**
 * The bad-tick guard on real data: the 19 May 2021 crash (BTC touched 30 000 at 13:10 UTC) from the team
 * data set, replayed through the guard alone and through the market-stream service with the replay source.
 * Reads ../shared/data/market (beside the repository); skipped with a message where that folder is absent.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { MemoryMarketStore } from '../../../shared/adapters/memory-market-store.js';
import { ReplayMarketSource } from '../../../shared/adapters/replay-market-source.js';
import type { Candle } from '../../../shared/domain/candle.js';
import { TickGuard } from '../../../shared/domain/tick-guard.js';
import { candleFileName, readCandleFile } from '../../../shared/local/candle-files.js';
import { createMarketStream } from '../../../shared/services/stream-market.js';

const DATA = fileURLToPath(new URL('../../../../shared/data/market/', import.meta.url));
const present = existsSync(DATA);
if (!present) console.warn(`crash-replay-guard: skipped, the team data folder ${DATA} is absent`);

const M = 60_000;
const FROM = Date.UTC(2021, 4, 19, 12, 0);
const TO = Date.UTC(2021, 4, 19, 16, 0);
/** The guard's reference needs this much history before the window. */
const WARMUP = 20;

const windows = new Map<string, Promise<Candle[]>>();

/** The 20 candles before 12:00 (the guard's warm-up) and the 240 of 12:00-16:00, read once per symbol. */
async function window(symbol: string): Promise<{ warmup: Candle[]; crash: Candle[] }> {
  if (!windows.has(symbol)) windows.set(symbol, readCandleFile(`${DATA}${candleFileName('binance', symbol, '1m')}`, { from: FROM - WARMUP * M, to: TO }));
  const all = await windows.get(symbol)!;
  return { warmup: all.filter((c) => c.openTime < FROM), crash: all.filter((c) => c.openTime >= FROM) };
}

describe.skipIf(!present)('19 May 2021 crash window (team data) through the bad-tick guard', () => {
  it.each(['BTC/USDT', 'ETH/USDT', 'SOL/USDT'])('keeps every genuine %s candle of 12:00-16:00 UTC, none even held', async (symbol) => {
    const { warmup, crash } = await window(symbol);
    expect(crash).toHaveLength(240);
    const lowest = Math.min(...crash.map((c) => c.low));
    const highest = Math.max(...crash.map((c) => c.high));
    expect(highest / lowest).toBeGreaterThan(1.2); // the window really holds a >20% range
    const guard = new TickGuard();
    guard.seed(symbol, warmup);
    const verdicts = crash.map((c) => guard.judge(c));
    expect(verdicts.filter((j) => j.verdict !== 'accepted')).toEqual([]);
    expect(verdicts.map((j) => j.candle)).toEqual(crash);
  });

  it('stores the whole BTC window through the market-stream service with the replay source', async () => {
    const { warmup, crash } = await window('BTC/USDT');
    const store = new MemoryMarketStore();
    await store.putCandles(warmup);
    const source = new ReplayMarketSource({ 'BTC/USDT': crash });
    const clock = { t: FROM, now() { return this.t; } };
    const stream = createMarketStream({ source, store, clock, timeframe: '1m', symbols: ['BTC/USDT'], heartbeatEveryMs: 5_000 });
    await stream.start();
    clock.t = TO;
    await source.pumpUntil(TO);
    await stream.stop();
    expect(await store.getRecentClosedCandles('BTC/USDT', '1m', TO, 240)).toEqual(crash);
    expect(stream.stats()).toMatchObject({ candlesWritten: 240, badTicksDropped: 0, duplicatesDropped: 0, suspectsHeld: 0 });
  });

  it('drops bad ticks planted in the real window and keeps every real candle around them', async () => {
    const { warmup, crash } = await window('BTC/USDT');
    const at = (hhmm: string) => crash.findIndex((c) => new Date(c.openTime).toISOString().slice(11, 16) === hhmm);
    const planted = new Map<number, Candle>();
    const plant = (hhmm: string, edit: (c: Candle) => Partial<Candle>) => {
      const c = crash[at(hhmm)]!;
      planted.set(c.openTime, { ...c, ...edit(c) });
    };
    plant('13:05', (c) => ({ open: c.open * 10, high: c.high * 10, low: c.low * 10, close: c.close * 10 })); // decimal shift
    plant('14:30', (c) => ({ close: c.close / 2, low: c.close / 2 })); // a stray half-price close
    plant('15:00', (c) => ({ high: c.low, low: c.high })); // high and low swapped: corrected, not dropped
    plant('15:30', () => ({ open: -1 }));
    const fed = crash.map((c) => planted.get(c.openTime) ?? c);
    const guard = new TickGuard();
    guard.seed('BTC/USDT', warmup);
    const kept: Candle[] = [];
    const dropped: string[] = [];
    for (const c of fed) {
      const j = guard.judge(c);
      if (j.settled) (j.settled.kept ? kept.push(j.settled.candle) : dropped.push(`${time(j.settled.candle)} outlier`));
      if (j.verdict === 'accepted') kept.push(j.candle);
      if (j.verdict === 'dropped') dropped.push(`${time(c)} ${j.rule}`);
    }
    expect(dropped).toEqual(['13:05 outlier', '14:30 outlier', '15:30 non-positive-price']);
    const real = (hhmm: string) => crash[at(hhmm)]!;
    expect(kept).toEqual(crash.filter((c) => !['13:05', '14:30', '15:30'].includes(time(c))));
    expect(kept).toContainEqual(real('15:00'));
  });
});

function time(c: Candle): string {
  return new Date(c.openTime).toISOString().slice(11, 16);
}
