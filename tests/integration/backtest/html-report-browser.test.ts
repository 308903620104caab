import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliContext } from '../../../shared/cli/cli-context.js';
import { runCli } from '../../../shared/cli/run-cli.js';

// Renders a real `stratus backtest --html` report (the repo's 1m replay data, BTC/ETH, 3 days 20 h = 5,520 candles
// per symbol, so the price charts are aggregated; the default policy's kill switch trips) in Debian's headless Chromium
// with every non-file request aborted; and a second report on a synthetic series that rises 10 → ~560 (a price axis
// whose autoscale margin would go below 0) and ends with a position open.
const CHROMIUM = process.env.STRATUS_CHROMIUM ?? '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
const REQUIRED = process.env.STRATUS_REQUIRE_BROWSER === '1';
const DATA = resolve(import.meta.dirname, '../../../shared/local/data');
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync'];
if (!HAVE_CHROMIUM && !REQUIRED) {
  console.warn(`skipping the HTML report browser test: ${CHROMIUM} not found (apt-get install chromium; `
    + 'set STRATUS_REQUIRE_BROWSER=1 to make a missing browser a failure)');
}

interface ChartPixels { id: string; canvases: number; sized: number; colored: number; blue: number; red: number }

// Page-side code is kept as plain JS text: the project compiles without DOM types.
/** Per chart container: canvases, how many have a non-zero size, and counts of saturated / blue / red pixels. */
const CHART_PIXELS = `[...document.querySelectorAll('[data-chart]')].map((el) => {
  const out = { id: el.id, canvases: 0, sized: 0, colored: 0, blue: 0, red: 0 };
  for (const canvas of el.querySelectorAll('canvas')) {
    out.canvases += 1;
    if (canvas.width === 0 || canvas.height === 0) continue;
    out.sized += 1;
    const px = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    for (let i = 0; i < px.length; i += 4) {
      const r = px[i], g = px[i + 1], b = px[i + 2], a = px[i + 3];
      if (a < 128 || Math.max(r, g, b) - Math.min(r, g, b) < 80) continue;
      out.colored += 1;
      if (b > 180 && r < 110 && g < 150) out.blue += 1;
      if (r > 180 && g < 90 && b < 90) out.red += 1;
    }
  }
  return out;
})`;
/** Pixels per chart of the strategy plot colours (amber #f59e0b, violet #7c3aed) and of the buy-and-hold purple #9333ea. */
const OVERLAY_PIXELS = `[...document.querySelectorAll('[data-chart]')].map((el) => {
  const out = { id: el.id, amber: 0, violet: 0, purple: 0 };
  for (const canvas of el.querySelectorAll('canvas')) {
    if (canvas.width === 0 || canvas.height === 0) continue;
    const px = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    for (let i = 0; i < px.length; i += 4) {
      const r = px[i], g = px[i + 1], b = px[i + 2], a = px[i + 3];
      if (a < 128) continue;
      if (r > 200 && g > 120 && g < 190 && b < 70) out.amber += 1;
      if (r > 95 && r < 150 && g < 90 && b > 205) out.violet += 1;
      if (r > 130 && r < 175 && g < 80 && b > 200) out.purple += 1;
    }
  }
  return out;
})`;
/** The price at the bottom pixel row of each chart whose axis is a price (equity and price charts), and its scale's mode. */
const PRICE_AXES = `window.stratusReport.priceCharts.map((c, i) => ({
  from: window.stratusReport.priceSeries[i].coordinateToPrice(c.panes()[0].getHeight() - 1), mode: c.priceScale('right').options().mode }))`;
const CHARTS_DRAWN = 'document.body.dataset.chartsDrawn !== undefined';
const TWO_FRAMES = 'new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))';

interface ReportJson {
  config: { killSwitch: { status: string; at?: number; reason?: string }; openPositions: { symbol: string; quantity: string }[] };
  metrics: { startBalance: string; marketChangePct: number };
  rejections: Record<string, number>;
  trades: { symbol: string; entryPrice: string; exitPrice: string; entryTime: number; exitTime: number; pnl: string; exitReason: string }[];
}

