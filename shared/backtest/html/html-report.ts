import type { Candle, Timeframe } from '../../domain/candle.js';
import type { PlotLine } from '../../domain/strategy.js';
import type { BacktestMetrics } from '../metrics-types.js';
import type { BacktestReport } from '../types.js';
import { reportAssets, type ReportAssets } from './assets.js';
import { buildChartData, DEFAULT_LIMITS, type ChartLimits } from './chart-data.js';
import { escapeHtml as h, inlineScript, scriptJson } from './escape.js';
import { fmtMoney, fmtPct, fmtTime, signClass } from './format.js';
import { killSwitchBanner, killSwitchTable, openPositionsTable, tradeTools } from './run-state.js';
import { breakdownTable, rejectionsTable, summaryTables, tradesTable } from './tables.js';
import { regimeSection } from './regime-section.js';

/** What the HTML report is made from: the --json report, the candles it ran on and their timeframe. */
export interface HtmlReportInput {
  readonly report: BacktestReport;
  readonly candles: Readonly<Record<string, readonly Candle[]>>;
  readonly timeframe: Timeframe;
  readonly limits?: ChartLimits;
  /** The strategy's plot() lines per symbol (one value per candle of `candles`); none drawn when absent. */
  readonly plots?: Readonly<Record<string, readonly PlotLine[]>>;
  /** Extra notes shown under the price charts (e.g. a plot() that failed). */
  readonly notes?: readonly string[];
  /** Defaults to the installed lightweight-charts and this folder's script and stylesheet. */
  readonly assets?: ReportAssets;
}

const TIME_KEYS = new Set(['from', 'to']);
/** Config keys shown as their own tables instead (kill switch, open positions). */
const OWN_TABLE_KEYS = new Set(['killSwitch', 'openPositions']);

function configTable(config: Readonly<Record<string, unknown>>): string {
  const rows = Object.entries(config).filter(([k]) => !OWN_TABLE_KEYS.has(k)).map(([k, v]) => {
    const text = TIME_KEYS.has(k) && typeof v === 'number' ? fmtTime(v) : typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v);
    return `<tr><th>${h(k)}</th><td><code>${h(text)}</code></td></tr>`;
  });
  return `<div class="card"><table class="kv config">${rows.join('')}</table></div>`;
}

function stat(label: string, value: string, cls = ''): string {
  return `<div class="stat"><div class="label">${h(label)}</div><div class="value ${cls}">${h(value)}</div></div>`;
}

/** A chart container; `legend` lists its overlay lines (name, colour). */
function chartBox(id: string, title: string, size = '', legend: readonly (readonly [string, string])[] = []): string {
  const keys = legend.length
    ? `<div class="legend">${legend.map(([name, color]) => `<span><i style="background:${h(color)}"></i>${h(name)}</span>`).join('')}</div>` : '';
  return `<div class="chart-box"><h3>${h(title)}</h3>${keys}<div id="${h(id)}" class="chart ${size}" data-chart></div></div>`;
}

/** Colour of the buy-and-hold line on the equity chart. */
const BUY_HOLD_COLOR = '#9333ea';

/**
 * The self-contained report page (no network needed): a kill-switch alert when it tripped, headline figures, equity
 * (with buy and hold) and drawdown charts, a price chart per symbol with entry/exit markers and the strategy's plot
 * lines (lightweight-charts, inlined; log scale toggle; price axes never below 0), the metric, breakdown, rejection,
 * open-position and kill-switch tables, the regime gate's band and tables (when it was on), and a sortable, filterable trade table; laid out down to phone width. All text is HTML-escaped; the chart data travels as JSON in a script element with `<` escaped.
 * The same input gives the same bytes (no clock, no randomness).
 */
