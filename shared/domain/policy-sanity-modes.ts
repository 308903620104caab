import type { SanityCheck } from './policy-sanity.js';

/** Exposure (% of equity) above which validation warns. */
export const HIGH_EXPOSURE_WARN_PCT = 50;
/** Exposure (% of equity) above which a LIVE policy is refused. */
export const HIGH_EXPOSURE_LIVE_MAX_PCT = 80;
/** The widest limits a LIVE policy may set: a stop or limit beyond these is a limit in name only. */
export const LIVE_LIMITS = {
  stopLossPct: -50, dailyStopPct: -20, weeklyStopPct: -35, maxDrawdownPct: 50,
  /** Kill-switch and breaker triggers must be reachable: counts in [1, 50], burst window in [30 s, 1 day]. */
  maxTriggerCount: 50, minBurstWindowSeconds: 30, maxBurstWindowSeconds: 86_400,
  /** An outcome-unknown placement is never concluded "not placed" sooner than this in LIVE. */
  minSettleWindowSeconds: 600,
} as const;

const L = LIVE_LIMITS;
const count = (path: string, v: number, what: string) =>
  (v >= 1 && v <= L.maxTriggerCount ? [] : [{ path, message: `${what} ${v} can never fire in practice; LIVE needs 1..${L.maxTriggerCount}` }]);

