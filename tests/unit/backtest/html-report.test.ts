import { describe, expect, it } from 'vitest';
import { renderHtmlReport } from '../../../shared/backtest/html/html-report.js';
import { computeMetrics } from '../../../shared/backtest/metrics.js';
import type { BacktestReport, BacktestTrade } from '../../../shared/backtest/types.js';
import type { Candle } from '../../../shared/domain/candle.js';

const H = 3_600_000;
const T0 = Date.UTC(2024, 0, 1);
const EVIL = '<img src=x onerror="alert(1)">&</script>';

function candles(symbol: string, n: number): Candle[] {
  return Array.from({ length: n }, (_, i) => ({ symbol, timeframe: '1h' as const, openTime: T0 + i * H, open: 10 + i, high: 12 + i, low: 9 + i, close: 11 + i, volume: 1 }));
}

function sampleReport(): BacktestReport {
  const trades: BacktestTrade[] = [
    { symbol: 'BTC/USDT', side: 'long', entryTime: T0 + 2 * H, entryPrice: '12', exitTime: T0 + 5 * H, exitPrice: '15', quantity: '10', fees: '0.27', pnl: '29.73', exitReason: 'signal' },
    { symbol: 'ETH/USDT', side: 'long', entryTime: T0 + 3 * H, entryPrice: '13', exitTime: T0 + 6 * H, exitPrice: '12', quantity: '10', fees: '0.25', pnl: '-10.25', exitReason: EVIL },
  ];
  const equity = Array.from({ length: 10 }, (_, i) => ({ time: T0 + (i + 1) * H, equity: String(1000 + (i === 6 ? -20 : i)) }));
  const metrics = computeMetrics({ trades, equity, startBalance: '1000', from: T0, to: T0 + 10 * H, marketChange: { 'BTC/USDT': { first: '11', last: '20' } } });
  return { config: { strategy: 'sma-cross', from: T0, to: T0 + 10 * H, data: EVIL, params: { fast: 2 } }, metrics: { ...metrics }, trades, equity, rejections: { [EVIL]: 3, PAIR_LOCKED: 7 } };
}

const input = () => ({ report: sampleReport(), candles: { 'BTC/USDT': candles('BTC/USDT', 10), 'ETH/USDT': candles('ETH/USDT', 10) }, timeframe: '1h' as const });

/** The parsed JSON of the page's data script. */
function pageData(html: string): { curve: { time: number[] }; symbols: { symbol: string; markers: unknown[] }[] } {
  const m = /<script id="report-data" type="application\/json">([^<]*)<\/script>/.exec(html);
  expect(m).not.toBeNull();
  return JSON.parse(m![1]!);
}

