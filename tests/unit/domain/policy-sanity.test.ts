import { describe, expect, it } from 'vitest';
import { validatePolicy, type PolicyProblem, type ValidationContext } from '../../../shared/domain/policy.js';
import { DEPRECATED_KEY_CHECK, SANITY_CHECKS } from '../../../shared/domain/policy-sanity.js';
import { dec } from '../../../shared/domain/money.js';
import type { PositionContext } from '../../../shared/domain/policy-sanity-positions.js';

/** 0.005 BTC/USDT held by momentum: the open positions ORPHANED_POSITION checks a document against. */
const HELD_BTC: PositionContext = { openPositions: { 'BTC/USDT': { symbol: 'BTC/USDT', quantity: dec('0.005'), costBasis: dec('200'), openedAt: 0, strategy: 'momentum' } } };

/** One sanity check exercised by a document that breaks it (at `path`) and a near-identical one that does not. */
interface Case {
  readonly code: string;
  readonly path: string;
  readonly fail: unknown;
  readonly pass: unknown;
  readonly context?: ValidationContext;
  /** Expected severity when it differs from the check's own (HIGH_EXPOSURE in LIVE). */
  readonly severity?: 'error' | 'warning';
}

const LIVE = { mode: 'LIVE', liveTradingConfirmed: true } as const;
const symbolList = (n: number) => Array.from({ length: n }, (_, i) => `C${i}/USDT`);
const strategyList = (n: number) => Array.from({ length: n }, (_, i) => ({ name: 'momentum', enabled: i === 0 }));
const protection = { enabled: true, lookbackMinutes: 2880, lockMinutes: 720 };

