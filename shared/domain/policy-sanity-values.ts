import { timeframeMs, type Timeframe } from './candle.js';
import { dec } from './money.js';
import type { Policy } from './policy.js';
import type { Finding, SanityCheck } from './policy-sanity.js';

type Range = { readonly min: number; readonly minOpen?: boolean; readonly max: number };
const SHARE: Range = { min: 0, max: 100 };
const LIMIT: Range = { min: 0, minOpen: true, max: 100 };
const FEE: Range = { min: 0, max: 100 };

/** Percentages meant as a share (of equity, of a price move): [0, 100], or (0, 100] for limits that must bite. */
function percents(p: Policy): [string, number | null | undefined, Range][] {
  const r = p.risk;
  return [
    ['risk.stakePct', r.stakePct, SHARE], ['risk.riskPerTradePct', r.riskPerTradePct, SHARE],
    ['risk.maxPositionPct', r.maxPositionPct, SHARE], ['risk.maxTotalExposurePct', r.maxTotalExposurePct, SHARE],
    ['risk.minNotionalBufferPct', r.minNotionalBufferPct, SHARE],
    ...p.strategies.map((s, i): [string, number | undefined, Range] => [`strategies.${i}.riskBudgetPct`, s.riskBudgetPct, SHARE]),
    ['lossLimits.maxDrawdownPct', p.lossLimits.maxDrawdownPct, LIMIT],
    ['protections.maxDrawdown.maxDrawdownPct', p.protections.maxDrawdown.maxDrawdownPct, LIMIT],
    ['marketQuality.badTickPct', p.marketQuality.badTickPct, LIMIT],
    ['exits.trailingStop.activationPct', p.exits.trailingStop.activationPct, SHARE],
  ];
}

/** Counts and durations that must be above zero (protections only while enabled). */
function positives(p: Policy): [string, number][] {
  const { risk: r, pacing: t, protections: pr, killSwitch: k } = p;
  const lock = (name: string, l: { enabled: boolean; lookbackMinutes?: number; lockMinutes: number; tradeLimit?: number }): [string, number][] =>
    l.enabled ? [
      ...(l.lookbackMinutes === undefined ? [] : [[`protections.${name}.lookbackMinutes`, l.lookbackMinutes] as [string, number]]),
      [`protections.${name}.lockMinutes`, l.lockMinutes],
      ...(l.tradeLimit === undefined ? [] : [[`protections.${name}.tradeLimit`, l.tradeLimit] as [string, number]]),
    ] : [];
  return [
    ['risk.maxOpenPositions', r.maxOpenPositions], ['risk.atrPeriod', r.atrPeriod], ['risk.atrStopMultiple', r.atrStopMultiple],
    ['risk.pyramiding.addStakeFraction', r.pyramiding.addStakeFraction],
    ['pacing.maxTradesPerDay', t.maxTradesPerDay], ['pacing.maxTradesPerHour', t.maxTradesPerHour],
    ['pacing.maxNewPositionsPerHour', t.maxNewPositionsPerHour], ['signals.maxIntentsPerCycle', p.signals.maxIntentsPerCycle],
    ['marketQuality.staleDataSeconds', p.marketQuality.staleDataSeconds],
    ['killSwitch.errorBurstCount', k.errorBurstCount], ['killSwitch.errorBurstWindowSeconds', k.errorBurstWindowSeconds],
    ['circuitBreaker.failureThreshold', p.circuitBreaker.failureThreshold], ['circuitBreaker.openSeconds', p.circuitBreaker.openSeconds],
    ...lock('stoplossGuard', pr.stoplossGuard), ...lock('maxDrawdown', pr.maxDrawdown),
    ...lock('lowProfitPairs', pr.lowProfitPairs), ...lock('cooldown', pr.cooldown),
  ];
}

/** Values that may be zero (off) but never negative. */
function nonNegatives(p: Policy): [string, number][] {
  return [
    ['risk.pyramiding.maxAdds', p.risk.pyramiding.maxAdds],
    ['pacing.minSecondsBetweenTrades', p.pacing.minSecondsBetweenTrades],
    ['pacing.perSymbolCooldownSeconds', p.pacing.perSymbolCooldownSeconds],
    ['killSwitch.cooldownSeconds', p.killSwitch.cooldownSeconds],
    ['killSwitch.maxConsecutiveLosses', p.killSwitch.maxConsecutiveLosses],
  ];
}

