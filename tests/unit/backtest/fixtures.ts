import { paperMarkets } from '../../../shared/adapters/paper-markets.js';
import { runBacktest } from '../../../shared/backtest/engine.js';
import type { BacktestRun } from '../../../shared/backtest/types.js';
import type { Candle } from '../../../shared/domain/candle.js';
import { policyHash, validatePolicy, type Policy } from '../../../shared/domain/policy.js';
import { smaCross } from '../../../shared/domain/strategies/sma-cross.js';

export const HOUR = 3_600_000;
export const T0 = Date.UTC(2024, 0, 1);

/**
 * A policy for hand-made series: sma-cross 2/3 on 1h, no slippage (fixed or impact), the participation cap at the whole
 * candle volume, 10 bps fee, loss limits, protections and pacing off.
 */
export function testPolicy(overrides: Record<string, unknown> = {}): Policy {
  const off = { enabled: false, lookbackMinutes: 60, lockMinutes: 60 };
  const out = validatePolicy({
    timeframe: '1h', symbols: ['BTC/USDT'], strategies: [{ name: 'sma-cross', params: { fast: 2, slow: 3 } }],
    exits: { stopLossPct: null, takeProfitPct: null },
    lossLimits: { dailyStopPct: null, weeklyStopPct: null, maxDrawdownPct: null },
    killSwitch: { maxConsecutiveLosses: 0 },
    pacing: { maxTradesPerDay: 1000, maxTradesPerHour: 1000, maxNewPositionsPerHour: 1000, minSecondsBetweenTrades: 0, perSymbolCooldownSeconds: 0 },
    protections: {
      stoplossGuard: { ...off, tradeLimit: 3, perPair: false }, maxDrawdown: { ...off, maxDrawdownPct: 50 },
      lowProfitPairs: { ...off, tradeLimit: 3, requiredProfitPct: 0 }, cooldown: { enabled: false, lockMinutes: 0 },
    },
    ...overrides,
    paper: { slippageBps: 0, impactCoefficient: 0, maxVolumeParticipationPct: 100, takerFeeBps: 10, makerFeeBps: 10, ...(overrides.paper as object | undefined) },
  });
  if (!out.ok) throw new Error(JSON.stringify(out.problems));
  return out.policy;
}

/** 1h candles from closes (open = previous close unless given), starting at `start`; volume 10. */
export function candles(symbol: string, closes: readonly number[], start = T0, opens?: readonly number[]): Candle[] {
  return closes.map((close, i) => {
    const open = opens?.[i] ?? (i === 0 ? close : closes[i - 1]!);
    return { symbol, timeframe: '1h', openTime: start + i * HOUR, open, high: Math.max(open, close), low: Math.min(open, close), close, volume: 10 };
  });
}

/** Runs the engine on the policy's symbols. */
export function run(policy: Policy, data: Record<string, Candle[]>): BacktestRun {
  return runBacktest({ policy, policyHash: policyHash(policy), candles: data, markets: paperMarkets() });
}

/** Indices k where sma-cross 2/3 signals on candles[0..k] with the given holding, for expectations. */
export function signalAt(series: readonly Candle[], holding: boolean): number[] {
  const out: number[] = [];
  for (let k = 0; k < series.length; k++) {
    if (smaCross.evaluate({ candles: series.slice(0, k + 1), holding, params: { fast: 2, slow: 3 } })) out.push(k);
  }
  return out;
}

/** A zig-zag of closes around 100 that crosses the SMAs several times. */
export const ZIGZAG = [100, 99, 98, 99, 100, 101, 102, 101, 100, 99, 98, 97, 98, 99, 100, 101, 100, 99, 98, 99, 100];