const CASES: Case[] = [
  // contradictions
  { code: 'STAKE_ABOVE_ASSET_CAP', path: 'risk.stakePct', fail: { risk: { stakePct: 3.5 } }, pass: { risk: { stakePct: 3 } } },
  { code: 'ASSET_CAP_ABOVE_EXPOSURE', path: 'risk.maxPositionPct', fail: { risk: { maxPositionPct: 26, maxOpenPositions: 1 } }, pass: { risk: { maxPositionPct: 25, maxOpenPositions: 1 } } },
  { code: 'POSITIONS_EXCEED_EXPOSURE', path: 'risk.maxOpenPositions', fail: { risk: { maxPositionPct: 5, maxOpenPositions: 6 } }, pass: { risk: { maxPositionPct: 5, maxOpenPositions: 5 } } },
  { code: 'MIN_ORDER_ABOVE_MAX_ORDER', path: 'risk.minNotional', fail: { risk: { minNotional: '5000.01' } }, pass: { risk: { minNotional: '5000' } } },
  { code: 'PYRAMIDING_WITHOUT_ADDS', path: 'risk.pyramiding.maxAdds', fail: { risk: { pyramiding: { enabled: true } } }, pass: { risk: { pyramiding: { enabled: true, maxAdds: 1 } } } },
  { code: 'STOP_LOSS_BEYOND_TAKE_PROFIT', path: 'exits.stopLossPct', fail: { exits: { stopLossPct: 15, takeProfitPct: 12 } }, pass: { exits: { stopLossPct: -15, takeProfitPct: 12 } } },
  { code: 'DAILY_LOOSER_THAN_WEEKLY', path: 'lossLimits.dailyStopPct', fail: { lossLimits: { dailyStopPct: -8, weeklyStopPct: -7 } }, pass: { lossLimits: { dailyStopPct: -7, weeklyStopPct: -7 } } },
  { code: 'PACING_CONTRADICTION', path: 'pacing.maxTradesPerHour', fail: { pacing: { maxTradesPerDay: 4 } }, pass: { pacing: { maxTradesPerDay: 5 } } },
  { code: 'PACING_CONTRADICTION', path: 'pacing.maxNewPositionsPerHour', fail: { pacing: { maxNewPositionsPerHour: 6 } }, pass: { pacing: { maxNewPositionsPerHour: 5 } } },
  { code: 'STRATEGY_BUDGETS_EXCEED_EXPOSURE', path: 'strategies', fail: { strategies: [{ name: 'momentum', riskBudgetPct: 26 }] }, pass: { strategies: [{ name: 'momentum', riskBudgetPct: 25 }] } },
  { code: 'ROI_NOT_SORTED', path: 'exits.roi.1.afterMinutes', fail: { exits: { roi: [{ afterMinutes: 30, pct: 2 }, { afterMinutes: 30, pct: 1 }] } }, pass: { exits: { roi: [{ afterMinutes: 0, pct: 2 }, { afterMinutes: 30, pct: 1 }] } } },
  { code: 'ROI_RISING', path: 'exits.roi.1.pct', fail: { exits: { roi: [{ afterMinutes: 0, pct: 2 }, { afterMinutes: 30, pct: 2.5 }] } }, pass: { exits: { roi: [{ afterMinutes: 0, pct: 2 }, { afterMinutes: 30, pct: 2 }] } } },
  { code: 'TRAILING_STOP_WITHOUT_TRAIL', path: 'exits.trailingStop.trailPct', fail: { exits: { trailingStop: { enabled: true, trailPct: 0 } } }, pass: { exits: { trailingStop: { enabled: false, trailPct: 0 } } } },
  { code: 'TRAILING_STOP_WITHOUT_TRAIL', path: 'exits.trailingStop.trailPct', fail: { exits: { trailingStop: { enabled: true, trailPct: 100 } } }, pass: { exits: { trailingStop: { enabled: true, trailPct: 0.5 } } } },
  { code: 'DEGRADED_BEFORE_STALE', path: 'marketQuality.degradedAfterSeconds', fail: { marketQuality: { staleDataSeconds: 180, degradedAfterSeconds: 180 } }, pass: { marketQuality: { staleDataSeconds: 180, degradedAfterSeconds: 181 } } },
  { code: 'PROTECTION_DRAWDOWN_ABOVE_LIMIT', path: 'protections.maxDrawdown.maxDrawdownPct', fail: { protections: { maxDrawdown: { ...protection, maxDrawdownPct: 10 } } }, pass: { protections: { maxDrawdown: { ...protection, maxDrawdownPct: 9.9 } } } },
  { code: 'DUPLICATE_SYMBOL', path: 'symbols.2', fail: { symbols: ['BTC/USDT', 'ETH/USDT', 'BTC/USDT'] }, pass: { symbols: ['BTC/USDT', 'ETH/USDT'] } },
  { code: 'DUPLICATE_STRATEGY', path: 'strategies.1.name', fail: { strategies: [{ name: 'momentum' }, { name: 'momentum', enabled: false }] }, pass: { strategies: [{ name: 'momentum' }] } },
  { code: 'UNKNOWN_STRATEGY', path: 'strategies.0.name', fail: { strategies: [{ name: 'moonshot' }] }, pass: { strategies: [{ name: 'momentum' }] } },
  { code: 'STRATEGY_PARAMS', path: 'strategies.0.params.lookbak', fail: { strategies: [{ name: 'momentum', params: { lookbak: 20 } }] }, pass: { strategies: [{ name: 'momentum', params: { lookback: 20 } }] } },
  { code: 'STRATEGY_SYMBOL_NOT_LISTED', path: 'strategies.0.symbols.0', fail: { symbols: ['BTC/USDT'], strategies: [{ name: 'momentum', symbols: ['ETH/USDT'] }] }, pass: { symbols: ['BTC/USDT'], strategies: [{ name: 'momentum', symbols: ['BTC/USDT'] }] } },
  { code: 'NO_ENABLED_STRATEGY', path: 'strategies', fail: { strategies: [{ name: 'momentum', enabled: false }] }, pass: { strategies: [{ name: 'momentum', enabled: true }] } },
  // unsafe values
  { code: 'PERCENT_OUT_OF_RANGE', path: 'risk.riskPerTradePct', fail: { risk: { riskPerTradePct: -0.5 } }, pass: { risk: { riskPerTradePct: 0 } } },
  { code: 'PERCENT_OUT_OF_RANGE', path: 'risk.minNotionalBufferPct', fail: { risk: { minNotionalBufferPct: 101 } }, pass: { risk: { minNotionalBufferPct: 100 } } },
  { code: 'PERCENT_OUT_OF_RANGE', path: 'strategies.0.riskBudgetPct', fail: { strategies: [{ name: 'momentum', riskBudgetPct: -5 }] }, pass: { strategies: [{ name: 'momentum', riskBudgetPct: 0 }] } },
  { code: 'PERCENT_OUT_OF_RANGE', path: 'lossLimits.maxDrawdownPct', fail: { lossLimits: { maxDrawdownPct: 0 } }, pass: { lossLimits: { maxDrawdownPct: null } } },
  { code: 'PERCENT_OUT_OF_RANGE', path: 'marketQuality.badTickPct', fail: { marketQuality: { badTickPct: 120 } }, pass: { marketQuality: { badTickPct: 100 } } },
  { code: 'PERCENT_OUT_OF_RANGE', path: 'exits.trailingStop.activationPct', fail: { exits: { trailingStop: { activationPct: -1 } } }, pass: { exits: { trailingStop: { activationPct: 0 } } } },
  { code: 'STOP_NOT_NEGATIVE', path: 'exits.stopLossPct', fail: { exits: { stopLossPct: 0 } }, pass: { exits: { stopLossPct: -99 } } },
  { code: 'STOP_NOT_NEGATIVE', path: 'lossLimits.dailyStopPct', fail: { lossLimits: { dailyStopPct: 3 } }, pass: { lossLimits: { dailyStopPct: null } } },
  { code: 'STOP_NOT_NEGATIVE', path: 'lossLimits.weeklyStopPct', fail: { lossLimits: { dailyStopPct: -100, weeklyStopPct: -100 } }, pass: { lossLimits: { dailyStopPct: -50, weeklyStopPct: -99.99 } } },
  { code: 'TAKE_PROFIT_NOT_POSITIVE', path: 'exits.takeProfitPct', fail: { exits: { takeProfitPct: 0 } }, pass: { exits: { takeProfitPct: null } } },
  { code: 'SPREAD_TOLERANCE_ABSURD', path: 'marketQuality.maxSpreadBps', fail: { marketQuality: { maxSpreadBps: 501 } }, pass: { marketQuality: { maxSpreadBps: 500 } } },
  { code: 'SPREAD_TOLERANCE_ABSURD', path: 'marketQuality.maxSpreadBps', fail: { marketQuality: { maxSpreadBps: 0 } }, pass: { marketQuality: { maxSpreadBps: 1 } } },
  { code: 'SLIPPAGE_TOLERANCE_ABSURD', path: 'paper.slippageBps', fail: { paper: { slippageBps: 301 } }, pass: { paper: { slippageBps: 0 } } },
  { code: 'SLIPPAGE_TOLERANCE_ABSURD', path: 'execution.maxSlippageBps', fail: { execution: { maxSlippageBps: 300.5 } }, pass: { execution: { maxSlippageBps: 300 } } },
  { code: 'SLIPPAGE_TOLERANCE_ABSURD', path: 'execution.maxSlippageBps', fail: { execution: { maxSlippageBps: 0 } }, pass: { execution: { maxSlippageBps: 1 } } },
  { code: 'FEE_OUT_OF_RANGE', path: 'paper.takerFeeBps', fail: { paper: { takerFeeBps: -1 } }, pass: { paper: { takerFeeBps: 0 } } },
  { code: 'FEE_OUT_OF_RANGE', path: 'paper.makerFeeBps', fail: { paper: { makerFeeBps: 101 } }, pass: { paper: { makerFeeBps: 100 } } },
  { code: 'STALE_THRESHOLD_TOO_LOOSE', path: 'marketQuality.staleDataSeconds', fail: { marketQuality: { staleDataSeconds: 601, degradedAfterSeconds: 1200 } }, pass: { marketQuality: { staleDataSeconds: 600, degradedAfterSeconds: 1200 } } },
  { code: 'STALE_THRESHOLD_TOO_LOOSE', path: 'marketQuality.staleDataSeconds', fail: { timeframe: '1h', marketQuality: { staleDataSeconds: 3601, degradedAfterSeconds: 7200 } }, pass: { timeframe: '1h', marketQuality: { staleDataSeconds: 3600, degradedAfterSeconds: 7200 } } },
  { code: 'NOT_POSITIVE', path: 'risk.maxOpenPositions', fail: { risk: { maxOpenPositions: 0 } }, pass: { risk: { maxOpenPositions: 1 } } },
  { code: 'NOT_POSITIVE', path: 'circuitBreaker.openSeconds', fail: { circuitBreaker: { openSeconds: 0 } }, pass: { circuitBreaker: { openSeconds: 1 } } },
  { code: 'NOT_POSITIVE', path: 'killSwitch.errorBurstWindowSeconds', fail: { killSwitch: { errorBurstWindowSeconds: -300 } }, pass: { killSwitch: { errorBurstWindowSeconds: 60 } } },
  { code: 'NOT_POSITIVE', path: 'protections.cooldown.lockMinutes', fail: { protections: { cooldown: { enabled: true, lockMinutes: 0 } } }, pass: { protections: { cooldown: { enabled: false, lockMinutes: 0 } } } },
  { code: 'NOT_POSITIVE', path: 'protections.stoplossGuard.tradeLimit', fail: { protections: { stoplossGuard: { ...protection, tradeLimit: 0, perPair: true } } }, pass: { protections: { stoplossGuard: { ...protection, tradeLimit: 1, perPair: true } } } },
  { code: 'NEGATIVE_VALUE', path: 'pacing.minSecondsBetweenTrades', fail: { pacing: { minSecondsBetweenTrades: -1 } }, pass: { pacing: { minSecondsBetweenTrades: 0 } } },
  { code: 'NEGATIVE_VALUE', path: 'killSwitch.cooldownSeconds', fail: { killSwitch: { cooldownSeconds: -60 } }, pass: { killSwitch: { cooldownSeconds: 0 } } },
  { code: 'STARTING_CASH_ZERO', path: 'paper.startingCash', fail: { paper: { startingCash: '0.00' } }, pass: { paper: { startingCash: '0.01' } } },
  { code: 'DEPRECATED_KEY', path: 'staleDataSeconds', fail: { staleDataSeconds: 60 }, pass: { marketQuality: { staleDataSeconds: 60 } } },
  { code: 'DEPRECATED_KEY', path: 'risk.killSwitchCooldownSeconds', fail: { risk: { killSwitchCooldownSeconds: 60 } }, pass: { killSwitch: { cooldownSeconds: 60 } } },
  { code: 'STRATEGY_PARAMS', path: 'strategies.0.params.lookback', fail: { strategies: [{ name: 'momentum', params: { lookback: 1e9 } }] }, pass: { strategies: [{ name: 'momentum', params: { lookback: 999 } }] } },
  { code: 'STRATEGY_PARAMS', path: 'strategies.0.params.slow', fail: { strategies: [{ name: 'sma-cross', params: { fast: 5, slow: 1000 } }] }, pass: { strategies: [{ name: 'sma-cross', params: { fast: 5, slow: 999 } }] } },
  // ranges
  { code: 'OUT_OF_RANGE', path: 'reconcile.driftAlertPct', fail: { reconcile: { driftAlertPct: 0 } }, pass: { reconcile: { driftAlertPct: 0.01 } } },
  { code: 'OUT_OF_RANGE', path: 'reconcile.driftTripPct', fail: { reconcile: { driftTripPct: -2 } }, pass: { reconcile: { driftTripPct: 100 } } },
  { code: 'OUT_OF_RANGE', path: 'paper.impactCoefficient', fail: { paper: { impactCoefficient: -0.1 } }, pass: { paper: { impactCoefficient: 0 } } },
  { code: 'OUT_OF_RANGE', path: 'paper.maxVolumeParticipationPct', fail: { paper: { maxVolumeParticipationPct: 0 } }, pass: { paper: { maxVolumeParticipationPct: 100 } } },
  { code: 'OUT_OF_RANGE', path: 'paper.maxVolumeParticipationPct', fail: { paper: { maxVolumeParticipationPct: 150 } }, pass: { paper: { maxVolumeParticipationPct: 1 } } },
  { code: 'OUT_OF_RANGE', path: 'execution.limitOffsetBps', fail: { execution: { limitOffsetBps: -5 } }, pass: { execution: { limitOffsetBps: 1000 } } },
  { code: 'OUT_OF_RANGE', path: 'execution.limitTimeoutSeconds', fail: { execution: { limitTimeoutSeconds: 0 } }, pass: { execution: { limitTimeoutSeconds: 1 } } },
  { code: 'OUT_OF_RANGE', path: 'exchange.rateLimitWeightPerMinute', fail: { exchange: { rateLimitWeightPerMinute: 1e9 } }, pass: { exchange: { rateLimitWeightPerMinute: 6000 } } },
  { code: 'OUT_OF_RANGE', path: 'exchange.maxRetries', fail: { exchange: { maxRetries: -1 } }, pass: { exchange: { maxRetries: 0 } } },
  { code: 'OUT_OF_RANGE', path: 'exchange.maxRetries', fail: { exchange: { maxRetries: 1000 } }, pass: { exchange: { maxRetries: 10 } } },
  { code: 'OUT_OF_RANGE', path: 'exchange.retryBaseDelayMs', fail: { exchange: { retryBaseDelayMs: -250 } }, pass: { exchange: { retryBaseDelayMs: 1 } } },
  { code: 'OUT_OF_RANGE', path: 'circuitBreaker.failureThreshold', fail: { circuitBreaker: { failureThreshold: 1e6 } }, pass: { circuitBreaker: { failureThreshold: 1000 } } },
  { code: 'OUT_OF_RANGE', path: 'killSwitch.errorBurstCount', fail: { killSwitch: { errorBurstCount: 1e6 } }, pass: { killSwitch: { errorBurstCount: 10_000 } } },
  { code: 'OUT_OF_RANGE', path: 'killSwitch.maxConsecutiveLosses', fail: { killSwitch: { maxConsecutiveLosses: 5000 } }, pass: { killSwitch: { maxConsecutiveLosses: 0 } } },
  { code: 'OUT_OF_RANGE', path: 'risk.atrPeriod', fail: { risk: { atrPeriod: 100_000 } }, pass: { risk: { atrPeriod: 1000 } } },
  { code: 'OUT_OF_RANGE', path: 'protections.maxDrawdown.lookbackMinutes', fail: { protections: { maxDrawdown: { ...protection, lookbackMinutes: 1e7, maxDrawdownPct: 8 } } }, pass: { protections: { maxDrawdown: { ...protection, maxDrawdownPct: 8 } } } },
  { code: 'OUT_OF_RANGE', path: 'execution.settleWindowSeconds', fail: { execution: { settleWindowSeconds: 86_401, unresolvedAlertSeconds: 90_000 } }, pass: { execution: { settleWindowSeconds: 0 } } },
  { code: 'OUT_OF_RANGE', path: 'execution.settleNotFoundChecks', fail: { execution: { settleNotFoundChecks: 1 } }, pass: { execution: { settleNotFoundChecks: 2 } } },
  { code: 'TOO_MANY_SYMBOLS', path: 'symbols', fail: { symbols: symbolList(101) }, pass: { symbols: symbolList(100) } },
  { code: 'TOO_MANY_STRATEGIES', path: 'strategies', fail: { strategies: strategyList(21) }, pass: { strategies: strategyList(20) } },
  { code: 'UNSUPPORTED_EXCHANGE', path: 'exchange.id', fail: { exchange: { id: 'kraken' } }, pass: { exchange: { id: 'binance' } } },
  { code: 'DRIFT_TRIP_BELOW_ALERT', path: 'reconcile.driftTripPct', fail: { reconcile: { driftAlertPct: 3, driftTripPct: 2 } }, pass: { reconcile: { driftAlertPct: 2, driftTripPct: 2 } } },
  { code: 'RETRY_DELAYS_INVERTED', path: 'exchange.retryMaxDelayMs', fail: { exchange: { retryBaseDelayMs: 1000, retryMaxDelayMs: 999 } }, pass: { exchange: { retryBaseDelayMs: 1000, retryMaxDelayMs: 1000 } } },
  { code: 'UNRESOLVED_ALERT_BEFORE_SETTLE', path: 'execution.unresolvedAlertSeconds', fail: { execution: { settleWindowSeconds: 600, unresolvedAlertSeconds: 600 } }, pass: { execution: { settleWindowSeconds: 600, unresolvedAlertSeconds: 601 } } },
  // mode-specific
  { code: 'LIVE_STOP_TOO_WIDE', path: 'exits.stopLossPct', fail: { ...LIVE, exits: { stopLossPct: -99.99 } }, pass: { ...LIVE, exits: { stopLossPct: -50 } } },
  { code: 'LIVE_STOP_TOO_WIDE', path: 'lossLimits.dailyStopPct', fail: { ...LIVE, lossLimits: { dailyStopPct: -21, weeklyStopPct: -30 } }, pass: { lossLimits: { dailyStopPct: -21, weeklyStopPct: -30 } } },
  { code: 'LIVE_STOP_TOO_WIDE', path: 'lossLimits.weeklyStopPct', fail: { ...LIVE, lossLimits: { weeklyStopPct: -36 } }, pass: { ...LIVE, lossLimits: { weeklyStopPct: -35 } } },
  { code: 'LIVE_DRAWDOWN_LIMIT_TOO_WIDE', path: 'lossLimits.maxDrawdownPct', fail: { ...LIVE, lossLimits: { maxDrawdownPct: 100 } }, pass: { ...LIVE, lossLimits: { maxDrawdownPct: 50 } } },
  { code: 'LIVE_TRIGGER_CANNOT_FIRE', path: 'killSwitch.errorBurstCount', fail: { ...LIVE, killSwitch: { errorBurstCount: 5000 } }, pass: { ...LIVE, killSwitch: { errorBurstCount: 50 } } },
  { code: 'LIVE_TRIGGER_CANNOT_FIRE', path: 'killSwitch.maxConsecutiveLosses', fail: { ...LIVE, killSwitch: { maxConsecutiveLosses: 0 } }, pass: { killSwitch: { maxConsecutiveLosses: 0 } } },
  { code: 'LIVE_TRIGGER_CANNOT_FIRE', path: 'killSwitch.errorBurstWindowSeconds', fail: { ...LIVE, killSwitch: { errorBurstWindowSeconds: 1 } }, pass: { ...LIVE, killSwitch: { errorBurstWindowSeconds: 30 } } },
  { code: 'LIVE_TRIGGER_CANNOT_FIRE', path: 'circuitBreaker.failureThreshold', fail: { ...LIVE, circuitBreaker: { failureThreshold: 500 } }, pass: { ...LIVE, circuitBreaker: { failureThreshold: 1 } } },
  { code: 'SETTLE_WINDOW_TOO_SHORT', path: 'execution.settleWindowSeconds', fail: { ...LIVE, execution: { settleWindowSeconds: 599 } }, pass: { execution: { settleWindowSeconds: 599 } } },
  { code: 'LIVE_NOT_CONFIRMED', path: 'liveTradingConfirmed', fail: { mode: 'LIVE' }, pass: LIVE },
  { code: 'LIVE_WITHOUT_KEYS', path: 'mode', fail: LIVE, pass: { mode: 'PAPER' }, context: { exchangeKeysConfigured: false } },
  { code: 'LIVE_NOT_READY', path: 'mode', fail: LIVE, pass: { mode: 'PAPER' }, context: { liveReadiness: { signoffs: [] } } },
  { code: 'GO_LIVE_BOUNDS', path: 'goLive.minPaperDays', fail: { goLive: { minPaperDays: 0 } }, pass: { goLive: { minPaperDays: 1 } } },
  { code: 'GO_LIVE_BOUNDS', path: 'goLive.requiredSignoffRoles', fail: { goLive: { requiredSignoffRoles: ['risk', 'risk'] } }, pass: { goLive: { requiredSignoffRoles: ['risk', 'cto'] } } },
  { code: 'GO_LIVE_BOUNDS', path: 'goLive.requiredSignoffRoles', fail: { goLive: { requiredSignoffRoles: ['cto'] } }, pass: { goLive: { requiredSignoffRoles: ['cto', 'trader'] } } },
  { code: 'GO_LIVE_BOUNDS', path: 'goLive.canary.stakeCapQuote', fail: { goLive: { canary: { stakeCapQuote: '0', days: 7 } } }, pass: { goLive: { canary: { stakeCapQuote: null, days: 7 } } } },
  { code: 'LIVE_WITHOUT_LOSS_LIMIT', path: 'lossLimits.dailyStopPct', fail: { ...LIVE, lossLimits: { dailyStopPct: null } }, pass: { lossLimits: { dailyStopPct: null } } },
  { code: 'LIVE_WITHOUT_LOSS_LIMIT', path: 'lossLimits.weeklyStopPct', fail: { ...LIVE, lossLimits: { weeklyStopPct: null } }, pass: { ...LIVE, lossLimits: { weeklyStopPct: -7 } } },
  { code: 'LIVE_WITHOUT_LOSS_LIMIT', path: 'lossLimits.maxDrawdownPct', fail: { ...LIVE, lossLimits: { maxDrawdownPct: null } }, pass: { mode: 'DRY_RUN', lossLimits: { maxDrawdownPct: null } } },
  { code: 'LIVE_WITHOUT_LOSS_LIMIT', path: 'exits.stopLossPct', fail: { ...LIVE, exits: { stopLossPct: null } }, pass: { exits: { stopLossPct: null } } },
  { code: 'HIGH_EXPOSURE', path: 'risk.maxTotalExposurePct', fail: { risk: { maxTotalExposurePct: 51 } }, pass: { risk: { maxTotalExposurePct: 50 } } },
  { code: 'HIGH_EXPOSURE', path: 'risk.maxTotalExposurePct', severity: 'error', fail: { ...LIVE, risk: { maxTotalExposurePct: 81 } }, pass: { ...LIVE, risk: { maxTotalExposurePct: 50 } } },
  { code: 'TAKE_PROFIT_BELOW_FEES', path: 'exits.takeProfitPct', fail: { exits: { takeProfitPct: 0.2 } }, pass: { exits: { takeProfitPct: 0.21 } } },
  { code: 'EXITS_BLOCKED_WHEN_HALTED', path: 'risk.allowExitsWhenHalted', fail: { risk: { allowExitsWhenHalted: false } }, pass: { risk: { allowExitsWhenHalted: true } } },
  { code: 'ORPHANED_POSITION', path: 'symbols', context: HELD_BTC, fail: { symbols: ['ETH/USDT'] }, pass: { symbols: ['ETH/USDT', 'BTC/USDT'] } },
  { code: 'ORPHANED_POSITION', path: 'strategies', context: HELD_BTC, fail: { strategies: [{ name: 'sma-cross' }] }, pass: { strategies: [{ name: 'sma-cross' }, { name: 'momentum' }] } },
  // the regime gate
  { code: 'REGIME_OUT_OF_RANGE', path: 'regime.crisisHoldCandles', fail: { regime: { crisisHoldCandles: 121 } }, pass: { regime: { crisisHoldCandles: 120 } } },
  { code: 'REGIME_MATRIX_INVALID', path: 'regime.matrix.momentum.volatile', fail: { regime: { matrix: { momentum: { volatile: 'reduced:1' } } } }, pass: { regime: { matrix: { momentum: { volatile: 'reduced:0.99' } } } } },
  { code: 'REGIME_LEADER_NOT_LISTED', path: 'regime.leader', fail: { symbols: ['ETH/USDT'], regime: { enabled: true } }, pass: { symbols: ['ETH/USDT'], regime: { enabled: true, leader: null } } },
];

