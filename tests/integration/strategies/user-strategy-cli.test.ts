import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { REPO_ROOT } from '../../../lib/bundle-options.js';
import { cliHarness } from '../../unit/cli/cli-harness.js';

const run = promisify(execFile);
const BREAKOUT = path.join(REPO_ROOT, 'tests/support/strategies/breakout.ts');
const REPLAY = path.join(REPO_ROOT, 'shared/local/data');
const MARKET = path.resolve(REPO_ROOT, '../shared/data/market');
const HAVE_MARKET = fs.existsSync(path.join(MARKET, 'binance_BTC-USDT_1h.csv.gz'));

describe('user strategies through the CLI (in process)', () => {
  it('stratus strategies lists built-ins and the loaded file with params, defaults, ranges and warm-up', async () => {
    const h = cliHarness();
    const json = await h.run('strategies', '--strategy-file', BREAKOUT, '--json');
    expect(json.code).toBe(0);
    const list = JSON.parse(json.out) as { name: string; source: string; warmup: number; params: { name: string; default: number; min: number; max: number; integer: boolean }[] }[];
    expect(list.map((s) => [s.name, s.source === 'built-in' ? 'built-in' : 'file', s.warmup])).toEqual([
      ['momentum', 'built-in', 31], ['sma-cross', 'built-in', 51], ['rsi-reversion', 'built-in', 15], ['breakout', 'file', 21],
    ]);
    expect(list[3]!.source).toBe(path.relative(process.cwd(), BREAKOUT));
    expect(list[3]!.params[0]).toEqual({ name: 'entryLookback', integer: true, default: 20, min: 2, max: 500, description: 'closes whose high a breakout must beat' });
    const text = await h.run('strategies', '--strategies-dir', path.dirname(BREAKOUT));
    expect(text.out).toMatch(/^STRATEGY +SOURCE +WARM-UP +PARAM +DEFAULT +RANGE +MEANING\n/);
    expect(text.out).toMatch(/\nrsi-reversion +built-in +15 +period +14 +an integer in 2\.\.200 /);
    expect(text.out).toMatch(/\n +oversold +30 +a number in \[1, 50\] /);
    expect(text.out).toMatch(/\nbreakout +tests\/support\/strategies\/breakout\.ts +21 +entryLookback +20 +an integer in 2\.\.500 /);
  });

  it('policy validate checks a user strategy\'s params by its schema, each problem at its path', async () => {
    const h = cliHarness();
    const file = h.file('p.json', { strategies: [{ name: 'breakout', params: { entryLookback: 1, exitLookbak: 5 } }] });
    const bad = await h.run('policy', 'validate', '--strategy-file', BREAKOUT, file);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/error\s+strategies\.0\.params\.entryLookback\s+STRATEGY_PARAMS\s+.*entryLookback must be an integer in 2\.\.500, got 1/);
    expect(bad.err).toMatch(/error\s+strategies\.0\.params\.exitLookbak\s+STRATEGY_PARAMS\s+.*unknown param "exitLookbak" \(known: entryLookback, exitLookback\)/);
    const good = await h.run('policy', 'validate', '--strategy-file', BREAKOUT, h.file('ok.json', { strategies: [{ name: 'breakout', params: { entryLookback: 30 } }] }));
    expect(good.code).toBe(0);
  });

  it('policy set writes a policy naming a user strategy only when its module is loaded', async () => {
    vi.resetModules(); // a registry no earlier test loaded the module into
    const h = (await import('../../unit/cli/cli-harness.js')).cliHarness();
    const file = h.file('p.json', { strategies: [{ name: 'breakout', params: { entryLookback: 30 } }] });
    const without = await h.run('policy', 'set', file, '--by', 'ops');
    expect(without.code).toBe(1);
    expect(without.err).toMatch(/strategies\.0\.name\s+UNKNOWN_STRATEGY/);
    const withFile = await h.run('policy', 'set', file, '--by', 'ops', '--strategy-file', BREAKOUT);
    expect(withFile.code).toBe(0);
    expect((await h.policies.load()).policy.strategies.map((s) => [s.name, s.params])).toEqual([['breakout', { entryLookback: 30 }]]);
  });

  it('loads the folders or modules STRATUS_STRATEGIES names for any command (status, report, policy get … against a deployment)', async () => {
    vi.resetModules();
    const h = (await import('../../unit/cli/cli-harness.js')).cliHarness();
    const file = h.file('p.json', { strategies: [{ name: 'breakout', params: { entryLookback: 30 } }] });
    process.env.STRATUS_STRATEGIES = path.relative(process.cwd(), path.dirname(BREAKOUT));
    try {
      expect((await h.run('policy', 'validate', file)).code).toBe(0);
    } finally {
      delete process.env.STRATUS_STRATEGIES;
    }
  });

  it('lookahead-checks a user strategy loaded with --strategy-file', async () => {
    const h = cliHarness();
    const r = await h.run('lookahead-check', '--strategy', 'breakout', '--strategy-file', BREAKOUT, '--symbols', 'BTC/USDT,ETH/USDT', '--timeframe', '1m',
      '--from', '2021-05-19T00:00:00Z', '--to', '2021-05-19T06:00:00Z', '--data', REPLAY);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^lookahead-check breakout: PASS, \d+ decisions compared at 5 cuts/);
  });

  it('refuses a strategy file that shadows a built-in, naming the file', async () => {
    const h = cliHarness();
    const shadow = path.join(REPO_ROOT, 'tests/support/strategies/bad/shadows-momentum.ts');
    const r = await h.run('strategies', '--strategy-file', shadow);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`stratus strategies: ${shadow}: strategy name "momentum" is already taken by a built-in strategy; rename it`);
  });

  it('backtests a user strategy loaded with --strategy-file', async () => {
    const h = cliHarness();
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'stratus-user-backtest-')), 'report.json');
    const r = await h.run('backtest', '--strategy', 'breakout', '--strategy-file', BREAKOUT, '--symbols', 'BTC/USDT', '--timeframe', '1m',
      '--from', '2021-05-19T00:00:00Z', '--to', '2021-05-19T06:00:00Z', '--data', REPLAY, '--json', out);
    expect(r.code).toBe(0);
    const report = JSON.parse(fs.readFileSync(out, 'utf8')) as { config: { strategy: string }; trades: unknown[] };
    expect(report.config.strategy).toBe('breakout');
    expect(report.trades.length).toBeGreaterThanOrEqual(3);
  });
});

