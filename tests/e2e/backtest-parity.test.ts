import { beforeEach, describe, expect, it, vi } from 'vitest';
import { paperMarkets } from '../../shared/adapters/paper-markets.js';
import { runBacktest } from '../../shared/backtest/engine.js';
import type { BacktestRun } from '../../shared/backtest/types.js';
import type { Ledger } from '../../shared/domain/ledger.js';
import { dec } from '../../shared/domain/money.js';
import type { Fill } from '../../shared/domain/order.js';
import type { LoadedPolicy, Policy } from '../../shared/domain/policy.js';
import { readCandleDir, replayDataDir } from '../../shared/local/candle-files.js';
import { ordersOf, pipelineOpenPositions, pipelineRoundTrips } from '../support/parity.js';

const SYMBOLS = ['BTC/USDT', 'ETH/USDT'];
const FROM = Date.UTC(2021, 4, 19, 14, 0);
const TO = Date.UTC(2021, 4, 19, 16, 50);

const STAKE = { stakePct: 10, maxPositionPct: 12 };
/** The regime gate with windows short enough to confirm a regime 54 candles into the window; both runtimes read the same candles. */
const REGIME = {
  enabled: true, erPeriod: 10, volPeriod: 5, volLookback: 30, crashWindow: 15, crashDropPct: 2, confirmCandles: 3, crisisHoldCandles: 10, smoothingWindow: 20,
  matrix: { momentum: { trending: 'blocked', 'mean-reverting': 'reduced:0.5' } },
};

/**
 * The conservative defaults (pacing, cooldown, protections, loss limits, kill switch) with a 10 % stake and tight exits,
 * so that on the afternoon of the 19 May 2021 crash risk exits fire and the risk chain rejects most signals. The paper
 * section is the default v2 fill model (5 bps fixed slippage, square-root impact 0.1, 10 % volume cap, seed 1), the
 * fees 10 bps or 7.5 bps.
 */
const CASES = [{
  name: 'price exits (stop-loss, take-profit, trailing stop), pacing, cooldowns and a stoploss-guard global lock',
  policy: { risk: STAKE, exits: { stopLossPct: -1, takeProfitPct: 1, timeStopMinutes: 30, trailingStop: { enabled: true, activationPct: 0.5, trailPct: 0.5 } } },
  minTrades: 6, exitReasons: ['stop-loss', 'take-profit', 'trailing-stop'], killSwitch: 'ARMED', rejected: 'GLOBAL_LOCK',
}, {
  name: 'time exits (time stop, ROI table), 7.5 bps fees and a drawdown kill switch trip',
  policy: { risk: STAKE, paper: { takerFeeBps: 7.5, makerFeeBps: 7.5 }, lossLimits: { maxDrawdownPct: 0.15 }, exits: { stopLossPct: -1, takeProfitPct: 1, timeStopMinutes: 3, roi: [{ afterMinutes: 2, pct: 0.3 }] } },
  minTrades: 3, exitReasons: ['time-stop', 'take-profit', 'stop-loss'], killSwitch: 'TRIPPED', rejected: 'KILL_SWITCH_NOT_ARMED',
}, {
  name: 'Almgren–Chriss impact (execution.impactModel almgren-chriss, calibrated defaults) on the price exits',
  policy: { risk: STAKE, execution: { impactModel: 'almgren-chriss' }, exits: { stopLossPct: -1, takeProfitPct: 1, timeStopMinutes: 30, trailingStop: { enabled: true, activationPct: 0.5, trailPct: 0.5 } } },
  minTrades: 5, exitReasons: ['stop-loss', 'take-profit', 'trailing-stop'], killSwitch: 'ARMED', rejected: 'PAIR_LOCKED',
}, {
  name: 'sliced orders (execution.slicing twap, 3 children all due at once) under Almgren–Chriss impact',
  policy: {
    risk: STAKE, execution: { impactModel: 'almgren-chriss', slicing: { enabled: true, thresholdPctOfRecentVolume: 0.001, slices: 3, intervalSeconds: 0 } },
    exits: { stopLossPct: -1, takeProfitPct: 1, timeStopMinutes: 30, trailingStop: { enabled: true, activationPct: 0.5, trailPct: 0.5 } },
  },
  minTrades: 5, exitReasons: ['stop-loss', 'take-profit', 'trailing-stop'], killSwitch: 'ARMED', rejected: 'PAIR_LOCKED',
}, {
  name: 'the regime gate (small detector windows, BTC leader): momentum blocked while trending, half stake while mean-reverting',
  policy: { risk: STAKE, exits: { stopLossPct: -1, takeProfitPct: 1, timeStopMinutes: 30, trailingStop: { enabled: true, activationPct: 0.5, trailPct: 0.5 } }, regime: REGIME },
  minTrades: 3, exitReasons: ['take-profit', 'stop-loss'], killSwitch: 'ARMED', rejected: 'REGIME_BLOCKED',
}] as const;

