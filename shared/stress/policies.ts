import { CRASH_SYMBOLS } from './crash-data.js';

/**
 * A busy dip-buying book on all seven pairs of the shipped 5m data (entries due most hours of a calm day), pacing and
 * the slower protections off so the stress lands on the pipeline, not on the guards. `over` replaces whole sections.
 */
export function busyPolicy(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    timeframe: '5m', profile: 'full', symbols: [...CRASH_SYMBOLS],
    strategies: [{ name: 'rsi-reversion', params: { period: 4, oversold: 40, exitLevel: 55 } }],
    risk: { stakePct: 5, maxPositionPct: 10, maxTotalExposurePct: 80, maxOpenPositions: 7 },
    killSwitch: { maxConsecutiveLosses: 0 },
    lossLimits: { dailyStopPct: -10 },
    protections: {
      lowProfitPairs: { enabled: false, lookbackMinutes: 60, lockMinutes: 5, tradeLimit: 3, requiredProfitPct: 0 },
      cooldown: { enabled: false, lockMinutes: 5 },
    },
    pacing: { minSecondsBetweenTrades: 0, perSymbolCooldownSeconds: 0, maxTradesPerHour: 100, maxTradesPerDay: 1000, maxNewPositionsPerHour: 100 },
    ...over,
  };
}