const outside = (v: number, r: Range) => v > r.max || (r.minOpen ? v <= r.min : v < r.min);
const show = (r: Range) => `${r.minOpen ? '(' : '['}${r.min}, ${r.max}]`;
const bps = (path: string, v: number, r: Range, what: string): Finding[] =>
  (outside(v, r) ? [{ path, message: `${what} ${v} bps is outside ${show(r)}` }] : []);

/** Unsafe values: out-of-range percentages, stop levels on the wrong side, absurd tolerances, zero counts. */
export const valueChecks: readonly SanityCheck[] = [
  {
    code: 'PERCENT_OUT_OF_RANGE', severity: 'error', summary: 'a percentage meant as a share negative or above 100 (limits: zero too)',
    check: (p) => percents(p).flatMap(([path, v, range]) => (v === null || v === undefined || !outside(v, range) ? [] : [{
      path, message: `${v}% is outside ${show(range)}`,
    }])),
  },
  {
    code: 'STOP_NOT_NEGATIVE', severity: 'error', summary: 'a stop level (stopLossPct, dailyStopPct, weeklyStopPct) not in (−100, 0)',
    check: ({ exits: e, lossLimits: l }) => ([
      ['exits.stopLossPct', e.stopLossPct], ['lossLimits.dailyStopPct', l.dailyStopPct], ['lossLimits.weeklyStopPct', l.weeklyStopPct],
    ] as const).flatMap(([path, v]) => (v === null || (v > -100 && v < 0) ? [] : [{
      path, message: `stop levels are negative percentages in (-100, 0), got ${v} (null turns the stop off)`,
    }])),
  },
  {
    code: 'TAKE_PROFIT_NOT_POSITIVE', severity: 'error', summary: 'exits.takeProfitPct zero or negative (exits at a loss)',
    check: ({ exits: { takeProfitPct: tp } }) => (tp !== null && tp <= 0 ? [{ path: 'exits.takeProfitPct', message: `takeProfitPct ${tp} must be above 0` }] : []),
  },
  {
    code: 'SPREAD_TOLERANCE_ABSURD', severity: 'error', summary: 'marketQuality.maxSpreadBps not in (0, 500]',
    check: ({ marketQuality: m }) => bps('marketQuality.maxSpreadBps', m.maxSpreadBps, { min: 0, minOpen: true, max: 500 }, 'spread tolerance'),
  },
  {
    code: 'SLIPPAGE_TOLERANCE_ABSURD', severity: 'error', summary: 'paper.slippageBps not in [0, 300], or execution.maxSlippageBps not in (0, 300]',
    check: (p) => [
      ...bps('paper.slippageBps', p.paper.slippageBps, { min: 0, max: 300 }, 'paper slippage'),
      ...bps('execution.maxSlippageBps', p.execution.maxSlippageBps, { min: 0, minOpen: true, max: 300 }, 'slippage tolerance'),
    ],
  },
  {
    code: 'FEE_OUT_OF_RANGE', severity: 'error', summary: 'a paper fee rate not in [0, 100] bps',
    check: ({ paper }) => [
      ...bps('paper.takerFeeBps', paper.takerFeeBps, FEE, 'taker fee'), ...bps('paper.makerFeeBps', paper.makerFeeBps, FEE, 'maker fee'),
    ],
  },
  {
    code: 'STALE_THRESHOLD_TOO_LOOSE', severity: 'error', summary: 'marketQuality.staleDataSeconds above 10 candles or above 3600 s',
    check: (p) => {
      const limit = Math.min(3600, (10 * timeframeMs(p.timeframe as Timeframe)) / 1000);
      const v = p.marketQuality.staleDataSeconds;
      return v > limit ? [{ path: 'marketQuality.staleDataSeconds', message: `${v} s lets data up to ${v} s old count as fresh; at most ${limit} s on ${p.timeframe}` }] : [];
    },
  },
  {
    code: 'NOT_POSITIVE', severity: 'error', summary: 'a count or duration that must be above zero is zero or negative',
    check: (p) => positives(p).flatMap(([path, v]) => (v > 0 ? [] : [{ path, message: `must be above 0, got ${v}` }])),
  },
  {
    code: 'NEGATIVE_VALUE', severity: 'error', summary: 'a count or duration that may be 0 (off) is negative',
    check: (p) => nonNegatives(p).flatMap(([path, v]) => (v >= 0 ? [] : [{ path, message: `must be 0 or more, got ${v}` }])),
  },
  {
    code: 'STARTING_CASH_ZERO', severity: 'error', summary: 'paper.startingCash is 0: the paper ledger could never trade',
    check: ({ paper }) => (dec(paper.startingCash).isZero() ? [{ path: 'paper.startingCash', message: 'startingCash must be above 0' }] : []),
  },
];
