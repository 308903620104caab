import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliContext } from '../../../shared/cli/cli-context.js';
import { runCli } from '../../../shared/cli/run-cli.js';

const SHIPPED = resolve(import.meta.dirname, '../../../shared/local/data');
const MARKET = resolve(import.meta.dirname, '../../../../shared/data/market');
const HAVE_MARKET = existsSync(join(MARKET, 'binance_BTC-USDT_1h.csv.gz'));

function captureContext() {
  const output = { out: '', err: '' };
  const none = () => { throw new Error('durability must not touch the stores without a deployment'); };
  const ctx: CliContext = {
    policies: none, state: none, clock: { now: () => 0 }, out: (t) => { output.out += t; }, err: (t) => { output.err += t; },
    readText: (path) => readFile(path, 'utf8'),
  };
  return { ctx, output };
}

let dir: string;
beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'stratus-durability-test-')); });
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

/** Runs `stratus durability` with `args` and the policy params; returns exit code, output and the parsed --json text. */
async function durability(name: string, params: Record<string, number>, args: readonly string[]) {
  const policy = join(dir, `${name}-policy.json`);
  const json = join(dir, `${name}.json`);
  await writeFile(policy, JSON.stringify({ strategies: [{ name: 'sma-cross', params }] }));
  const { ctx, output } = captureContext();
  const code = await runCli(['durability', '--strategy', 'sma-cross', '--policy', policy, '--workers', '2', '--json', json, ...args], ctx);
  const text = code === 0 ? await readFile(json, 'utf8') : '';
  return { code, output, text, report: text ? JSON.parse(text) : undefined };
}

const SHIPPED_ARGS = ['--symbols', 'BTC/USDT', '--timeframe', '1m', '--from', '2021-05-18', '--to', '2021-05-19', '--data', SHIPPED,
  '--train', '12h', '--test', '12h', '--levels', '0,10,40', '--multiples', '1,100'];

describe('stratus durability on the shipped 1m data', () => {
  it('prints the score, rating and components (the gap not available, weights renormalised) and writes byte-identical JSON twice', async () => {
    const { code, output, report, text } = await durability('same-a', { fast: 10, slow: 40 }, SHIPPED_ARGS);
    expect(output.err).not.toMatch(/stratus durability:/);
    expect(code).toBe(0);
    expect(output.err).toMatch(/durability: 7 runs \(walk-forward 1 windows × 2, 3 cost levels, 2 stakes\) on 2 worker threads/);
    expect(output.out).toMatch(/^durability sma-cross BTC\/USDT 1m 2021-05-18\.\.2021-05-19: \d+\.\d \/ 100, (excellent|good|marginal|poor|unviable)/);
    expect(output.out).toMatch(/\ngap {8}15 {6}- {12}- {8}- {9}not available: no deployment reachable \(POLICY_TABLE and STATE_TABLE not set\)\n/);
    expect(output.out).toMatch(/weights renormalised over 4 of 5 components \(gap not available\)/);
    expect(report.components.map((c: { name: string }) => c.name)).toEqual(['oos', 'cost', 'stability', 'capacity', 'gap']);
    const measured = report.components.filter((c: { subscore: number | null }) => c.subscore !== null);
    expect(measured.reduce((a: number, c: { weight: number; subscore: number }) => a + c.weight * c.subscore, 0) / 85).toBeCloseTo(report.score, 1);
    expect(report.inputs.capacity.runs.map((r: { multiple: number }) => r.multiple)).toEqual([1, 100]);
    expect(report.inputs.trades).toBeGreaterThan(0);
    const again = await durability('same-b', { fast: 10, slow: 40 }, SHIPPED_ARGS);
    expect(again.text.replace(/same-b-policy/g, 'same-a-policy')).toBe(text);
  });
});

describe.skipIf(!HAVE_MARKET)('stratus durability on BTC/USDT and ETH/USDT 1h (../shared/data/market)', () => {
  const args = ['--symbols', 'BTC/USDT,ETH/USDT', '--timeframe', '1h', '--from', '2021-01-01', '--to', '2021-03-02', '--data', MARKET,
    '--train', '30d', '--test', '30d', '--levels', '0,10,40', '--multiples', '1,100'];

  it('scores a churning 2/3 SMA cross with no break-even cost far below a 20/100 cross that breaks even above the fee', async () => {
    const fragile = await durability('fragile', { fast: 2, slow: 3 }, args);
    const robust = await durability('robust', { fast: 20, slow: 100 }, args);
    expect([fragile.code, robust.code]).toEqual([0, 0]);
    expect(fragile.report.floors.map((f: { cap: string }) => f.cap)).toContain('unviable');
    expect(fragile.report.rating).toBe('unviable');
    expect(robust.report.inputs.cost.breakEvenBps).toBeGreaterThan(robust.report.inputs.cost.feeBps);
    expect(robust.report.floors).toEqual([]);
    expect(robust.report.score).toBeGreaterThan(fragile.report.score + 40);
    expect(['excellent', 'good']).toContain(robust.report.rating);
  });
});