const severityOf = (code: string) => [...SANITY_CHECKS, DEPRECATED_KEY_CHECK].find((c) => c.code === code)?.severity;

function allProblems(document: unknown, context: ValidationContext = {}): PolicyProblem[] {
  const r = validatePolicy(document, context);
  return [...(r.ok ? [] : r.problems), ...r.warnings];
}

describe('policy sanity checks', () => {
  it.each(CASES.map((c) => [c.code, c.path, c] as const))('%s: flags %s, and not the document that keeps within it', (code, path, c) => {
    const severity = c.severity ?? severityOf(code);
    const found = allProblems(c.fail, c.context).filter((p) => p.code === code);
    expect(found).toContainEqual(expect.objectContaining({ path, severity }));
    expect(validatePolicy(c.fail, c.context).ok).toBe(severity === 'warning');
    expect(allProblems(c.pass, c.context).filter((p) => p.code === code)).toEqual([]);
  });

  it('has a passing and a failing case for every check it defines', () => {
    const codes = [...SANITY_CHECKS.map((c) => c.code), DEPRECATED_KEY_CHECK.code];
    expect(new Set(codes).size).toBe(codes.length);
    expect(codes.filter((code) => !CASES.some((c) => c.code === code))).toEqual([]);
    expect(codes.length).toBeGreaterThanOrEqual(20 + 4);
  });

  it('reports one PERCENT_OUT_OF_RANGE problem per offending path, however far out it is', () => {
    const problems = allProblems({ risk: { stakePct: -1, riskPerTradePct: -500 }, marketQuality: { badTickPct: -1 } })
      .filter((p) => p.code === 'PERCENT_OUT_OF_RANGE');
    expect(problems.map((p) => p.path).sort()).toEqual(['marketQuality.badTickPct', 'risk.riskPerTradePct', 'risk.stakePct']);
  });

  it('skips LIVE_WITHOUT_KEYS when the deployment does not say whether keys exist, and passes with keys', () => {
    expect(allProblems(LIVE).map((p) => p.code)).not.toContain('LIVE_WITHOUT_KEYS');
    expect(validatePolicy(LIVE, { exchangeKeysConfigured: true }).ok).toBe(true);
  });

  it('reports every broken check of a document, not just the first', () => {
    const r = validatePolicy({ staleDataSeconds: 1, risk: { stakePct: 4, pyramiding: { enabled: true } }, lossLimits: { dailyStopPct: -9 } });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.problems.map((p) => p.code)).toEqual(expect.arrayContaining([
      'DEPRECATED_KEY', 'STAKE_ABOVE_ASSET_CAP', 'PYRAMIDING_WITHOUT_ADDS', 'DAILY_LOOSER_THAN_WEEKLY',
    ]));
  });
});

