import { describe, expect, it } from 'vitest';
import { validatePolicy, type PolicyProblem, type ValidationContext } from '../../../shared/domain/policy.js';
import { DEPRECATED_KEY_CHECK, SANITY_CHECKS } from '../../../shared/domain/policy-sanity.js';

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
  { code: 'STRATEGY_PARAMS', path: 'strategies.0.params', fail: { strategies: [{ name: 'momentum', params: { lookbak: 20 } }] }, pass: { strategies: [{ name: 'momentum', params: { lookback: 20 } }] } },
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
  // mode-specific
  { code: 'LIVE_NOT_CONFIRMED', path: 'liveTradingConfirmed', fail: { mode: 'LIVE' }, pass: LIVE },
  { code: 'LIVE_WITHOUT_KEYS', path: 'mode', fail: LIVE, pass: { mode: 'PAPER' }, context: { exchangeKeysConfigured: false } },
  { code: 'LIVE_WITHOUT_LOSS_LIMIT', path: 'lossLimits.dailyStopPct', fail: { ...LIVE, lossLimits: { dailyStopPct: null } }, pass: { lossLimits: { dailyStopPct: null } } },
  { code: 'LIVE_WITHOUT_LOSS_LIMIT', path: 'lossLimits.weeklyStopPct', fail: { ...LIVE, lossLimits: { weeklyStopPct: null } }, pass: { ...LIVE, lossLimits: { weeklyStopPct: -7 } } },
  { code: 'LIVE_WITHOUT_LOSS_LIMIT', path: 'lossLimits.maxDrawdownPct', fail: { ...LIVE, lossLimits: { maxDrawdownPct: null } }, pass: { mode: 'DRY_RUN', lossLimits: { maxDrawdownPct: null } } },
  { code: 'LIVE_WITHOUT_LOSS_LIMIT', path: 'exits.stopLossPct', fail: { ...LIVE, exits: { stopLossPct: null } }, pass: { exits: { stopLossPct: null } } },
  { code: 'HIGH_EXPOSURE', path: 'risk.maxTotalExposurePct', fail: { risk: { maxTotalExposurePct: 51 } }, pass: { risk: { maxTotalExposurePct: 50 } } },
  { code: 'HIGH_EXPOSURE', path: 'risk.maxTotalExposurePct', severity: 'error', fail: { ...LIVE, risk: { maxTotalExposurePct: 81 } }, pass: { ...LIVE, risk: { maxTotalExposurePct: 50 } } },
  { code: 'TAKE_PROFIT_BELOW_FEES', path: 'exits.takeProfitPct', fail: { exits: { takeProfitPct: 0.2 } }, pass: { exits: { takeProfitPct: 0.21 } } },
  { code: 'EXITS_BLOCKED_WHEN_HALTED', path: 'risk.allowExitsWhenHalted', fail: { risk: { allowExitsWhenHalted: false } }, pass: { risk: { allowExitsWhenHalted: true } } },
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
