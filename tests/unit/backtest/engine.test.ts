import { describe, expect, it } from 'vitest';
import { buildReport, reportJson } from '../../../shared/backtest/report.js';
import { closeTime, type Candle } from '../../../shared/domain/candle.js';
import { smaCross } from '../../../shared/domain/strategies/sma-cross.js';
import { candles, HOUR, run, signalAt, T0, testPolicy, ZIGZAG } from './fixtures.js';

const BTC = 'BTC/USDT';
const ETH = 'ETH/USDT';

/** First index after `from` where sma-cross 2/3 on candles[0..j] exits a held position. */
function exitAfter(series: readonly Candle[], from: number): number {
  for (let j = from + 1; j < series.length; j++) {
    if (smaCross.evaluate({ candles: series.slice(0, j + 1), holding: true, params: { fast: 2, slow: 3 } })) return j;
  }
  throw new Error('no exit signal');
}

describe('backtest engine', () => {
  it('fills an order decided on candle k at candle k+1 open, never at k close', () => {
    const base = candles(BTC, ZIGZAG);
    const k = signalAt(base, false)[0]!;
    const opens = ZIGZAG.map((_, i) => (i === k + 1 ? 100.37 : undefined)) as number[];
    const series = candles(BTC, ZIGZAG, T0, opens);
    const j = exitAfter(series, k + 1);
    const out = run(testPolicy(), { [BTC]: series });
    expect(out.trades[0]).toMatchObject({
      symbol: BTC, entryTime: series[k + 1]!.openTime, entryPrice: '100.37',
      exitTime: series[j + 1]!.openTime, exitPrice: String(series[j + 1]!.open), exitReason: 'signal',
    });
  });

  it('decides the same at candle k whatever the later candles hold (no lookahead)', () => {
    const series = candles(BTC, ZIGZAG);
    const k = signalAt(series, false)[0]!;
    const wild = series.map((c, i) => (i <= k + 1 ? c : { ...c, open: 500, high: 900, low: 1, close: 2 }));
    const a = run(testPolicy(), { [BTC]: series });
    const b = run(testPolicy(), { [BTC]: wild });
    expect(b.equity.slice(0, k + 1)).toEqual(a.equity.slice(0, k + 1));
    expect(b.openPositions[0]?.entryTime ?? b.trades[0]?.entryTime).toBe(series[k + 1]!.openTime);
    expect(a.trades[0]!.entryTime).toBe(series[k + 1]!.openTime);
  });

  it('gives byte-identical JSON for the same inputs', () => {
    const policy = testPolicy({ symbols: [BTC, ETH] });
    const data = { [BTC]: candles(BTC, ZIGZAG), [ETH]: candles(ETH, ZIGZAG.map((c) => c * 20), T0 + 3 * HOUR) };
    const json = () => reportJson(buildReport(run(policy, data), { config: { seed: 1 }, from: T0, to: T0 + 30 * HOUR, candles: data }));
    const first = json();
    expect(JSON.parse(first).trades.length).toBeGreaterThan(1);
    expect(json()).toBe(first);
  });

  it('fills across a gap at the first candle after it', () => {
    const full = candles(BTC, ZIGZAG);
    const k = signalAt(full, false)[0]!;
    const gapped = full.filter((_, i) => i !== k + 1);
    const out = run(testPolicy(), { [BTC]: gapped });
    expect(out.trades[0]!.entryTime).toBe(full[k + 2]!.openTime);
    expect(out.trades[0]!.entryPrice).toBe(String(full[k + 2]!.open));
    expect(out.equity.map((e) => e.time)).not.toContain(closeTime(full[k + 1]!));
    expect(out.equity).toHaveLength(gapped.length);
  });

  it('fills nothing against a zero-volume candle (the paper venue\'s participation cap), and goes on', () => {
    const series = candles(BTC, ZIGZAG);
    const traded = run(testPolicy(), { [BTC]: series });
    expect(traded.trades.length).toBeGreaterThan(0);
    const out = run(testPolicy(), { [BTC]: series.map((c) => ({ ...c, volume: 0 })) });
    expect(out.trades).toEqual([]);
    expect(out.unfilled.NO_LIQUIDITY).toBe(traded.trades.length + traded.openPositions.length);
    expect(out.finalEquity).toBe(out.startingCash);
    expect(out.equity).toHaveLength(series.length);
  });

  it('advances every symbol on one clock of close times, each filling at its own next open', () => {
    const btc = candles(BTC, ZIGZAG);
    const ethAll = candles(ETH, ZIGZAG.map((c) => c * 20), T0 + 5 * HOUR);
    const eth = ethAll.filter((_, i) => i !== 10);
    const out = run(testPolicy({ symbols: [BTC, ETH] }), { [BTC]: btc, [ETH]: eth });
    const times = [...new Set([...btc, ...eth].map(closeTime))].sort((a, b) => a - b);
    expect(out.equity.map((e) => e.time)).toEqual(times);
    const ethEntries = out.trades.filter((t) => t.symbol === ETH).map((t) => t.entryTime);
    expect(ethEntries.length).toBeGreaterThan(0);
    const signals = signalAt(eth, false);
    for (const t of ethEntries) {
      const i = eth.findIndex((c) => c.openTime === t);
      expect(signals).toContain(i - 1);
    }
    expect(out.trades.filter((t) => t.symbol === BTC).length).toBeGreaterThan(0);
  });

  it('counts rejected signals by reason code', () => {
    const series = candles(BTC, ZIGZAG);
    const out = run(testPolicy({ readOnly: true }), { [BTC]: series });
    expect(out.trades).toEqual([]);
    expect(out.rejections).toEqual({ READ_ONLY: signalAt(series, false).length });
  });

  it('shares one ledger across symbols, so a portfolio limit rejects the second entry', () => {
    const data = { [BTC]: candles(BTC, ZIGZAG), [ETH]: candles(ETH, ZIGZAG.map((c) => c * 20)) };
    const risk = { maxOpenPositions: 1 };
    const out = run(testPolicy({ symbols: [BTC, ETH], risk }), data);
    expect(out.rejections.MAX_OPEN_POSITIONS).toBeGreaterThan(0);
    expect(out.trades.every((t) => t.symbol === BTC)).toBe(true);
  });

  it('keeps money decimal: trade pnl is proceeds minus cost with both fees', () => {
    const out = run(testPolicy(), { [BTC]: candles(BTC, ZIGZAG) });
    const t = out.trades[0]!;
    const pnl = Number(t.exitPrice) * Number(t.quantity) - Number(t.entryPrice) * Number(t.quantity) - Number(t.fees);
    expect(Number(t.pnl)).toBeCloseTo(pnl, 8);
    expect(Number(t.fees)).toBeCloseTo((Number(t.entryPrice) + Number(t.exitPrice)) * Number(t.quantity) * 0.001, 8);
  });
});