export function renderHtmlReport(input: HtmlReportInput): string {
  const { report, candles, timeframe } = input;
  const assets = input.assets ?? reportAssets();
  const m = report.metrics as unknown as BacktestMetrics;
  const c = report.config;
  const data = buildChartData(report, candles, timeframe, input.limits ?? DEFAULT_LIMITS, input.plots ?? {});
  const strategy = typeof c.strategy === 'string' ? c.strategy : 'backtest';
  const symbols = Object.keys(candles).sort();
  const period = `${fmtTime(c.from as number | undefined)} → ${fmtTime(c.to as number | undefined)} UTC`;
  const noteList = [...data.notes, ...(input.notes ?? [])];
  const notes = noteList.length ? `<ul class="notes">${noteList.map((n) => `<li>${h(n)}</li>`).join('')}</ul>` : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${h(`Backtest: ${strategy} on ${symbols.join(', ')}`)}</title>
<style>${assets.css}</style>
</head>
<body>
<main>
<header><h1>${h(`Backtest — ${strategy}`)}</h1><span class="subtitle">${h(`${symbols.join(', ')} · ${timeframe} · ${period}`)}</span></header>
${killSwitchBanner(report)}
<div class="headline">
${stat('Final balance', fmtMoney(m.finalBalance))}${stat('Total profit', fmtPct(m.totalProfitPct), signClass(m.totalProfitPct))}
${stat('Buy & hold', fmtPct(m.marketChangePct), signClass(m.marketChangePct))}${stat('Max drawdown', fmtPct(m.maxDrawdownPct), m.maxDrawdownPct > 0 ? 'neg' : '')}
${stat('Sharpe', m.sharpe === null ? '—' : m.sharpe.toFixed(2))}${stat('Trades', String(m.trades))}${stat('Win rate', fmtPct(m.winRatePct, 1))}
</div>
<h2>Equity</h2>
<label class="toggle"><input type="checkbox" id="log-scale"> Logarithmic price scale (equity and price charts)</label>
${chartBox('chart-equity', 'Equity (quote currency, marked to market)', '', data.buyHold.length
    ? [['Strategy', '#2563eb'], ['Buy & hold (same cash, equal weight per pair, no fees)', BUY_HOLD_COLOR]] : [])}
${chartBox('chart-drawdown', 'Drawdown (% from peak equity)', 'small')}
<h2>Price and trades</h2>
${data.symbols.map((s, i) => chartBox(`chart-price-${i}`, `${s.symbol} — ▲ entry, ▼ exit (green: profit, red: loss)`, 'tall',
    s.plots.map((p) => [p.name, p.color] as const))).join('\n')}
${notes}
<h2>Summary</h2>
${summaryTables(m)}
<h2>Per pair</h2>
${breakdownTable('Pair', m.perPair ?? [])}
<h2>Per exit reason</h2>
${breakdownTable('Exit reason', m.perExitReason ?? [])}
<h2>Per month (by exit time, UTC)</h2>
${breakdownTable('Month', m.perMonth ?? [])}
<h2>Rejected signals by reason</h2>
<div class="narrow">${rejectionsTable(report.rejections)}</div>
${regimeSection(report.regime)}
<h2>Open positions at the end</h2>
${openPositionsTable(report, candles)}
<h2>Kill switch</h2>
<div class="narrow">${killSwitchTable(report)}</div>
<h2>Trades (${report.trades.length})</h2>
${tradeTools(report.trades)}
<div class="trades-scroll">${tradesTable(report.trades)}</div>
<h2>Run configuration</h2>
${configTable(c)}
<footer>Generated by <code>stratus backtest</code>. Times are UTC. Metric definitions: the README, Backtesting → Metric definitions.
Charts: TradingView Lightweight Charts™ 5 (Apache-2.0), inlined.</footer>
</main>
<script id="report-data" type="application/json">${scriptJson({ curve: data.curve, buyHold: data.buyHold, buyHoldColor: BUY_HOLD_COLOR, symbols: data.symbols })}</script>
<script>${inlineScript(assets.chartLibrary)}</script>
<script>${inlineScript(assets.clientScript)}</script>
</body>
</html>
`;
}