describe('validatePolicy schema problems', () => {
  it.each([
    ['an unknown top-level key', { moed: 'LIVE' }, 'moed', 'UNKNOWN_KEY'],
    ['an unknown nested key', { risk: { stakePtc: 1 } }, 'risk.stakePtc', 'UNKNOWN_KEY'],
    ['a wrong type', { risk: { stakePct: '2' } }, 'risk.stakePct', 'SCHEMA'],
    ['a bad enum value', { mode: 'YOLO' }, 'mode', 'SCHEMA'],
    ['a non-object document', 'garbage', '(root)', 'SCHEMA'],
  ])('names %s by its own path', (_label, document, path, code) => {
    expect(allProblems(document)).toContainEqual(expect.objectContaining({ path, code, severity: 'error' }));
  });

  it('reports a deprecated key once, as deprecated, not again as unknown', () => {
    const problems = allProblems({ staleDataSeconds: 60 });
    expect(problems).toEqual([expect.objectContaining({ path: 'staleDataSeconds', code: 'DEPRECATED_KEY' })]);
  });
});

describe('validatePolicy reports schema and sanity problems together', () => {
  it('reports a wrong type in one section and a contradiction in another, and nothing a default standing in would raise', () => {
    const r = validatePolicy({ risk: { stakePct: 'lots', maxPositionPct: 1 }, lossLimits: { dailyStopPct: -8, weeklyStopPct: -7 } });
    expect(!r.ok && r.problems).toEqual([
      expect.objectContaining({ path: 'risk.stakePct', code: 'SCHEMA' }),
      expect.objectContaining({ path: 'lossLimits.dailyStopPct', code: 'DAILY_LOOSER_THAN_WEEKLY' }),
    ]);
  });

  it('reports warnings and an unknown key beside the sanity errors of the sections that parsed', () => {
    const r = validatePolicy({ exits: { stopLos: -5 }, risk: { allowExitsWhenHalted: false }, pacing: { maxTradesPerDay: 2 } });
    expect(!r.ok && r.problems.map((p) => p.code)).toEqual(['UNKNOWN_KEY', 'PACING_CONTRADICTION']);
    expect(r.warnings.map((p) => p.code)).toEqual(['EXITS_BLOCKED_WHEN_HALTED']);
  });
});

