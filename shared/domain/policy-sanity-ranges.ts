import type { Policy } from './policy.js';
import type { Finding, SanityCheck } from './policy-sanity.js';

/** ccxt exchange ids the product can trade: the ones shared/adapters/ccxt-exchange.ts bundles. */
export const SUPPORTED_EXCHANGE_IDS: readonly string[] = ['binance'];
/** Most symbols a policy (or one strategy) may list. */
export const MAX_SYMBOLS = 100;
/** Most strategies a policy may list. */
export const MAX_STRATEGIES = 20;

const DAY_S = 86_400;
const WEEK_S = 7 * DAY_S;
const MONTH_MIN = 30 * 1440;
const YEAR_MIN = 365 * 1440;

/** [path, value, min (undefined: another check owns the lower bound), max, min excluded]. */
type Bound = readonly [string, number, number | undefined, number, boolean?];

/** Sane bounds of every number the other checks leave open above (and the whole range of those they do not check). */
function bounds(p: Policy): Bound[] {
  const { risk: r, pacing: t, protections: pr, marketQuality: m, killSwitch: k, circuitBreaker: cb, execution: x, exchange: ex } = p;
  const lock = (name: string, l: { lookbackMinutes?: number; lockMinutes: number; tradeLimit?: number }): Bound[] => [
    ...(l.lookbackMinutes === undefined ? [] : [[`protections.${name}.lookbackMinutes`, l.lookbackMinutes, undefined, MONTH_MIN] as const]),
    [`protections.${name}.lockMinutes`, l.lockMinutes, undefined, MONTH_MIN],
    ...(l.tradeLimit === undefined ? [] : [[`protections.${name}.tradeLimit`, l.tradeLimit, undefined, 1000] as const]),
  ];
  return [
    ['risk.atrPeriod', r.atrPeriod, undefined, 1000], ['risk.atrStopMultiple', r.atrStopMultiple, undefined, 50],
    ['risk.maxOpenPositions', r.maxOpenPositions, undefined, MAX_SYMBOLS],
    ['risk.pyramiding.maxAdds', r.pyramiding.maxAdds, undefined, 20], ['risk.pyramiding.addStakeFraction', r.pyramiding.addStakeFraction, undefined, 2],
    ['pacing.maxTradesPerDay', t.maxTradesPerDay, undefined, 10_000], ['pacing.maxTradesPerHour', t.maxTradesPerHour, undefined, 1000],
    ['pacing.maxNewPositionsPerHour', t.maxNewPositionsPerHour, undefined, 1000], ['signals.maxIntentsPerCycle', p.signals.maxIntentsPerCycle, undefined, 10_000],
    ['pacing.minSecondsBetweenTrades', t.minSecondsBetweenTrades, undefined, DAY_S], ['pacing.perSymbolCooldownSeconds', t.perSymbolCooldownSeconds, undefined, WEEK_S],
    ...lock('stoplossGuard', pr.stoplossGuard), ...lock('maxDrawdown', pr.maxDrawdown), ...lock('lowProfitPairs', pr.lowProfitPairs), ...lock('cooldown', pr.cooldown),
    ['protections.lowProfitPairs.requiredProfitPct', pr.lowProfitPairs.requiredProfitPct, -100, 100],
    ['marketQuality.degradedAfterSeconds', m.degradedAfterSeconds, undefined, DAY_S],
    ['killSwitch.cooldownSeconds', k.cooldownSeconds, undefined, WEEK_S], ['killSwitch.maxConsecutiveLosses', k.maxConsecutiveLosses, undefined, 1000],
    ['killSwitch.errorBurstCount', k.errorBurstCount, undefined, 10_000], ['killSwitch.errorBurstWindowSeconds', k.errorBurstWindowSeconds, undefined, DAY_S],
    ['circuitBreaker.failureThreshold', cb.failureThreshold, undefined, 1000], ['circuitBreaker.openSeconds', cb.openSeconds, undefined, DAY_S],
    ['execution.limitOffsetBps', x.limitOffsetBps, 0, 1000], ['execution.limitTimeoutSeconds', x.limitTimeoutSeconds, 1, DAY_S],
    ['execution.settleWindowSeconds', x.settleWindowSeconds, 0, DAY_S], ['execution.settleNotFoundChecks', x.settleNotFoundChecks, 2, 100],
    ['execution.unresolvedAlertSeconds', x.unresolvedAlertSeconds, 1, WEEK_S],
    ['execution.almgrenChriss.permanentGamma', x.almgrenChriss.permanentGamma, 0, 10], ['execution.almgrenChriss.temporaryEta', x.almgrenChriss.temporaryEta, 0, 10],
    ['execution.almgrenChriss.volatilityCandles', x.almgrenChriss.volatilityCandles, 2, 1000],
    ['execution.slicing.thresholdPctOfRecentVolume', x.slicing.thresholdPctOfRecentVolume, 0, 10_000, true], ['execution.slicing.slices', x.slicing.slices, 2, 100],
    ['execution.slicing.intervalSeconds', x.slicing.intervalSeconds, 0, DAY_S], ['execution.slicing.maxParticipationPct', x.slicing.maxParticipationPct, 0, 100, true],
    ['execution.slicing.volumeCandles', x.slicing.volumeCandles, 1, 1000],
    ['exchange.rateLimitWeightPerMinute', ex.rateLimitWeightPerMinute, 1, 100_000], ['exchange.maxRetries', ex.maxRetries, 0, 10],
    ['exchange.retryBaseDelayMs', ex.retryBaseDelayMs, 1, 60_000], ['exchange.retryMaxDelayMs', ex.retryMaxDelayMs, 1, 300_000],
    ['reconcile.driftAlertPct', p.reconcile.driftAlertPct, 0, 100, true], ['reconcile.driftTripPct', p.reconcile.driftTripPct, 0, 100, true],
    ['paper.impactCoefficient', p.paper.impactCoefficient, 0, 10], ['paper.maxVolumeParticipationPct', p.paper.maxVolumeParticipationPct, 0, 100, true],
    ['paper.seed', p.paper.seed, 0, 2 ** 31 - 1],
    ['exits.takeProfitPct', p.exits.takeProfitPct ?? 1, undefined, 1000], ['exits.timeStopMinutes', p.exits.timeStopMinutes, undefined, YEAR_MIN],
    ['exits.trailingStop.trailPct', p.exits.trailingStop.trailPct, undefined, 100],
    ...p.exits.roi.flatMap((s, i): Bound[] => [[`exits.roi.${i}.afterMinutes`, s.afterMinutes, undefined, YEAR_MIN], [`exits.roi.${i}.pct`, s.pct, -100, 1000]]),
  ];
}

