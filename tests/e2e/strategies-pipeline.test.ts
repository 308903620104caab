import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { paperMarkets } from '../../shared/adapters/paper-markets.js';
import type { BacktestRun } from '../../shared/backtest/types.js';
import type { Decision } from '../../shared/domain/decision.js';
import type { Ledger } from '../../shared/domain/ledger.js';
import { dec } from '../../shared/domain/money.js';
import type { Fill } from '../../shared/domain/order.js';
import type { LoadedPolicy, Policy } from '../../shared/domain/policy.js';
import { readCandleDir, replayDataDir } from '../../shared/local/candle-files.js';
import { pipelineOpenPositions, pipelineRoundTrips } from '../support/parity.js';
import { cliHarness } from '../unit/cli/cli-harness.js';

const SYMBOLS = ['BTC/USDT', 'ETH/USDT'];
const FROM = Date.UTC(2021, 4, 19, 14, 0);
const TO = Date.UTC(2021, 4, 19, 16, 50);
const BREAKOUT = path.resolve(import.meta.dirname, '../support/strategies/breakout.ts');
const EXITS = { stopLossPct: -1, takeProfitPct: 1, timeStopMinutes: 30 };

/** Pacing and cooldowns out of the way, so the strategies' budgets are what holds entries back. */
const LOOSE = {
  pacing: { maxTradesPerDay: 500, maxTradesPerHour: 60, maxNewPositionsPerHour: 60, minSecondsBetweenTrades: 0, perSymbolCooldownSeconds: 0 },
  protections: {
    cooldown: { enabled: false, lockMinutes: 0 },
    stoplossGuard: { enabled: false, lookbackMinutes: 1440, lockMinutes: 360, tradeLimit: 3, perPair: false },
    lowProfitPairs: { enabled: false, lookbackMinutes: 2880, lockMinutes: 720, tradeLimit: 3, requiredProfitPct: 0 },
  },
};

/** sma-cross and rsi-reversion on both symbols, each within an 8 % budget (a 5 % stake, and 3 % more beside it); momentum listed but off. */
const TWO_STRATEGIES = {
  symbols: SYMBOLS, risk: { stakePct: 5, maxPositionPct: 6 }, exits: EXITS, ...LOOSE,
  strategies: [
    { name: 'sma-cross', params: { fast: 5, slow: 20 }, riskBudgetPct: 8 },
    { name: 'rsi-reversion', params: { period: 14, oversold: 35, exitLevel: 55 }, riskBudgetPct: 8 },
    { name: 'momentum', enabled: false, params: { lookback: 5, entryThreshold: 1, exitThreshold: 0 } },
  ],
};

interface Books { fills: readonly Fill[]; ledger: Ledger; loaded: LoadedPolicy; decisions: readonly Decision[] }

/** The embedded pipeline on the window (a fresh module graph: its AWS clients bind to the first emulators). */
async function pipeline(policy: Record<string, unknown>, before?: () => Promise<void>) {
  vi.resetModules();
  await before?.();
  const { runEmbedded } = await import('../../shared/local/embedded.js');
  const candles = await readCandleDir(replayDataDir(), SYMBOLS, '1m', { from: FROM, to: TO });
  let books: Books | undefined;
  const summary = await runEmbedded({
    candles, policy,
    onFinished: async (deps) => {
      books = { fills: await deps.state.listFills(), ledger: (await deps.state.getLedger())!.value, loaded: await deps.policies.load(), decisions: await deps.state.listDecisions() };
    },
  });
  expect(summary.runtime).toEqual({ scheduledErrors: 0, handlerErrors: 0, undrainedPolls: 0 });
  expect(books!.loaded.source).toBe('active');
  return { summary, candles, ...books! };
}

/** The backtest (exact reference, or the fast path with the strategies' screens) in the pipeline's module graph. */
async function backtest(policy: Policy, hash: string, candles: Parameters<typeof import('../../shared/backtest/engine.js')['runBacktest']>[0]['candles'], exact: boolean): Promise<BacktestRun> {
  const { runBacktest } = await import('../../shared/backtest/engine.js');
  return runBacktest({ policy, policyHash: hash, candles, markets: paperMarkets(), exact });
}