describe('renderHtmlReport', () => {
  it('is one file with the chart library, the page script and the data inline, and references nothing external', () => {
    const html = renderHtmlReport(input());
    expect(html).toContain('Lightweight Charts™ v5.2.1');
    expect(html).toContain('window.LightweightCharts');
    expect(html).toContain('createSeriesMarkers');
    // Booleans, so a failure does not print the 200 KB page.
    expect(/<(script|link|img|iframe)[^>]+(src|href)=/i.test(html)).toBe(false);
    const css = html.slice(html.indexOf('<style>'), html.indexOf('</style>'));
    expect(css.length).toBeGreaterThan(100);
    expect(/@import|url\(/.test(css)).toBe(false);
  });

  it('has a chart container for equity, drawdown and each symbol, and carries their data', () => {
    const html = renderHtmlReport(input());
    const ids = [...html.matchAll(/<div id="([^"]+)" class="chart[^"]*" data-chart>/g)].map((m) => m[1]);
    expect(ids).toEqual(['chart-equity', 'chart-drawdown', 'chart-price-0', 'chart-price-1']);
    const data = pageData(html);
    expect(data.curve.time).toHaveLength(10);
    expect(data.symbols.map((s) => [s.symbol, s.markers.length])).toEqual([['BTC/USDT', 2], ['ETH/USDT', 2]]);
  });

  it('escapes every piece of text it inserts', () => {
    const html = renderHtmlReport(input());
    expect(html.includes('<img')).toBe(false);
    expect(html).toContain('&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&amp;&lt;/script&gt;');
    // The only </script> closings are the three script elements' own.
    expect(html.match(/<\/script>/g)).toHaveLength(3);
    const markers = pageData(html).symbols[1]!.markers as { text?: string }[];
    expect(markers.map((m) => m.text)).toEqual(['B', EVIL]);
  });

  it('lists every trade and the breakdown, rejection and metric tables', () => {
    const html = renderHtmlReport(input());
    const table = html.slice(html.indexOf('id="trades-table"'), html.indexOf('</table>', html.indexOf('id="trades-table"')));
    const rows = table.split('<tbody>')[1]!.match(/<tr>/g);
    expect(rows).toHaveLength(2);
    expect(table).toContain('<td>2024-01-01 02:00</td>');
    expect(table).toContain('<td class="num pos">29.73</td>');
    expect(table).toContain('<td class="num neg">-10.25</td>');
    for (const heading of ['Per pair', 'Per exit reason', 'Per month (by exit time, UTC)', 'Rejected signals by reason', 'Returns', 'Risk-adjusted', 'Drawdown']) {
      expect(html).toContain(`>${heading}<`);
    }
    expect(html).toMatch(/<td>PAIR_LOCKED<\/td><td class="num">7<\/td>/);
    expect(html).toMatch(/<td>2024-01<\/td><td class="num">2<\/td>/);
  });

  it('gives the same bytes for the same input', () => {
    expect(renderHtmlReport(input())).toBe(renderHtmlReport(input()));
  });

  it('states in the page when the price chart was aggregated', () => {
    const html = renderHtmlReport({ ...input(), limits: { maxBarsPerSymbol: 4, maxEquityPoints: 5, maxLabelledTrades: 10 } });
    expect(html).toContain('BTC/USDT: 10 1h candles aggregated to 3 4h bars (OHLC)');
    expect(html).toMatch(/Equity and drawdown charts show \d of 10 marks/);
  });
  it('puts a kill-switch alert at the top and shows the switch and open positions as tables, not JSON', () => {
    const base = sampleReport();
    const tripped: BacktestReport = {
      ...base,
      config: { ...base.config, killSwitch: { status: 'TRIPPED', at: T0 + 4 * H, reason: '5 losing trades in a row reached maxConsecutiveLosses 5' },
        openPositions: [{ symbol: 'BTC/USDT', entryTime: T0 + 8 * H, quantity: '2', costBasis: '38' }], unfilledOrders: {} },
      rejections: { KILL_SWITCH_NOT_ARMED: 9 },
    };
    const html = renderHtmlReport({ ...input(), report: tripped });
    const alert = html.indexOf('id="kill-switch-banner"');
    expect(alert).toBeGreaterThan(0);
    expect(alert).toBeLessThan(html.indexOf('class="headline"'));
    expect(html).toContain('<strong>KILL SWITCH TRIPPED at 2024-01-01 04:00 UTC: 5 losing trades in a row reached maxConsecutiveLosses 5</strong>');
    expect(html).toContain('<div>It refused 9 signals (KILL_SWITCH_NOT_ARMED) after the trip over the remaining 0.3 days of the period.</div>');
    expect(html).toContain('<tr><th>Signals refused after the trip (KILL_SWITCH_NOT_ARMED)</th><td>9</td></tr>');
    // The last BTC/USDT close is 20: 2 × 20 = 40 against a cost of 38.
    expect(html).toMatch(/<td>BTC\/USDT<\/td><td>2024-01-01 08:00<\/td><td class="num">2<\/td><td class="num">38\.00<\/td><td class="num">20<\/td><td class="num">40\.00<\/td><td class="num pos">2\.00<\/td>/);
    expect(html).not.toContain('"status":"TRIPPED"');
    expect(renderHtmlReport(input())).not.toContain('kill-switch-banner');
  });

  it('makes every trade column sortable, offers side and exit-reason filters, and carries buy and hold and plot lines', () => {
    const plots = { 'BTC/USDT': [{ name: 'SMA 2', values: [null, 11.5, 12.5, 13.5, 14.5, 15.5, 16.5, 17.5, 18.5, 19.5] }] };
    const html = renderHtmlReport({ ...input(), plots });
    const head = html.slice(html.indexOf('id="trades-table"'), html.indexOf('</thead>', html.indexOf('id="trades-table"')));
    expect(head.match(/data-sort="(num|text|duration)"/g)).toHaveLength(13);
    expect(html).toContain('<select id="trades-side" aria-label="All sides"><option value="">All sides</option><option value="long">long</option></select>');
    expect(html).toContain('<option value="signal">signal</option>');
    expect(html).toContain('<input type="checkbox" id="log-scale">');
    const data = JSON.parse(/<script id="report-data" type="application\/json">([^<]*)<\/script>/.exec(html)![1]!);
    // 1000 split over BTC (11 → 20) and ETH (11 → 20) at their first close; the curve's last mark is at the last close.
    expect(data.buyHold).toHaveLength(10);
    expect(data.buyHold.at(-1)).toBeCloseTo(1000 * (20 / 11), 2);
    expect(data.symbols[0].plots).toEqual([{ name: 'SMA 2', color: '#f59e0b', values: plots['BTC/USDT'][0]!.values }]);
    expect(data.symbols[1].plots).toEqual([]);
  });
});
