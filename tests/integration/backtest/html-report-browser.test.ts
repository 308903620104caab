import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliContext } from '../../../shared/cli/cli-context.js';
import { runCli } from '../../../shared/cli/run-cli.js';

// Renders a real `stratus backtest --html` report (the repo's 1m replay data, BTC/ETH, 3 days 20 h = 5,520 candles
// per symbol, so the price charts are aggregated) in Debian's headless Chromium with every non-file request aborted.
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
const CHARTS_DRAWN = 'document.body.dataset.chartsDrawn !== undefined';
const TWO_FRAMES = 'new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))';

describe.skipIf(!HAVE_CHROMIUM && !REQUIRED)('backtest --html in headless Chromium', () => {
  let dir = '';
  let context: BrowserContext | undefined;
  let page: Page;
  let report: { trades: { symbol: string; entryPrice: string; exitPrice: string }[] };
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
});
