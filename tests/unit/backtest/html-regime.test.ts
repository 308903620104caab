import { describe, expect, it } from 'vitest';
import { paperMarkets } from '../../../shared/adapters/paper-markets.js';
import { runBacktest } from '../../../shared/backtest/engine.js';
import { renderHtmlReport } from '../../../shared/backtest/html/html-report.js';
import { buildReport, reportJson } from '../../../shared/backtest/report.js';
import { formatBacktestReport } from '../../../shared/backtest/terminal-report.js';
import { MAX_SEGMENT_ROWS, REGIME_COLORS } from '../../../shared/backtest/html/regime-section.js';
import { computeMetrics } from '../../../shared/backtest/metrics.js';
import { regimeRun, type RegimeRun } from '../../../shared/backtest/regime-report.js';
import type { BacktestReport } from '../../../shared/backtest/types.js';
import type { Candle } from '../../../shared/domain/candle.js';
import { policyHash, PolicySchema } from '../../../shared/domain/policy.js';

const M = 60_000;
const T0 = Date.UTC(2024, 0, 1);
/** Small detector windows; a zig-zag, then a steady climb, then a crash: mean-reverting, trending, crisis. */
const policy = PolicySchema.parse({
  symbols: ['BTC/USDT'],
  regime: { enabled: true, erPeriod: 10, volPeriod: 5, volLookback: 40, crashWindow: 10, crashDropPct: 5, confirmCandles: 3, crisisHoldCandles: 5, smoothingWindow: 20 },
});
const closes = [
  ...Array.from({ length: 80 }, (_, i) => 100 + (i % 2 ? 0.1 : -0.1)),
  ...Array.from({ length: 40 }, (_, i) => 100 * 1.002 ** (i + 1)),
  ...Array.from({ length: 10 }, (_, i) => 108 * 0.98 ** (i + 1)),
];
const candles: Candle[] = closes.map((close, i) => ({ symbol: 'BTC/USDT', timeframe: '1m', openTime: T0 + i * M, open: close, high: close, low: close, close, volume: 1 }));

function page(regime?: RegimeRun): string {
  const equity = [{ time: T0 + M, equity: '1000' }, { time: T0 + closes.length * M, equity: '1000' }];
  const metrics = computeMetrics({ trades: [], equity, startBalance: '1000', from: T0, to: T0 + closes.length * M, marketChange: {} });
  const report: BacktestReport = { config: { strategy: 'momentum' }, metrics: { ...metrics }, trades: [], equity, rejections: {}, ...(regime ? { regime } : {}) };
  return renderHtmlReport({ report, candles: { 'BTC/USDT': candles }, timeframe: '1m' });
}

describe('the regime timeline in the backtest report', () => {
  const regime = regimeRun(policy, { 'BTC/USDT': candles }, { blocked: 4, reduced: 2 });

  it('splits the run into segments of one regime each, from close to close, covering every candle', () => {
    const segments = regime.timeline['BTC/USDT']!;
    expect(segments.map((s) => s.regime)).toEqual(['none', 'mean-reverting', 'trending', 'crisis']);
    expect(segments.reduce((n, s) => n + s.candles, 0)).toBe(closes.length);
    expect(segments[0]!.from).toBe(T0 + M);
    expect(segments.at(-1)!.to).toBe(T0 + closes.length * M);
    for (let i = 1; i < segments.length; i++) expect(segments[i]!.from).toBe(segments[i - 1]!.to + M);
    expect(regime.candles['BTC/USDT']).toMatchObject({ none: segments[0]!.candles, crisis: segments[3]!.candles });
  });

  it('shows a band per symbol, the candles per regime and what the gate changed; nothing of it with the gate off', () => {
    const html = page(regime);
    expect(html).toContain('<h2>Regime gate</h2>');
    expect(html).toContain('Entries blocked (REGIME_BLOCKED): 4 · entries at a reduced stake: 2');
    expect(html.match(/class="regime-band"/g)).toHaveLength(1);
    for (const r of ['mean-reverting', 'trending', 'crisis'] as const) expect(html).toContain(`background:${REGIME_COLORS[r]}" title="${r}: `);
    expect(html).toContain('BTC/USDT: 4 segments');
    expect(page(regime)).toBe(html);
    expect(page()).not.toContain('Regime gate');
  });

  it(`lists at most ${MAX_SEGMENT_ROWS} segments per symbol in the page and says how many more the JSON has`, () => {
    const many = Array.from({ length: MAX_SEGMENT_ROWS + 5 }, (_, i) => ({ from: T0 + i * M, to: T0 + i * M, regime: i % 2 ? 'trending' as const : 'volatile' as const, candles: 1 }));
    const html = page({ ...regime, timeline: { 'BTC/USDT': many } });
    expect(html).toContain('5 more segments in the --json report.');
  });

  it('is in the run, the --json report and the terminal report only while the gate is on', () => {
    const input = { policyHash: policyHash(policy), candles: { 'BTC/USDT': candles }, markets: paperMarkets() };
    const run = runBacktest({ ...input, policy });
    expect(run.regime).toEqual(regimeRun(policy, { 'BTC/USDT': candles }, { blocked: run.rejections.REGIME_BLOCKED ?? 0, reduced: 0 }));
    const ctx = { config: {}, from: T0, to: T0 + closes.length * M, candles: { 'BTC/USDT': candles } };
    const report = buildReport(run, ctx);
    expect(JSON.parse(reportJson(report)).regime).toEqual(run.regime);
    expect(formatBacktestReport(report)).toContain('REGIME GATE (share of candles)');
    const off = runBacktest({ ...input, policy: { ...policy, regime: { ...policy.regime, enabled: false } } });
    expect(off.regime).toBeUndefined();
    expect(reportJson(buildReport(off, ctx))).not.toContain('"regime"');
    expect(formatBacktestReport(buildReport(off, ctx))).not.toContain('REGIME GATE');
  });
});