/** The pipeline's books equal the backtest's: trades, open positions, rejections, final equity (exact and fast). */
async function expectSameOutcome(run: Awaited<ReturnType<typeof pipeline>>): Promise<void> {
  const trades = pipelineRoundTrips(run.fills, run.ledger);
  for (const exact of [true, false]) {
    const b = await backtest(run.loaded.policy, run.loaded.hash, run.candles, exact);
    expect(b.unfilled, `exact ${exact}`).toEqual({});
    expect(trades, `exact ${exact}`).toEqual(b.trades);
    expect(pipelineOpenPositions(run.ledger), `exact ${exact}`).toEqual(b.openPositions);
    expect(run.summary.decisions.rejectedByReason, `exact ${exact}`).toEqual(b.rejections);
    expect(dec(run.summary.equity).eq(b.finalEquity), `exact ${exact}: pipeline ${run.summary.equity}, backtest ${b.finalEquity}`).toBe(true);
  }
}

describe('strategies through the embedded pipeline and the backtest (BTC, ETH, 19 May 2021 14:00-16:50 UTC)', () => {
  beforeEach(() => {
    vi.resetModules();
  });

  it('two strategies with their own budgets and a disabled one: the same trades, budget-capped sizes and equity in both', async () => {
    const run = await pipeline(TWO_STRATEGIES);
    const entries = (name: string) => run.decisions.filter((d) => d.strategy === name && d.kind === 'entry');
    expect(entries('sma-cross').filter((d) => d.approved).length).toBeGreaterThan(0);
    expect(entries('rsi-reversion').filter((d) => d.approved).length).toBeGreaterThan(0);
    expect(run.decisions.filter((d) => d.strategy === 'momentum')).toEqual([]);
    // Each strategy's second concurrent entry is sized down to what is left of its 8 % budget beside its 5 % position.
    for (const name of ['sma-cross', 'rsi-reversion']) {
      const notionals = entries(name).filter((d) => d.approved).map((d) => Number(d.notional));
      expect(notionals.some((n) => n > 490), name).toBe(true);
      expect(notionals.some((n) => n > 250 && n < 350), name).toBe(true);
    }
    expect(pipelineRoundTrips(run.fills, run.ledger).length).toBeGreaterThanOrEqual(4);
    await expectSameOutcome(run);

    // The disabled strategy and the budgets matter: enabling momentum, or lifting the budgets, changes the backtest.
    const { policy, hash } = run.loaded;
    const enabled = await backtest({ ...policy, strategies: policy.strategies.map((s) => ({ ...s, enabled: true })) }, hash, run.candles, true);
    expect(enabled.trades).not.toEqual(pipelineRoundTrips(run.fills, run.ledger));
    const unbudgeted = await backtest({ ...policy, strategies: policy.strategies.map(({ riskBudgetPct: _, ...s }) => s) }, hash, run.candles, true);
    expect(unbudgeted.trades).not.toEqual(pipelineRoundTrips(run.fills, run.ledger));
  }, 180_000);

  it('a user strategy module loaded with --strategy-file runs through the real handlers of `stratus start`, as in the backtest', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stratus-user-start-'));
    const policy = { symbols: SYMBOLS, risk: { stakePct: 10, maxPositionPct: 12 }, exits: EXITS, strategies: [{ name: 'breakout', params: { entryLookback: 30, exitLookback: 15 } }] };
    const { runCli } = await import('../../shared/cli/run-cli.js');
    const h = cliHarness();
    const code = await runCli(['start', '--strategy-file', BREAKOUT, '--policy', h.file('policy.json', policy), '--symbols', SYMBOLS.join(','),
      '--from', new Date(FROM).toISOString(), '--to', new Date(TO).toISOString(), '--json', path.join(dir, 'summary.json')], h.ctx);
    expect(code).toBe(0);
    const summary = JSON.parse(fs.readFileSync(path.join(dir, 'summary.json'), 'utf8')) as { intents: number; fills: number; runtime: unknown };
    expect(summary.runtime).toEqual({ scheduledErrors: 0, handlerErrors: 0, undrainedPolls: 0 });
    expect(summary.intents).toBeGreaterThan(3);
    expect(summary.fills).toBeGreaterThan(3);

    // The same module, loaded into a fresh graph, trades the same in the pipeline (read back in full) and the backtest
    // (without start's warm-up candles, which the backtest here does not load).
    const run = await pipeline(policy, async () => { await (await import('../../shared/local/strategy-loader.js')).loadStrategyFiles([BREAKOUT]); });
    expect(run.decisions.every((d) => d.strategy === 'breakout' || d.kind === 'exit')).toBe(true);
    await expectSameOutcome(run);
  }, 180_000);
});
