import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliContext } from '../../shared/cli/cli-context.js';
import { runCli } from '../../shared/cli/run-cli.js';

const CHROMIUM = process.env.STRATUS_CHROMIUM ?? '/usr/bin/chromium';
const DATA = resolve(import.meta.dirname, '../../shared/local/data');

/** Per price chart: the candle axis' bottom price, and each plot line's scale and the pixel rows its values span. */
const SCALES = `window.stratusReport.priceCharts.slice(1).map((c, i) => {
  const h = c.panes()[0].getHeight();
  const lines = window.stratusReport.series.plots[i].map((l) => {
    const vs = l.data().filter((d) => d.value !== undefined).map((d) => d.value);
    const ys = [Math.min(...vs), Math.max(...vs)].map((v) => l.priceToCoordinate(v));
    return { title: l.options().title, scale: l.options().priceScaleId, top: Math.min(...ys), bottom: Math.max(...ys) };
  });
  return { height: h, axisBottom: window.stratusReport.priceSeries[i + 1].coordinateToPrice(h - 1), lines };
})`;

describe.skipIf(!existsSync(CHROMIUM))('HTML report: a strategy\'s oscillator lines (RSI, momentum M) beside the candles', () => {
  let dir = '';
  let browser: Browser;
  const pages: Record<string, Page> = {};

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stratus-review-html-'));
    const ctx: CliContext = {
      policies: () => { throw new Error('no stores'); }, state: () => { throw new Error('no stores'); }, clock: { now: () => 0 },
      out: () => {}, err: () => {}, readText: (p) => readFile(p, 'utf8'),
    };
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--headless', '--no-sandbox', '--disable-gpu'] });
    for (const strategy of ['rsi-reversion', 'momentum']) {
      const html = join(dir, `${strategy}.html`);
      expect(await runCli(['backtest', '--strategy', strategy, '--symbols', 'BTC/USDT', '--timeframe', '1m', '--from', '2021-05-18',
        '--to', '2021-05-19', '--data', DATA, '--html', html], ctx)).toBe(0);
      const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
      await page.route('**/*', (r) => (r.request().url().startsWith('file:') ? r.continue() : r.abort()));
      await page.goto(pathToFileURL(html).href, { waitUntil: 'load' });
      await page.waitForFunction('document.body.dataset.chartsDrawn !== undefined');
      await page.evaluate('new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))');
      pages[strategy] = page;
    }
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('keeps the BTC candles on their own price axis: RSI 0-100 no longer drags its bottom to ~0 (candles squashed flat)', async () => {
    const [chart] = await pages['rsi-reversion']!.evaluate<{ height: number; axisBottom: number; lines: { title: string; scale: string }[] }[]>(SCALES);
    expect(chart!.axisBottom).toBeGreaterThan(30_000);
    expect(chart!.lines.map((l) => [l.title, l.scale])).toEqual([['RSI 14', 'indicator'], ['oversold 30', 'indicator'], ['exit 50', 'indicator']]);
  });

  it('draws the momentum M line (negative values included) readable and inside the chart, not a flat line at the price axis\' 0', async () => {
    const [chart] = await pages.momentum!.evaluate<{ height: number; lines: { scale: string; top: number; bottom: number }[] }[]>(SCALES);
    expect(chart!.lines.length).toBeGreaterThan(0);
    for (const line of chart!.lines) {
      expect(line.scale).toBe('indicator');
      expect(line.top).toBeGreaterThanOrEqual(0);
      expect(line.bottom).toBeLessThanOrEqual(chart!.height);
      expect(line.bottom - line.top).toBeGreaterThan(chart!.height * 0.1);
    }
  });
});
