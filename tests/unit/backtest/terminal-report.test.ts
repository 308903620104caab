import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliContext } from '../../../shared/cli/cli-context.js';
import { runCli } from '../../../shared/cli/run-cli.js';
import { dec } from '../../../shared/domain/money.js';

// Terminal output of `stratus backtest`, cost-sweep and walk-forward on real candles: the repo's 1m replay data (BTC/ETH,
// 17–20 May 2021, where the default policy's kill switch trips on 17 May), and the README's own example on ../shared.
const REPO_DATA = resolve(import.meta.dirname, '../../../shared/local/data');
const MARKET = resolve(import.meta.dirname, '../../../../shared/data/market');
const HAVE_MARKET = existsSync(join(MARKET, 'binance_BTC-USDT_1h.csv.gz'));
if (!HAVE_MARKET) console.warn(`skipping the README-example terminal report test: ${MARKET} (the team data folder ../shared) is absent`);

const REPO_RUN = ['--strategy', 'sma-cross', '--symbols', 'BTC/USDT,ETH/USDT', '--timeframe', '1m', '--from', '2021-05-17',
  '--to', '2021-05-20T12:00:00Z', '--data', REPO_DATA];

interface Report {
  config: { killSwitch: { status: string; at?: number; reason?: string } };
  metrics: { trades: number; finalBalance: string };
  rejections: Record<string, number>;
  trades: { symbol: string; pnl: string; fees: string; exitReason: string }[];
}

function context(tty = false): CliContext & { output: { out: string; err: string } } {
  const output = { out: '', err: '' };
  const none = () => { throw new Error('must not touch the stores'); };
  return {
    output, policies: none, state: none, clock: { now: () => 0 }, errIsTty: tty,
    out: (t) => { output.out += t; }, err: (t) => { output.err += t; }, readText: (path) => readFile(path, 'utf8'),
  };
}

/** The banner's text with its frame and line wrapping undone. */
function bannerText(out: string): string {
  return out.split('\n').filter((l) => l.startsWith('!! ')).map((l) => l.slice(3).trim()).join(' ');
}

/** The body and TOTAL rows of a titled table, each split into its cells. */
function tableRows(out: string, title: string): { rows: string[][]; total: string[] } {
  const lines = out.slice(out.indexOf(`${title}\n`)).split('\n');
  const rules = lines.map((l, i) => (/^-+(\s+-+)*$/.test(l) ? i : -1)).filter((i) => i >= 0);
  const cells = (l: string) => l.trim().split(/\s{2,}/);
  return { rows: lines.slice(rules[0]! + 1, rules[1]).map(cells), total: cells(lines[rules[1]! + 1]!) };
}

const money = (text: string) => dec(text.replace(/,/g, ''));
const cents = (values: readonly string[]) => values.reduce((sum, v) => sum.add(dec(v)), dec(0)).toFixed(2);