describe('user strategies through the bundled CLI (bin/stratus.js)', () => {
  let cache: string;
  const stratus = (...args: string[]) => run(process.execPath, [path.join(REPO_ROOT, 'bin', 'stratus.js'), ...args], {
    cwd: REPO_ROOT, env: { PATH: process.env.PATH ?? '', STRATUS_CLI_CACHE: cache }, timeout: 120_000,
  });

  beforeAll(async () => {
    fs.mkdirSync(path.join(REPO_ROOT, 'node_modules', '.cache'), { recursive: true });
    cache = fs.mkdtempSync(path.join(REPO_ROOT, 'node_modules', '.cache', 'stratus-cli-strategies-'));
    await run(process.execPath, [path.join(REPO_ROOT, 'bin', 'cli-bundle.mjs')], { env: { PATH: process.env.PATH ?? '', STRATUS_CLI_CACHE: cache }, timeout: 60_000 });
  }, 90_000);

  afterAll(() => {
    if (cache) fs.rmSync(cache, { recursive: true, force: true });
  });

  it('loads a TypeScript strategy file from the bundle', async () => {
    const { stdout, stderr } = await stratus('strategies', '--strategy-file', 'tests/support/strategies/breakout.ts');
    expect(stderr).not.toContain('running from source');
    expect(stdout).toMatch(/\nbreakout +tests\/support\/strategies\/breakout\.ts +21 /);
  });

  it.skipIf(!HAVE_MARKET)('runs a user strategy in walk-forward\'s worker threads from the bundle', async () => {
    const { stdout, stderr } = await stratus('walk-forward', '--strategy', 'breakout', '--strategy-file', 'tests/support/strategies/breakout.ts',
      '--symbols', 'BTC/USDT', '--timeframe', '1h', '--from', '2021-01-01', '--to', '2021-04-01', '--data', MARKET,
      '--train', '30d', '--test', '30d', '--grid', 'entryLookback=10,20;exitLookback=5,10', '--workers', '2', '--json', path.join(cache, 'wf.json'));
    expect(stderr).toMatch(/walk-forward: done in [\d.]+ s on threads \d+, \d+/);
    expect(stdout).toContain('window');
    const result = JSON.parse(fs.readFileSync(path.join(cache, 'wf.json'), 'utf8')) as { config: { strategy: string }; windows: unknown[] };
    expect(result.config.strategy).toBe('breakout');
    expect(result.windows.length).toBeGreaterThan(0);
  }, 120_000);
});