/** A 1h SOL/USDT series from 10 to 1000 over 1,500 candles with a ±12 % wave (sma-cross trades every swing). */
function syntheticCsv(): string {
  const rows = ['timestamp,open,high,low,close,volume'];
  let prev = 10;
  for (let i = 0; i < 1500; i++) {
    const close = Number((10 * Math.exp((Math.log(100) * i) / 1499) * (1 + 0.12 * Math.sin(i / 18))).toFixed(4));
    rows.push([Date.UTC(2023, 0, 1) + i * 3_600_000, prev, Math.max(prev, close) * 1.004, Math.min(prev, close) * 0.996, close, 1e6].join(','));
    prev = close;
  }
  return `${rows.join('\n')}\n`;
}

/** The trade table's visible rows as [#, symbol, pnl text, duration text, exit reason]. */
async function visibleRows(page: Page): Promise<string[][]> {
  return page.$$eval('#trades-table tbody tr:not([hidden])', (trs) => trs.map((tr) => {
    const cells = [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '');
    return [cells[0]!, cells[1]!, cells[9]!, cells[11]!, cells[12]!];
  }));
}

describe.skipIf(!HAVE_CHROMIUM && !REQUIRED)('backtest --html in headless Chromium', () => {
  let dir = '';
  let context: BrowserContext | undefined;
  let page: Page;
  let synth: Page;
  let report: ReportJson;
  let synthReport: ReportJson;
  const requests: string[] = [];
  const blocked: string[] = [];
  const errors: string[] = [];

  beforeAll(async () => {
    if (!HAVE_CHROMIUM) return;
    dir = await mkdtemp(join(tmpdir(), 'stratus-html-'));
    const err: string[] = [];
    const ctx: CliContext = {
      policies: () => { throw new Error('no stores'); }, state: () => { throw new Error('no stores'); }, clock: { now: () => 0 },
      out: () => {}, err: (t) => { err.push(t); }, readText: (p) => readFile(p, 'utf8'),
    };
    const code = await runCli(['backtest', '--strategy', 'sma-cross', '--symbols', 'BTC/USDT,ETH/USDT', '--timeframe', '1m',
      '--from', '2021-05-17', '--to', '2021-05-20T20:00:00Z', '--data', DATA, '--seed', '1',
      '--json', join(dir, 'report.json'), '--html', join(dir, 'report.html')], ctx);
    expect(code, err.join('')).toBe(0);
    report = JSON.parse(await readFile(join(dir, 'report.json'), 'utf8'));
    // The synthetic run: no kill-switch trips, cut 4 h after an entry so the position is still open at the end.
    await mkdir(join(dir, 'syn'));
    await writeFile(join(dir, 'syn', 'binance_SOL-USDT_1h.csv'), syntheticCsv());
    await writeFile(join(dir, 'syn-policy.json'), '{"killSwitch":{"maxConsecutiveLosses":0}}');
    const synCode = await runCli(['backtest', '--strategy', 'sma-cross', '--symbols', 'SOL/USDT', '--timeframe', '1h', '--from', '2023-01-01',
      '--to', '2023-02-26T03:00:00Z', '--data', join(dir, 'syn'), '--policy', join(dir, 'syn-policy.json'),
      '--json', join(dir, 'syn.json'), '--html', join(dir, 'syn.html')], ctx);
    expect(synCode, err.join('')).toBe(0);
    synthReport = JSON.parse(await readFile(join(dir, 'syn.json'), 'utf8'));
    context = await chromium.launchPersistentContext(join(dir, 'profile'), {
      executablePath: CHROMIUM, headless: true, args: ARGS, viewport: { width: 1360, height: 900 },
    });
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith('file:')) return route.continue();
      blocked.push(url);
      return route.abort();
    });
    page = context.pages()[0] ?? await context.newPage();
    page.on('request', (r) => { requests.push(r.url()); });
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    page.on('pageerror', (e) => { errors.push(e.message); });
    await page.goto(pathToFileURL(join(dir, 'report.html')).href, { waitUntil: 'load' });
    await page.waitForFunction(CHARTS_DRAWN);
    synth = await context.newPage();
    synth.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    synth.on('pageerror', (e) => { errors.push(e.message); });
    await synth.goto(pathToFileURL(join(dir, 'syn.html')).href, { waitUntil: 'load' });
    await synth.waitForFunction(CHARTS_DRAWN);
  }, 180_000);

  afterAll(async () => {
    await context?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('loads from file:// alone, draws every chart and logs no error', async () => {
    if (!HAVE_CHROMIUM) throw new Error(`STRATUS_REQUIRE_BROWSER=1 but ${CHROMIUM} does not exist: install Debian's chromium package`);
    expect((await stat(join(dir, 'report.html'))).size).toBeGreaterThan(200_000);
    expect(blocked).toEqual([]);
    expect(requests.length).toBeGreaterThan(0);
    expect(requests.filter((u) => !u.startsWith('file:'))).toEqual([]);
    expect(await page.getAttribute('body', 'data-charts-drawn')).toBe('4');
    // lightweight-charts paints on animation frames: let two pass before reading the canvases.
    await page.evaluate(TWO_FRAMES);
    const charts = await page.evaluate<ChartPixels[]>(CHART_PIXELS);
    console.log(`chart pixels: ${JSON.stringify(charts)}`);
    expect(charts.map((c) => c.id)).toEqual(['chart-equity', 'chart-drawdown', 'chart-price-0', 'chart-price-1']);
    for (const c of charts) {
      expect(c.canvases, c.id).toBeGreaterThan(0);
      expect(c.sized, c.id).toBeGreaterThan(0);
      expect(c.colored, c.id).toBeGreaterThan(500);
    }
    const [equity, drawdown, ...prices] = charts;
    expect(equity!.blue).toBeGreaterThan(200);
    expect(drawdown!.red).toBeGreaterThan(200);
    const symbols = ['BTC/USDT', 'ETH/USDT'];
    prices.forEach((c, i) => {
      expect(c.red, c.id).toBeGreaterThan(200);
      // Entry markers are the only blue on a candlestick chart.
      if (report.trades.some((t) => t.symbol === symbols[i])) expect(c.blue, c.id).toBeGreaterThan(20);
    });
    expect(errors).toEqual([]);
  }, 60_000);

  it('shows every trade in the trade list and says the price charts were aggregated', async () => {
    if (!HAVE_CHROMIUM) throw new Error(`STRATUS_REQUIRE_BROWSER=1 but ${CHROMIUM} does not exist: install Debian's chromium package`);
    expect(report.trades.length).toBeGreaterThan(0);
    const rows = await page.$$eval('#trades-table tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
    expect(rows).toHaveLength(report.trades.length);
    rows.forEach((cells, i) => {
      const t = report.trades[i]!;
      expect([cells[1], cells[4], cells[6]]).toEqual([t.symbol, t.entryPrice, t.exitPrice]);
    });
    const text = await page.textContent('main');
    expect(text).toContain('BTC/USDT: 5,520 1m candles aggregated to 1,104 5m bars');
    for (const heading of ['Per pair', 'Per exit reason', 'Rejected signals by reason', 'Summary']) expect(text).toContain(heading);
  });
  const needBrowser = () => {
    if (!HAVE_CHROMIUM) throw new Error(`STRATUS_REQUIRE_BROWSER=1 but ${CHROMIUM} does not exist: install Debian's chromium package`);
  };

  it("draws the strategy's plot lines on each price chart and a buy-and-hold line on the equity chart", async () => {
    needBrowser();
    await page.evaluate(TWO_FRAMES);
    const series = await page.evaluate<{ plots: { title: string; points: number }[][]; buyHold: number; equity: number; lastBuyHold: number }>(`(() => {
      const r = window.stratusReport.series;
      return { plots: r.plots.map((ps) => ps.map((p) => ({ title: p.options().title, points: p.data().filter((d) => d.value !== undefined).length }))),
        buyHold: r.buyHold.data().length, equity: r.equity.data().length, lastBuyHold: r.buyHold.data().at(-1).value };
    })()`);
    // sma-cross plots SMA(20) and SMA(50); 5,520 candles per symbol aggregated to 1,104 bars, each defined after its first period.
    expect(series.plots.map((ps) => ps.map((p) => p.title))).toEqual([['SMA 20', 'SMA 50'], ['SMA 20', 'SMA 50']]);
    for (const ps of series.plots) for (const p of ps) expect(p.points).toBeGreaterThan(1000);
    expect(series.buyHold).toBe(series.equity);
    // Same starting cash, equal weight: it ends at startBalance × (1 + marketChangePct / 100).
    expect(series.lastBuyHold).toBeCloseTo(Number(report.metrics.startBalance) * (1 + report.metrics.marketChangePct / 100), 0);
    const pixels = await page.evaluate<{ id: string; amber: number; violet: number; purple: number }[]>(OVERLAY_PIXELS);
    const byId = Object.fromEntries(pixels.map((p) => [p.id, p]));
    expect(byId['chart-equity']!.purple).toBeGreaterThan(100);
    for (const id of ['chart-price-0', 'chart-price-1']) {
      expect(byId[id]!.amber, id).toBeGreaterThan(100);
      expect(byId[id]!.violet, id).toBeGreaterThan(100);
    }
  });

  it('keeps every price axis at or above 0, in normal and in log mode, and the toggle switches the scale mode', async () => {
    needBrowser();
    for (const p of [page, synth]) {
      await p.evaluate(TWO_FRAMES);
      const axes = await p.evaluate<{ from: number; mode: number }[]>(PRICE_AXES);
      expect(axes.length).toBeGreaterThanOrEqual(2);
      for (const a of axes) { expect(a.mode).toBe(0); expect(a.from).toBeGreaterThanOrEqual(0); }
    }
    // The synthetic series spans 10 → ~560: the default 10 % bottom margin puts the axis bottom near −60 (as buy and hold, 10,000 → ~580,000, does).
    await synth.check('#log-scale');
    await synth.evaluate(TWO_FRAMES);
    const log = await synth.evaluate<{ from: number; mode: number }[]>(PRICE_AXES);
    for (const a of log) { expect(a.mode).toBe(1); expect(a.from).toBeGreaterThan(0); }
    await synth.uncheck('#log-scale');
    await synth.evaluate(TWO_FRAMES);
    for (const a of await synth.evaluate<{ from: number; mode: number }[]>(PRICE_AXES)) { expect(a.mode).toBe(0); expect(a.from).toBeGreaterThanOrEqual(0); }
  });

  it('sorts the trade table by a clicked column (again: reversed) and filters it by text, side and exit reason', async () => {
    needBrowser();
    for (const p of [page, synth]) {
      const trades = p === page ? report.trades : synthReport.trades;
      const money = (t: string) => Number(t.replace(/,/g, ''));
      await p.click('#trades-table th:text-is("P&L")');
      let rows = await visibleRows(p);
      expect(rows.map((r) => money(r[2]!))).toEqual(trades.map((t) => Number(Number(t.pnl).toFixed(2))).sort((a, b) => a - b));
      await p.click('#trades-table th:text-is("P&L")');
      rows = await visibleRows(p);
      expect(rows.map((r) => money(r[2]!))).toEqual(trades.map((t) => Number(Number(t.pnl).toFixed(2))).sort((a, b) => b - a));
      await p.click('#trades-table th:text-is("Duration")');
      const order = trades.map((t, i) => [t.exitTime - t.entryTime, i + 1] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]).map((x) => String(x[1]));
      expect((await visibleRows(p)).map((r) => r[0])).toEqual(order);
      await p.click('#trades-table th:text-is("#")');
      expect((await visibleRows(p)).map((r) => r[0])).toEqual(trades.map((_, i) => String(i + 1)));
      const symbol = trades[0]!.symbol;
      await p.fill('#trades-filter', symbol.slice(0, 3).toLowerCase());
      expect((await visibleRows(p)).map((r) => r[1])).toEqual(trades.filter((t) => t.symbol === symbol).map((t) => t.symbol));
      expect(await p.textContent('#trades-count')).toBe(`${trades.filter((t) => t.symbol === symbol).length} of ${trades.length} trades`);
      await p.fill('#trades-filter', 'no such trade');
      expect(await visibleRows(p)).toEqual([]);
      await p.fill('#trades-filter', '');
      await p.selectOption('#trades-side', 'long');
      expect(await visibleRows(p)).toHaveLength(trades.length);
      const reason = trades.at(-1)!.exitReason;
      await p.selectOption('#trades-reason', reason);
      expect((await visibleRows(p)).map((r) => r[4])).toEqual(trades.filter((t) => t.exitReason === reason).map((t) => t.exitReason));
      await p.selectOption('#trades-reason', '');
      await p.selectOption('#trades-side', '');
      expect(await visibleRows(p)).toHaveLength(trades.length);
    }
  });

  it('shows the kill-switch trip as an alert and a table, and open positions as a table', async () => {
    needBrowser();
    const ks = report.config.killSwitch;
    expect(ks.status).toBe('TRIPPED');
    const at = new Date(ks.at!).toISOString();
    const banner = await page.textContent('#kill-switch-banner');
    expect(banner).toContain(`KILL SWITCH TRIPPED at ${at.slice(0, 10)} ${at.slice(11, 16)} UTC: ${ks.reason}`);
    expect(banner).toContain(`It refused ${report.rejections.KILL_SWITCH_NOT_ARMED} signals`);
    const ksRows = await page.$$eval('#kill-switch-table tr', (trs) => trs.map((tr) => [tr.querySelector('th')?.textContent, tr.querySelector('td')?.textContent]));
    expect(ksRows).toContainEqual(['Status at the end', 'TRIPPED']);
    expect(ksRows).toContainEqual(['Reason', ks.reason]);
    expect(ksRows).toContainEqual(['Signals refused after the trip (KILL_SWITCH_NOT_ARMED)', String(report.rejections.KILL_SWITCH_NOT_ARMED)]);
    expect(await page.textContent('main')).toContain('No position was open when the data ended.');
    expect(await synth.$('#kill-switch-banner')).toBeNull();
    expect(await synth.$$eval('#kill-switch-table td', (tds) => tds.map((td) => td.textContent))).toEqual(['ARMED', 'never']);
    const open = await synth.$$eval('#open-positions-table tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
    expect(synthReport.config.openPositions).toHaveLength(1);
    expect(open.map((cells) => [cells[0], cells[2]])).toEqual(synthReport.config.openPositions.map((p) => [p.symbol, p.quantity]));
    expect(await page.textContent('main')).not.toContain('"status":');
  });

  it('fits a 390 px phone: no horizontal page scroll, every chart inside the viewport', async () => {
    needBrowser();
    for (const p of [page, synth]) {
      await p.setViewportSize({ width: 390, height: 844 });
      await p.evaluate(TWO_FRAMES);
      const layout = await p.evaluate<{ scroll: number; width: number; charts: { id: string; right: number; canvas: number }[] }>(`({
        scroll: document.documentElement.scrollWidth, width: window.innerWidth,
        charts: [...document.querySelectorAll('[data-chart]')].map((el) => ({ id: el.id, right: el.getBoundingClientRect().right,
          canvas: Math.max(...[...el.querySelectorAll('canvas')].map((c) => c.getBoundingClientRect().right)) })),
      })`);
      expect(layout.width).toBe(390);
      expect(layout.scroll).toBeLessThanOrEqual(390);
      for (const c of layout.charts) { expect(c.right, c.id).toBeLessThanOrEqual(390); expect(c.canvas, c.id).toBeLessThanOrEqual(390); }
      await p.setViewportSize({ width: 1360, height: 900 });
    }
    expect(errors).toEqual([]);
  });
});