describe('validatePolicy refuses prototype keys at any depth and with any profile', () => {
  it.each([
    ['a constructor key in strategy params', '{"strategies":[{"name":"momentum","params":{"constructor":5}}]}', 'strategies.0.params.constructor'],
    ['a __proto__ key under a profile', '{"profile":"full","__proto__":{"mode":"LIVE","liveTradingConfirmed":true}}', '__proto__'],
    ['a prototype key deep in a section', '{"profile":"moderate","risk":{"pyramiding":{"prototype":{}}}}', 'risk.pyramiding.prototype'],
  ])('refuses %s (FORBIDDEN_KEY)', (_label, json, path) => {
    const r = validatePolicy(JSON.parse(json), { exchangeKeysConfigured: true });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.problems).toContainEqual(expect.objectContaining({ path, code: 'FORBIDDEN_KEY', severity: 'error' }));
  });

  it('refuses an object whose prototype a __proto__ assignment replaced (as a map (M) unmarshals)', () => {
    const risk: Record<string, unknown> = {};
    risk['__proto__'] = { stakePct: 3, maxPositionPct: 3 };
    const r = validatePolicy({ risk });
    expect(!r.ok && r.problems).toEqual([expect.objectContaining({ path: 'risk.__proto__', code: 'FORBIDDEN_KEY' })]);
  });

  it('refuses a document nested deeper than the limit', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 40; i++) deep = { a: deep };
    const r = validatePolicy({ strategies: [{ name: 'momentum', params: deep }] });
    expect(!r.ok && r.problems.map((p) => p.code)).toEqual(['DOCUMENT_TOO_DEEP']);
  });
});

describe('validatePolicy on a document with thousands of schema problems', () => {
  it('removes only the broken list, so the sections around it are still checked', () => {
    const r = validatePolicy({ exits: { roi: Array.from({ length: 2500 }, () => ({})), stopLossPct: 15, takeProfitPct: 12 } });
    expect(!r.ok && r.problems.filter((p) => p.code === 'SCHEMA')).toHaveLength(5000);
    expect(!r.ok && r.problems.slice(5000).map((p) => [p.path, p.code])).toEqual([
      ['exits.stopLossPct', 'STOP_LOSS_BEYOND_TAKE_PROFIT'], ['exits.stopLossPct', 'STOP_NOT_NEGATIVE'],
    ]);
  });
});
