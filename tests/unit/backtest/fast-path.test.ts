import { beforeAll, describe, expect, it } from 'vitest';
import { paperMarkets } from '../../../shared/adapters/paper-markets.js';
import { runBacktest } from '../../../shared/backtest/engine.js';
import { computeMetrics } from '../../../shared/backtest/metrics.js';
import type { BacktestRun } from '../../../shared/backtest/types.js';
import type { Candle } from '../../../shared/domain/candle.js';
import { dec } from '../../../shared/domain/money.js';
import { policyHash, validatePolicy, type Policy } from '../../../shared/domain/policy.js';
import { readCandleDir, replayDataDir } from '../../../shared/local/candle-files.js';

// The engine's float screens (shared/backtest/screens.ts, Strategy.screen) skip decimal work that cannot
// change anything. These tests run real data through both paths — the screened one and `exact` (decimal
// domain code at every step) — under policies where exits, protections, pacing and loss limits all act,
// and require identical trades, rejections and kill switch, and an equity curve within float rounding.

const SYMBOLS = ['BTC/USDT', 'ETH/USDT', 'SOL/USDT'];
const FROM = Date.UTC(2021, 4, 18, 12);
const TO = Date.UTC(2021, 4, 20);
let data: Record<string, Candle[]>;

beforeAll(async () => {
  data = await readCandleDir(replayDataDir(), SYMBOLS, '1m', { from: FROM, to: TO });
});

function policyOf(document: Record<string, unknown>): Policy {
  const out = validatePolicy({ mode: 'PAPER', timeframe: '1m', symbols: SYMBOLS, ...document });
  if (!out.ok) throw new Error(JSON.stringify(out.problems));
  return out.policy;
}

function both(policy: Policy): { fast: BacktestRun; exact: BacktestRun } {
  const input = { policy, policyHash: policyHash(policy), candles: data, markets: paperMarkets() };
  return { fast: runBacktest(input), exact: runBacktest({ ...input, exact: true }) };
}

/** The regime gate on (a 6-hour volatility lookback, so the 19 May crash is past the warm-up) with locks, exits and pacing off the way. */
const REGIME_GATED: Record<string, unknown> = {
  strategies: [{ name: 'momentum', params: { lookback: 20, entryThreshold: 3, exitThreshold: -1 } }],
  exits: { stopLossPct: -1, takeProfitPct: 2 },
  killSwitch: { maxConsecutiveLosses: 0 },
  lossLimits: { dailyStopPct: null, weeklyStopPct: null, maxDrawdownPct: null },
  pacing: { maxTradesPerDay: 1000, maxTradesPerHour: 100, maxNewPositionsPerHour: 100, minSecondsBetweenTrades: 0, perSymbolCooldownSeconds: 0 },
  regime: { enabled: true, volLookback: 360, matrix: { momentum: { volatile: 'blocked', 'mean-reverting': 'reduced:0.5' } } },
};

const SCENARIOS: Record<string, Record<string, unknown>> = {
  'sma-cross, default conservative policy': { strategies: [{ name: 'sma-cross', params: { fast: 10, slow: 30 } }] },
  'momentum with every exit and protection': {
    strategies: [{ name: 'momentum', params: { lookback: 20, entryThreshold: 3, exitThreshold: -1 } }],
    exits: { stopLossPct: -1, takeProfitPct: 2, trailingStop: { enabled: true, activationPct: 0.3, trailPct: 0.4 }, roi: [{ afterMinutes: 0, pct: 1.5 }, { afterMinutes: 45, pct: 0.4 }], timeStopMinutes: 240 },
    killSwitch: { maxConsecutiveLosses: 0 },
    lossLimits: { dailyStopPct: null, weeklyStopPct: null, maxDrawdownPct: null },
    protections: {
      stoplossGuard: { enabled: true, lookbackMinutes: 120, tradeLimit: 2, lockMinutes: 30, perPair: true },
      maxDrawdown: { enabled: true, lookbackMinutes: 240, maxDrawdownPct: 1, lockMinutes: 60 },
      lowProfitPairs: { enabled: true, lookbackMinutes: 180, tradeLimit: 2, requiredProfitPct: 0, lockMinutes: 45 },
      cooldown: { enabled: true, lockMinutes: 5 },
    },
  },
  'sma-cross with a tight drawdown limit that trips': {
    strategies: [{ name: 'sma-cross', params: { fast: 5, slow: 20 } }],
    killSwitch: { maxConsecutiveLosses: 0 },
    lossLimits: { basis: 'peak', dailyStopPct: -3, weeklyStopPct: null, maxDrawdownPct: 0.5 },
    risk: { stakePct: 10, maxPositionPct: 15 },
    pacing: { maxTradesPerDay: 1000, maxTradesPerHour: 100, maxNewPositionsPerHour: 100, minSecondsBetweenTrades: 0, perSymbolCooldownSeconds: 0 },
  },
  'momentum under the regime gate (crisis and volatile blocked, mean-reverting at half stake)': REGIME_GATED,
};