const outside = ([, v, min, max, open]: Bound) => v > max || (min !== undefined && (open ? v <= min : v < min));
const show = ([, , min, max, open]: Bound) => (min === undefined ? `at most ${max}` : `in ${open ? '(' : '['}${min}, ${max}]`);
const one = (cond: boolean, path: string, message: string): Finding[] => (cond ? [{ path, message }] : []);

/** Bounds on every number, list lengths and the exchange: what a value cannot sensibly be, whatever the mode. */
export const rangeChecks: readonly SanityCheck[] = [
  {
    code: 'OUT_OF_RANGE', severity: 'error', summary: 'a count, duration, rate or tolerance outside its sane range (the message names the range)',
    check: (p) => bounds(p).filter(outside).map((b) => ({ path: b[0], message: `${b[1]} is outside the sane range: must be ${show(b)}` })),
  },
  {
    code: 'TOO_MANY_SYMBOLS', severity: 'error', summary: `more than ${MAX_SYMBOLS} symbols in the policy or in one strategy`,
    check: (p) => [
      ...one(p.symbols.length > MAX_SYMBOLS, 'symbols', `${p.symbols.length} symbols; at most ${MAX_SYMBOLS}`),
      ...p.strategies.flatMap((s, i) => one((s.symbols?.length ?? 0) > MAX_SYMBOLS, `strategies.${i}.symbols`, `${s.symbols?.length} symbols; at most ${MAX_SYMBOLS}`)),
    ],
  },
  {
    code: 'TOO_MANY_STRATEGIES', severity: 'error', summary: `more than ${MAX_STRATEGIES} strategies`,
    check: (p) => one(p.strategies.length > MAX_STRATEGIES, 'strategies', `${p.strategies.length} strategies; at most ${MAX_STRATEGIES}`),
  },
  {
    code: 'UNSUPPORTED_EXCHANGE', severity: 'error', summary: `exchange.id not one the product trades (${SUPPORTED_EXCHANGE_IDS.join(', ')})`,
    check: ({ exchange: { id } }) => one(!SUPPORTED_EXCHANGE_IDS.includes(id), 'exchange.id',
      `exchange "${id.slice(0, 40)}" is not supported; supported: ${SUPPORTED_EXCHANGE_IDS.join(', ')}`),
  },
  {
    code: 'DRIFT_TRIP_BELOW_ALERT', severity: 'error', summary: 'reconcile.driftTripPct below driftAlertPct: the switch would trip before anyone is warned',
    check: ({ reconcile: r }) => one(r.driftTripPct < r.driftAlertPct, 'reconcile.driftTripPct', `driftTripPct ${r.driftTripPct} is below driftAlertPct ${r.driftAlertPct}`),
  },
  {
    code: 'RETRY_DELAYS_INVERTED', severity: 'error', summary: 'exchange.retryMaxDelayMs below retryBaseDelayMs',
    check: ({ exchange: e }) => one(e.retryMaxDelayMs < e.retryBaseDelayMs, 'exchange.retryMaxDelayMs',
      `retryMaxDelayMs ${e.retryMaxDelayMs} is below retryBaseDelayMs ${e.retryBaseDelayMs}`),
  },
  {
    code: 'UNRESOLVED_ALERT_BEFORE_SETTLE', severity: 'error', summary: 'execution.unresolvedAlertSeconds not above settleWindowSeconds',
    check: ({ execution: x }) => one(x.unresolvedAlertSeconds <= x.settleWindowSeconds, 'execution.unresolvedAlertSeconds',
      `unresolvedAlertSeconds ${x.unresolvedAlertSeconds} must be above settleWindowSeconds ${x.settleWindowSeconds}: an order would be reported unresolved before it could settle`),
  },
];