describe('stratus backtest terminal report', () => {
  let dir = '';
  let report: Report;
  let ctx: ReturnType<typeof context>;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stratus-terminal-'));
    ctx = context();
    expect(await runCli(['backtest', ...REPO_RUN, '--json', join(dir, 'r.json')], ctx), ctx.output.err).toBe(0);
    report = JSON.parse(await readFile(join(dir, 'r.json'), 'utf8'));
  }, 60_000);

  afterAll(async () => { if (dir) await rm(dir, { recursive: true, force: true }); });

  it('ends with a kill-switch banner stating when and why it tripped and how many signals it refused after, from the run', () => {
    const ks = report.config.killSwitch;
    expect(ks.status).toBe('TRIPPED');
    const at = new Date(ks.at!).toISOString();
    const refused = report.rejections.KILL_SWITCH_NOT_ARMED!;
    expect(refused).toBeGreaterThan(0);
    const text = bannerText(ctx.output.out);
    expect(text).toContain(`KILL SWITCH TRIPPED at ${at.slice(0, 10)} ${at.slice(11, 16)} UTC: ${ks.reason}`);
    expect(text).toContain(`It refused ${refused} signals (KILL_SWITCH_NOT_ARMED) after the trip`);
    expect(ctx.output.out.trimEnd().endsWith('!'.repeat(20))).toBe(true);
    expect(ctx.output.err).toMatch(/backtest: \d+ trades, final balance/);
  });

  it('prints per-pair and per-exit-reason tables whose rows sum to their TOTAL row and the TOTAL to the trades', () => {
    expect(report.trades.length).toBeGreaterThan(1);
    for (const [title, keyOf] of [['PER PAIR', (t: Report['trades'][number]) => t.symbol], ['PER EXIT REASON', (t: Report['trades'][number]) => t.exitReason]] as const) {
      const { rows, total } = tableRows(ctx.output.out, title);
      expect(rows.map((r) => r[0]).sort(), title).toEqual([...new Set(report.trades.map(keyOf))].sort());
      expect(total[0]).toBe('TOTAL');
      expect(rows.reduce((n, r) => n + Number(r[1]), 0), title).toBe(report.trades.length);
      expect(Number(total[1])).toBe(report.trades.length);
      const wdl = (r: string[]) => r[6]!.split(' / ').map(Number);
      expect(rows.map(wdl).reduce((a, b) => a.map((x, i) => x + b[i]!)), title).toEqual(wdl(total));
      // P&L and fees: the TOTAL row is the trades' exact sum to the cent, each row its own trades' sum.
      expect(money(total[3]!).toFixed(2)).toBe(cents(report.trades.map((t) => t.pnl)));
      expect(money(total[8]!).toFixed(2)).toBe(cents(report.trades.map((t) => t.fees)));
      for (const r of rows) {
        expect(money(r[3]!).toFixed(2), `${title} ${r[0]}`).toBe(cents(report.trades.filter((t) => keyOf(t) === r[0]).map((t) => t.pnl)));
      }
    }
  });

  it('prints rejections by reason, the summary metrics, and every line within 100 columns', () => {
    const { rows } = tableRows(ctx.output.out, 'REJECTED SIGNALS BY REASON');
    expect(Object.fromEntries(rows.map((r) => [r[0], Number(r[1])]))).toEqual(report.rejections);
    const summary = ctx.output.out.slice(ctx.output.out.indexOf('SUMMARY METRICS\n'));
    const final = dec(report.metrics.finalBalance).toFixed(2).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
    expect(summary).toMatch(new RegExp(`Start → final balance\\s+10,000\\.00 → ${final.replace(/\./g, '\\.')}`));
    expect(summary).toMatch(/Kill switch\s+TRIPPED since /);
    for (const line of ctx.output.out.split('\n')) expect(line.length, line).toBeLessThanOrEqual(100);
  });

  it('prints no banner when the kill switch never tripped, and the tables to stderr when the JSON goes to stdout', async () => {
    await writeFile(join(dir, 'no-trip.json'), '{"killSwitch":{"maxConsecutiveLosses":0}}');
    const quiet = context();
    expect(await runCli(['backtest', ...REPO_RUN, '--policy', join(dir, 'no-trip.json')], quiet)).toBe(0);
    const json = JSON.parse(quiet.output.out) as Report;
    expect(json.config.killSwitch.status).toBe('ARMED');
    expect(quiet.output.err).toContain('PER PAIR');
    expect(quiet.output.err).toMatch(/Kill switch\s+ARMED \(never tripped\)/);
    expect(quiet.output.err).not.toContain('KILL SWITCH TRIPPED');
  }, 60_000);

  it('names the cost level that tripped with its own time and refused count, and draws a progress bar only on a TTY or with --progress', async () => {
    const sweep = (args: string[], tty = false) => { const c = context(tty); return runCli(['cost-sweep', '--levels', '0,5', ...REPO_RUN, ...args], c).then((code) => ({ code, c })); };
    const plain = await sweep([]);
    expect(plain.code).toBe(0);
    expect(plain.c.output.err).not.toContain('cost-sweep [');
    const level = context();
    expect(await runCli(['backtest', ...REPO_RUN, '--fee-bps', '5', '--slippage-bps', '5', '--json', join(dir, 'l5.json')], level)).toBe(0);
    const five = JSON.parse(await readFile(join(dir, 'l5.json'), 'utf8')) as Report;
    expect(five.config.killSwitch.status).toBe('TRIPPED');
    const at = new Date(five.config.killSwitch.at!).toISOString();
    expect(bannerText(plain.c.output.out)).toContain(`5 bps: ${at.slice(0, 10)} ${at.slice(11, 16)} UTC, ${five.config.killSwitch.reason}; `
      + `then refused ${five.rejections.KILL_SWITCH_NOT_ARMED} signals (KILL_SWITCH_NOT_ARMED)`);
    for (const run of [await sweep(['--progress']), await sweep([], true)]) {
      expect(run.code).toBe(0);
      expect(run.c.output.err).toContain('cost-sweep [##############################] 100.0% 2/2 runs');
      expect(run.c.output.out).not.toContain('cost-sweep [');
    }
  }, 120_000);

  it('banners the walk-forward test windows that tripped and draws its progress bar with --progress', async () => {
    const c = context();
    const code = await runCli(['walk-forward', ...REPO_RUN, '--train', '1d', '--test', '12h', '--grid', 'fast=10,20;slow=50', '--progress'], c);
    expect(code, c.output.err).toBe(0);
    expect(c.output.err).toMatch(/walk-forward \[#+\] 100\.0% 15\/15 runs/);
    expect(bannerText(c.output.out)).toMatch(/^KILL SWITCH TRIPPED in [1-5] of 5 test windows .* window \d test: 2021-05-\d\d \d\d:\d\d UTC, .+; then refused \d+ signals? \(KILL_SWITCH_NOT_ARMED\)/);
    expect(bannerText(c.output.out)).toMatch(/It also tripped in \d+ of 10 train runs/);
  }, 120_000);
});

describe.skipIf(!HAVE_MARKET)('the README Backtesting example (../shared/data/market)', () => {
  it('says the default policy trips in January 2020 and then refuses the rest of the signals', async () => {
    const ctx = context();
    const dir = await mkdtemp(join(tmpdir(), 'stratus-readme-'));
    try {
      expect(await runCli(['backtest', '--strategy', 'sma-cross', '--symbols', 'BTC/USDT,ETH/USDT', '--timeframe', '1h', '--from', '2020-01-01',
        '--to', '2022-01-01', '--data', MARKET, '--json', join(dir, 'r.json')], ctx)).toBe(0);
      const r = JSON.parse(await readFile(join(dir, 'r.json'), 'utf8')) as Report;
      const text = bannerText(ctx.output.out);
      expect(text).toContain('KILL SWITCH TRIPPED at 2020-01-');
      expect(text).toContain(`${r.config.killSwitch.reason}`);
      expect(text).toContain(`It refused ${r.rejections.KILL_SWITCH_NOT_ARMED} signals (KILL_SWITCH_NOT_ARMED) after the trip over the remaining`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