describe('backtest fast path = exact path', () => {
  for (const [name, document] of Object.entries(SCENARIOS)) {
    it(`gives the same run: ${name}`, () => {
      const { fast, exact } = both(policyOf(document));
      expect(exact.trades.length).toBeGreaterThan(0);
      expect(fast.trades).toEqual(exact.trades);
      expect(fast.rejections).toEqual(exact.rejections);
      expect(fast.unfilled).toEqual(exact.unfilled);
      expect(fast.killSwitch).toEqual(exact.killSwitch);
      expect(fast.openPositions).toEqual(exact.openPositions);
      expect(fast.finalEquity).toBe(exact.finalEquity);
      const exactAt = new Map(exact.equity.map((p) => [p.time, p.equity]));
      for (const p of fast.equity) expect(p.equity).toBe(exactAt.get(p.time));
      expect(exact.equity).toHaveLength(exact.steps);
      for (let i = 0; i < exact.steps; i++) {
        expect(fast.curve.time[i]).toBe(exact.equity[i]!.time);
        const want = Number(exact.equity[i]!.equity);
        expect(Math.abs(fast.curve.equity[i]! - want) / want).toBeLessThan(1e-12);
      }
    });
  }

  it('exercises exits, locks and trips across the scenarios (so the comparisons above mean something)', () => {
    const runs = Object.values(SCENARIOS).map((d) => both(policyOf(d)).exact);
    const reasons = new Set(runs.flatMap((r) => r.trades.map((t) => t.exitReason)));
    for (const r of ['signal', 'stop-loss', 'trailing-stop', 'take-profit', 'roi']) expect(reasons).toContain(r);
    const rejections = Object.assign({}, ...runs.map((r) => r.rejections)) as Record<string, number>;
    expect(Object.keys(rejections).some((k) => k.includes('LOCK'))).toBe(true);
    expect(runs.some((r) => r.killSwitch.status === 'TRIPPED' && /drawdown|loss/i.test(r.killSwitch.reason ?? ''))).toBe(true);
  });

  it('blocks and shrinks entries under the regime gate, with the same regime report on both paths', () => {
    const { fast, exact } = both(policyOf(REGIME_GATED));
    expect(exact.rejections.REGIME_BLOCKED).toBeGreaterThan(0);
    expect(exact.regime?.blockedEntries).toBe(exact.rejections.REGIME_BLOCKED);
    expect(exact.regime?.reducedEntries).toBeGreaterThan(0);
    expect(fast.regime).toEqual(exact.regime);
    const off = both(policyOf({ ...REGIME_GATED, regime: { enabled: false } })).exact;
    expect(off.regime).toBeUndefined();
    expect(off.trades).not.toEqual(exact.trades);
  });
});

describe('metrics from the float curve = metrics from exact decimal equity', () => {
  it('agrees to 1e-9 relative on every metric the curve feeds', () => {
    const { fast, exact } = both(policyOf(SCENARIOS['momentum with every exit and protection']!));
    const common = { trades: exact.trades, startBalance: exact.startingCash, from: FROM, to: TO };
    const fromFloat = computeMetrics({ ...common, equity: fast.equity, curve: fast.curve }) as unknown as Record<string, unknown>;
    const fromDecimal = computeMetrics({ ...common, equity: exact.equity }) as unknown as Record<string, unknown>;
    const fed = ['finalBalance', 'sharpe', 'sortino', 'calmar', 'cagrPct', 'maxDrawdownAbs', 'maxDrawdownPct', 'drawdownStart', 'drawdownEnd', 'drawdownDurationMs', 'drawdownRecoveredAt'];
    expect(Number(fromDecimal.maxDrawdownPct)).toBeGreaterThan(0);
    for (const key of fed) {
      const a = fromFloat[key];
      const b = fromDecimal[key];
      if (b === null || a === null) { expect(a).toBe(b); continue; }
      const x = dec(String(a));
      const y = dec(String(b));
      const rel = y.isZero() ? x.abs() : x.sub(y).abs().div(y.abs());
      expect(rel.toNumber(), `${key}: ${String(a)} vs ${String(b)}`).toBeLessThanOrEqual(1e-9);
    }
    expect(fromFloat.maxDrawdownAbs).not.toBe('0');
  });
});