/** Rules that depend on the trading mode and the deployment, plus warnings about risky but legal settings. */
export const modeChecks: readonly SanityCheck[] = [
  {
    code: 'LIVE_NOT_CONFIRMED', severity: 'error', summary: 'mode LIVE without liveTradingConfirmed: true',
    check: (p) => (p.mode === 'LIVE' && !p.liveTradingConfirmed
      ? [{ path: 'liveTradingConfirmed', message: 'mode LIVE needs liveTradingConfirmed: true' }] : []),
  },
  {
    code: 'LIVE_WITHOUT_KEYS', severity: 'error', summary: 'mode LIVE on a deployment whose exchange secret does not hold a non-empty apiKey and secret (or cannot be read)',
    check: (p, context) => (p.mode === 'LIVE' && context.exchangeKeysConfigured === false
      ? [{ path: 'mode', message: 'mode LIVE needs exchange API keys (EXCHANGE_SECRET_ARN) on this deployment' }] : []),
  },
  {
    code: 'LIVE_WITHOUT_LOSS_LIMIT', severity: 'error', summary: 'mode LIVE with a loss limit or the stop-loss turned off (null)',
    check: (p) => (p.mode !== 'LIVE' ? [] : ([
      ['lossLimits.dailyStopPct', p.lossLimits.dailyStopPct], ['lossLimits.weeklyStopPct', p.lossLimits.weeklyStopPct],
      ['lossLimits.maxDrawdownPct', p.lossLimits.maxDrawdownPct], ['exits.stopLossPct', p.exits.stopLossPct],
    ] as const).flatMap(([path, v]) => (v === null ? [{ path, message: 'LIVE trading needs this limit set (it is null = off)' }] : []))),
  },
  {
    code: 'LIVE_STOP_TOO_WIDE', severity: 'error',
    summary: `mode LIVE with exits.stopLossPct beyond ${L.stopLossPct} %, dailyStopPct beyond ${L.dailyStopPct} % or weeklyStopPct beyond ${L.weeklyStopPct} %`,
    check: (p) => (p.mode !== 'LIVE' ? [] : ([
      ['exits.stopLossPct', p.exits.stopLossPct, L.stopLossPct], ['lossLimits.dailyStopPct', p.lossLimits.dailyStopPct, L.dailyStopPct],
      ['lossLimits.weeklyStopPct', p.lossLimits.weeklyStopPct, L.weeklyStopPct],
    ] as const).flatMap(([path, v, limit]) => (v !== null && v < limit ? [{ path, message: `${v}% is beyond the LIVE maximum of ${limit}%` }] : []))),
  },
  {
    code: 'LIVE_DRAWDOWN_LIMIT_TOO_WIDE', severity: 'error', summary: `mode LIVE with lossLimits.maxDrawdownPct above ${L.maxDrawdownPct} %`,
    check: ({ mode, lossLimits: { maxDrawdownPct: d } }) => (mode === 'LIVE' && d !== null && d > L.maxDrawdownPct
      ? [{ path: 'lossLimits.maxDrawdownPct', message: `${d}% is above the LIVE maximum of ${L.maxDrawdownPct}%` }] : []),
  },
  {
    code: 'LIVE_TRIGGER_CANNOT_FIRE', severity: 'error',
    summary: `mode LIVE with a kill-switch or breaker trigger that cannot fire: errorBurstCount, maxConsecutiveLosses or failureThreshold not in 1..${L.maxTriggerCount}, errorBurstWindowSeconds not in [${L.minBurstWindowSeconds}, ${L.maxBurstWindowSeconds}]`,
    check: ({ mode, killSwitch: k, circuitBreaker: cb }) => (mode !== 'LIVE' ? [] : [
      ...count('killSwitch.errorBurstCount', k.errorBurstCount, 'an error burst of'),
      ...count('killSwitch.maxConsecutiveLosses', k.maxConsecutiveLosses, 'a losing streak of'),
      ...count('circuitBreaker.failureThreshold', cb.failureThreshold, 'a failure run of'),
      ...(k.errorBurstWindowSeconds >= L.minBurstWindowSeconds && k.errorBurstWindowSeconds <= L.maxBurstWindowSeconds ? [] : [{
        path: 'killSwitch.errorBurstWindowSeconds', message: `a ${k.errorBurstWindowSeconds} s window; LIVE needs ${L.minBurstWindowSeconds}..${L.maxBurstWindowSeconds} s`,
      }]),
    ]),
  },
  {
    code: 'SETTLE_WINDOW_TOO_SHORT', severity: 'error', summary: `mode LIVE with execution.settleWindowSeconds below ${L.minSettleWindowSeconds}`,
    check: ({ mode, execution: x }) => (mode === 'LIVE' && x.settleWindowSeconds < L.minSettleWindowSeconds ? [{
      path: 'execution.settleWindowSeconds', message: `${x.settleWindowSeconds} s: a slow exchange could hide an accepted order that long; LIVE needs at least ${L.minSettleWindowSeconds} s`,
    }] : []),
  },
  {
    code: 'HIGH_EXPOSURE', severity: 'warning',
    summary: `maxTotalExposurePct above ${HIGH_EXPOSURE_WARN_PCT} % (warning); in LIVE above ${HIGH_EXPOSURE_LIVE_MAX_PCT} % (error)`,
    check: ({ mode, risk: { maxTotalExposurePct: x } }) => {
      if (mode === 'LIVE' && x > HIGH_EXPOSURE_LIVE_MAX_PCT) {
        return [{ path: 'risk.maxTotalExposurePct', severity: 'error', message: `${x}% of equity at risk is above the LIVE maximum of ${HIGH_EXPOSURE_LIVE_MAX_PCT}%` }];
      }
      return x > HIGH_EXPOSURE_WARN_PCT ? [{ path: 'risk.maxTotalExposurePct', message: `${x}% of equity may be at risk at once` }] : [];
    },
  },
  {
    code: 'TAKE_PROFIT_BELOW_FEES', severity: 'warning', summary: 'exits.takeProfitPct at or below the round-trip taker fees',
    check: ({ exits: { takeProfitPct: tp }, paper }) => {
      const roundTrip = (2 * paper.takerFeeBps) / 100;
      return tp !== null && tp > 0 && tp <= roundTrip
        ? [{ path: 'exits.takeProfitPct', message: `take-profit ${tp}% does not cover round-trip fees of ${roundTrip}%: every take-profit exit loses money` }] : [];
    },
  },
  {
    code: 'EXITS_BLOCKED_WHEN_HALTED', severity: 'warning', summary: 'risk.allowExitsWhenHalted false: a tripped kill switch also blocks stop-loss exits',
    check: ({ risk }) => (risk.allowExitsWhenHalted ? [] : [{
      path: 'risk.allowExitsWhenHalted', message: 'while the kill switch is not ARMED, no exit (not even a stop-loss) leaves the pipeline',
    }]),
  },
];
