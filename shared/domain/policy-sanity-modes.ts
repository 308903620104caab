import type { SanityCheck } from './policy-sanity.js';

/** Exposure (% of equity) above which validation warns. */
export const HIGH_EXPOSURE_WARN_PCT = 50;
/** Exposure (% of equity) above which a LIVE policy is refused. */
export const HIGH_EXPOSURE_LIVE_MAX_PCT = 80;

/** Rules that depend on the trading mode and the deployment, plus warnings about risky but legal settings. */
export const modeChecks: readonly SanityCheck[] = [
  {
    code: 'LIVE_NOT_CONFIRMED', severity: 'error', summary: 'mode LIVE without liveTradingConfirmed: true',
    check: (p) => (p.mode === 'LIVE' && !p.liveTradingConfirmed
      ? [{ path: 'liveTradingConfirmed', message: 'mode LIVE needs liveTradingConfirmed: true' }] : []),
  },
  {
    code: 'LIVE_WITHOUT_KEYS', severity: 'error', summary: 'mode LIVE on a deployment without exchange API keys',
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
