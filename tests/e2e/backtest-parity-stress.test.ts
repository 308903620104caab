import { beforeEach, describe, expect, it, vi } from 'vitest';
import { paperMarkets } from '../../shared/adapters/paper-markets.js';
import { runBacktest } from '../../shared/backtest/engine.js';
import { heldCandles } from '../../shared/backtest/stream-holds.js';
import type { BacktestTrade } from '../../shared/backtest/types.js';
import type { Candle } from '../../shared/domain/candle.js';
import type { Ledger } from '../../shared/domain/ledger.js';
import { dec } from '../../shared/domain/money.js';
import type { Fill } from '../../shared/domain/order.js';
import type { LoadedPolicy } from '../../shared/domain/policy.js';
import { readCandleDir } from '../../shared/local/candle-files.js';
import { CRASH_DATA_FROM, CRASH_SYMBOLS, stressDataDir } from '../../shared/stress/crash-data.js';
import { busyPolicy } from '../../shared/stress/policies.js';
import { pipelineOpenPositions, pipelineRoundTrips } from '../support/parity.js';
import { mulberry32 } from '../../shared/domain/prng.js';

const M5 = 300_000;
const at = (h: number, m: number) => Date.UTC(2025, 9, 10, h, m);

/** mulberry32: the "random" windows are the same on every run (the seed is in the case name). */
const random = mulberry32;

/** A window of 2-3 h on the 5m grid of the shipped data and 3-7 of its pairs, drawn from the seed. */
function randomWindow(seed: number): ParityCase {
  const r = random(seed);
  const from = CRASH_DATA_FROM + Math.floor(r() * 380) * M5;
  const to = from + (24 + Math.floor(r() * 12)) * M5;
  const symbols = [...CRASH_SYMBOLS].filter(() => r() < 0.6);
  return { name: `random window (seed ${seed}) ${new Date(from).toISOString().slice(5, 16)}Z, ${(to - from) / M5} candles, ${symbols.join(' ')}`, from, to, symbols: symbols.length >= 3 ? symbols : [...CRASH_SYMBOLS].slice(0, 3), policy: busyPolicy(), held: false };
}

/** A window of the shipped data, its pairs and policy; `held`: the stream guard holds some candle of it; `trades`: the pipeline's count when known. */
interface ParityCase {
  readonly name: string;
  readonly from: number;
  readonly to: number;
  readonly symbols: readonly string[];
  readonly policy: Record<string, unknown>;
  readonly held: boolean;
  readonly trades?: number;
}

/**
 * The 10 Oct 2025 cascade as reported (full profile, rsi-reversion with its defaults, all 7 pairs, no warm-up):
 * XRP's and ADA's 21:15 candles are out of the stream's bad-tick band, so the guard holds them until 21:25 and the
 * pipeline's stop-losses go out a close later than at 21:20; at 21:30 ADA's risk exit is judged before XRP's entry.
 */
const CASES: readonly ParityCase[] = [
  {
    name: 'the reported cascade window 19:00-21:45, full profile, rsi-reversion defaults, all 7 pairs', from: at(19, 0), to: at(21, 45),
    symbols: [...CRASH_SYMBOLS], policy: { timeframe: '5m', profile: 'full', symbols: [...CRASH_SYMBOLS], strategies: [{ name: 'rsi-reversion' }] }, held: true,
  },
  {
    // The reported 21 trades (pipeline) against 22 (backtest before it modelled the guard's holds).
    name: 'the reported window 19:00-21:45 with the stress suite\'s busy book (rsi-reversion period 4), all 7 pairs', from: at(19, 0), to: at(21, 45),
    symbols: [...CRASH_SYMBOLS], policy: busyPolicy(), held: true, trades: 21,
  },
  randomWindow(7),
  randomWindow(20251010),
];

/** Round trips by exit time, then symbol. */
function byClose(trades: readonly BacktestTrade[]): BacktestTrade[] {
  return [...trades].sort((a, b) => a.exitTime - b.exitTime || (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
}

interface PipelineBooks {
  readonly fills: readonly Fill[];
  readonly ledger: Ledger;
  readonly loaded: LoadedPolicy;
  readonly killSwitch: string;
}

describe('parity: the embedded pipeline and the backtest on the 10 Oct 2025 5m cascade data, several pairs per cycle', () => {
  // One embedded run per module graph: the AWS clients are process-wide singletons bound to the first emulators.
  beforeEach(() => {
    vi.resetModules();
  });

  it.each(CASES)('make the same trades, rejections and final equity: $name', async (c) => {
    const { runEmbedded } = await import('../../shared/local/embedded.js');
    const candles = await readCandleDir(stressDataDir(), c.symbols, '5m', { from: c.from, to: c.to });
    let books: PipelineBooks | undefined;
    const summary = await runEmbedded({
      candles, policy: { ...c.policy, symbols: c.symbols },
      onFinished: async (deps) => {
        books = {
          fills: await deps.state.listFills(), ledger: (await deps.state.getLedger())!.value, loaded: await deps.policies.load(),
          killSwitch: (await deps.state.getKillSwitch())?.value.status ?? 'ARMED',
        };
      },
    });
    expect(summary.runtime).toEqual({ scheduledErrors: 0, handlerErrors: 0, undrainedPolls: 0 });
    // The backtest models the guard's holds; a dropped candle (a refuted outlier) would leave a hole it does not model.
    expect(summary.badTicksDropped).toBe(0);
    const { fills, ledger, loaded } = books!;
    expect(loaded.source).toBe('active');
    const series = c.symbols.map((s) => candles[s] as Candle[]);
    expect(heldCandles(series).some((h) => h.size > 0), 'the stream guard holds a candle of the window').toBe(c.held);
    const trades = pipelineRoundTrips(fills, ledger);
    expect(trades.length).toBeGreaterThanOrEqual(2);
    if (c.trades !== undefined) expect(trades).toHaveLength(c.trades);
    expect(fills).toHaveLength(2 * trades.length + Object.keys(ledger.positions).length);
    for (const exact of [true, false]) {
      const backtest = runBacktest({ policy: loaded.policy, policyHash: loaded.hash, candles, markets: paperMarkets(), exact });
      expect(backtest.unfilled, `exact ${exact}`).toEqual({});
      // Trades closed at one time are listed by symbol name by the helper, in scope order by the backtest: compared in one order.
      expect(byClose(trades), `exact ${exact}`).toEqual(byClose(backtest.trades));
      expect(pipelineOpenPositions(ledger), `exact ${exact}`).toEqual(backtest.openPositions);
      expect(summary.decisions.rejectedByReason, `exact ${exact}`).toEqual(backtest.rejections);
      expect(backtest.killSwitch.status, `exact ${exact}`).toBe(books!.killSwitch);
      expect(dec(summary.equity).eq(backtest.finalEquity), `exact ${exact}: pipeline equity ${summary.equity}, backtest ${backtest.finalEquity}`).toBe(true);
    }
  }, 60_000);
});