interface PipelineBooks {
  readonly fills: readonly Fill[];
  readonly ledger: Ledger;
  readonly loaded: LoadedPolicy;
  readonly killSwitch: string;
}

describe('parity: the embedded pipeline and the backtest on BTC and ETH, 19 May 2021 14:00-16:50 UTC', () => {
  // One embedded run per module graph: the AWS clients are process-wide singletons bound to the first emulators.
  beforeEach(() => {
    vi.resetModules();
  });

  it.each(CASES)('make the same trades, rejections and final equity: $name', async (c) => {
    const { runEmbedded } = await import('../../shared/local/embedded.js');
    const candles = await readCandleDir(replayDataDir(), SYMBOLS, '1m', { from: FROM, to: TO });
    let books: PipelineBooks | undefined;
    const summary = await runEmbedded({
      candles, policy: { ...c.policy, symbols: SYMBOLS },
      onFinished: async (deps) => {
        books = {
          fills: await deps.state.listFills(), ledger: (await deps.state.getLedger())!.value, loaded: await deps.policies.load(),
          killSwitch: (await deps.state.getKillSwitch())?.value.status ?? 'ARMED',
        };
      },
    });
    expect(summary.runtime).toEqual({ scheduledErrors: 0, handlerErrors: 0, undrainedPolls: 0 });
    expect(summary.deadLetters).toEqual({ signals: 0, orders: 0 });
    const { fills, ledger, loaded } = books!;
    expect(loaded.source).toBe('active');

    // Round trips from the pipeline's fills: time, side, quantity and price of each fill, fees of both, pnl, exit reason.
    const trades = pipelineRoundTrips(fills, ledger);
    expect(trades.length).toBeGreaterThanOrEqual(c.minTrades);
    // A sliced order's children fill at one quote: counted as one order's fill (and there must be more fills than orders).
    const sliced = loaded.policy.execution.slicing.enabled;
    const orderFills = sliced ? ordersOf([...fills].sort((a, b) => a.time - b.time || (a.symbol < b.symbol ? -1 : 1))) : fills;
    expect(orderFills).toHaveLength(2 * trades.length + Object.keys(ledger.positions).length);
    if (sliced) expect(fills.length, 'sliced orders fill as several children').toBeGreaterThan(orderFills.length);
    expect(new Set(trades.map((t) => t.exitReason))).toEqual(new Set(c.exitReasons));
    expect(books!.killSwitch).toBe(c.killSwitch);
    expect(summary.decisions.rejectedByReason[c.rejected as keyof typeof summary.decisions.rejectedByReason]).toBeGreaterThan(0);
    // The exact reference (decimal code at every step) and the fast path (float screens) must both match the pipeline.
    for (const exact of [true, false]) {
      const backtest = run(loaded.policy, loaded.hash, candles, exact);
      // The window is chosen so nothing is decided on the last close: the replay would fill that at the last close
      // (there is no next open), the backtest never fills it (DATA_ENDED).
      expect(backtest.unfilled, `exact ${exact}`).toEqual({});
      if ('regime' in c.policy) expect(backtest.regime?.reducedEntries, `exact ${exact}`).toBeGreaterThan(0);
      expect(trades, `exact ${exact}`).toEqual(backtest.trades);
      expect(pipelineOpenPositions(ledger), `exact ${exact}`).toEqual(backtest.openPositions);
      expect(summary.decisions.rejectedByReason, `exact ${exact}`).toEqual(backtest.rejections);
      expect(backtest.killSwitch.status, `exact ${exact}`).toBe(books!.killSwitch);
      expect(dec(summary.equity).eq(backtest.finalEquity), `exact ${exact}: pipeline equity ${summary.equity}, backtest ${backtest.finalEquity}`).toBe(true);
    }

    // The comparison sees a one-bps change: the same backtest with 1 bps more paper slippage no longer matches.
    const slipped = run({ ...loaded.policy, paper: { ...loaded.policy.paper, slippageBps: loaded.policy.paper.slippageBps + 1 } }, loaded.hash, candles, true);
    expect(trades).not.toEqual(slipped.trades);
    expect(dec(summary.equity).eq(slipped.finalEquity)).toBe(false);
    // And it sees the impact model: the other model on the same policy makes other fills.
    const other = loaded.policy.execution.impactModel === 'sqrt' ? 'almgren-chriss' : 'sqrt';
    const swapped = run({ ...loaded.policy, execution: { ...loaded.policy.execution, impactModel: other } }, loaded.hash, candles, true);
    expect(trades).not.toEqual(swapped.trades);
  }, 120_000);
});

function run(policy: Policy, policyHash: string, candles: Parameters<typeof runBacktest>[0]['candles'], exact: boolean): BacktestRun {
  return runBacktest({ policy, policyHash, candles, markets: paperMarkets(), exact });
}
