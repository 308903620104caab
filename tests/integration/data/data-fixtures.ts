/** Shared set-up of the data-tool tests: a fake Binance serving 1m klines with holes, a test context, a recording sleeper. */
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CliContext } from '../../../shared/cli/cli-context.js';
import type { FakeBinance, FakeKlineRow } from '../../support/fake-binance.js';

/** 2021-05-18T00:00Z: minute 0 of the fake's history. */
export const T0 = Date.UTC(2021, 4, 18);
export const M = 60_000;
/** The exchange has no candle for these minutes (an outage: Binance returns nothing for them). */
export const HOLES = [10, 11, 12, 13, 14, 30];

/** Minute i as Binance sends it: 8-decimal strings with trailing zeros. */
export function kline(i: number): FakeKlineRow {
  return {
    openTime: T0 + i * M, open: `${37000 + i}.01000000`, high: `${37010 + i}.50000000`, low: `${36990 + i}.00000000`,
    close: `${37005 + i}.12000000`, volume: `${i + 1}.12345678`,
  };
}

/** The CSV line the downloader must write for minute i (Binance's strings without trailing zeros, nothing else changed). */
export function csvLine(i: number): string {
  return `${T0 + i * M},${37000 + i}.01,${37010 + i}.5,${36990 + i},${37005 + i}.12,${i + 1}.12345678`;
}

/** Minutes [from, to) minus the holes. */
export function minutes(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, k) => from + k).filter((i) => !HOLES.includes(i));
}

/** Serves minutes 0..count-1 (holes left out) of BTCUSDT 1m. */
export function serveHistory(fake: FakeBinance, count: number): void {
  fake.addKlines('BTCUSDT', '1m', minutes(0, count).map(kline));
}

/** A CLI context on a settable clock that captures stdout and stderr; the stores are never touched. */
export function dataContext(now: number): CliContext & { output: { out: string; err: string }; setNow(t: number): void } {
  const output = { out: '', err: '' };
  let t = now;
  const none = () => { throw new Error('the data tools must not touch the stores'); };
  return {
    output, setNow: (v) => { t = v; }, policies: none, state: none, clock: { now: () => t },
    out: (s) => { output.out += s; }, err: (s) => { output.err += s; }, readText: (p) => readFile(p, 'utf8'),
  };
}

/** A sleeper that records each wait and returns at once. */
export function recordingSleep(): { waits: number[]; sleep: (ms: number) => Promise<void> } {
  const waits: number[] = [];
  return { waits, sleep: async (ms) => { waits.push(ms); } };
}

/** A fresh temporary folder. */
export function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'stratus-data-'));
}
