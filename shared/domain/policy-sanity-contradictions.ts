import { StrategyParamsError, StratusError } from './errors.js';
import { dec } from './money.js';
import type { Policy } from './policy.js';
import type { Finding, SanityCheck } from './policy-sanity.js';
import { getStrategy } from './strategy.js';

/** Most closed candles a strategy's params may ask for (lookbacks, SMA periods). */
export const MAX_STRATEGY_CANDLES = 1000;

const one = (cond: boolean, path: string, message: string): Finding[] => (cond ? [{ path, message }] : []);
const enabled = (p: Policy) => p.strategies.filter((s) => s.enabled);

/** Settings that contradict each other: the policy cannot mean what it says. */
export const contradictionChecks: readonly SanityCheck[] = [
  {
    code: 'STAKE_ABOVE_ASSET_CAP', severity: 'error', summary: 'risk.stakePct above risk.maxPositionPct',
    check: ({ risk: r }) => one(r.stakePct > r.maxPositionPct, 'risk.stakePct', `stakePct ${r.stakePct} exceeds maxPositionPct ${r.maxPositionPct}`),
  },
  {
    code: 'ASSET_CAP_ABOVE_EXPOSURE', severity: 'error', summary: 'risk.maxPositionPct above risk.maxTotalExposurePct',
    check: ({ risk: r }) => one(r.maxPositionPct > r.maxTotalExposurePct, 'risk.maxPositionPct',
      `maxPositionPct ${r.maxPositionPct} exceeds maxTotalExposurePct ${r.maxTotalExposurePct}`),
  },
  {
    code: 'POSITIONS_EXCEED_EXPOSURE', severity: 'warning',
    summary: 'maxPositionPct × maxOpenPositions above maxTotalExposurePct: the exposure cap, not the position count, binds first',
    check: ({ risk: r }) => one(r.maxPositionPct * r.maxOpenPositions > r.maxTotalExposurePct, 'risk.maxOpenPositions',
      `${r.maxOpenPositions} positions of up to ${r.maxPositionPct}% add up to ${r.maxPositionPct * r.maxOpenPositions}%, above maxTotalExposurePct ${r.maxTotalExposurePct}`),
  },
  {
    code: 'MIN_ORDER_ABOVE_MAX_ORDER', severity: 'error', summary: 'risk.minNotional above risk.maxPositionNotional',
    check: ({ risk: r }) => one(dec(r.minNotional).gt(r.maxPositionNotional), 'risk.minNotional',
      `minNotional ${r.minNotional} exceeds maxPositionNotional ${r.maxPositionNotional}: no order could ever be sized`),
  },
  {
    code: 'PYRAMIDING_WITHOUT_ADDS', severity: 'error', summary: 'pyramiding enabled with maxAdds 0',
    check: ({ risk: { pyramiding: py } }) => one(py.enabled && py.maxAdds <= 0, 'risk.pyramiding.maxAdds', 'pyramiding is enabled but maxAdds allows no add'),
  },
  {
    code: 'STOP_LOSS_BEYOND_TAKE_PROFIT', severity: 'error', summary: 'exits.stopLossPct at or above exits.takeProfitPct',
    check: ({ exits: e }) => one(e.stopLossPct !== null && e.takeProfitPct !== null && e.stopLossPct >= e.takeProfitPct,
      'exits.stopLossPct', `stopLossPct ${e.stopLossPct} is not below takeProfitPct ${e.takeProfitPct}`),
  },
  {
    code: 'DAILY_LOOSER_THAN_WEEKLY', severity: 'error', summary: 'lossLimits.dailyStopPct more negative than weeklyStopPct',
    check: ({ lossLimits: l }) => one(l.dailyStopPct !== null && l.weeklyStopPct !== null && l.dailyStopPct < l.weeklyStopPct,
      'lossLimits.dailyStopPct', `daily stop ${l.dailyStopPct}% is looser than the weekly stop ${l.weeklyStopPct}%: it could never trip first`),
  },
  {
    code: 'PACING_CONTRADICTION', severity: 'error', summary: 'maxTradesPerHour above maxTradesPerDay, or maxNewPositionsPerHour above maxTradesPerHour',
    check: ({ pacing: t }) => [
      ...one(t.maxTradesPerHour > t.maxTradesPerDay, 'pacing.maxTradesPerHour', `maxTradesPerHour ${t.maxTradesPerHour} exceeds maxTradesPerDay ${t.maxTradesPerDay}`),
      ...one(t.maxNewPositionsPerHour > t.maxTradesPerHour, 'pacing.maxNewPositionsPerHour',
        `maxNewPositionsPerHour ${t.maxNewPositionsPerHour} exceeds maxTradesPerHour ${t.maxTradesPerHour}`),
    ],
  },
  {
    code: 'STRATEGY_BUDGETS_EXCEED_EXPOSURE', severity: 'warning',
    summary: "enabled strategies' riskBudgetPct add up to more than maxTotalExposurePct: the budgets cannot all be used",
    check: (p) => {
      const total = enabled(p).reduce((s, x) => s + (x.riskBudgetPct ?? 0), 0);
      return one(total > p.risk.maxTotalExposurePct, 'strategies', `strategy budgets add up to ${total}%, above maxTotalExposurePct ${p.risk.maxTotalExposurePct}`);
    },
  },
  {
    code: 'ROI_NOT_SORTED', severity: 'error', summary: 'exits.roi steps not in strictly rising afterMinutes order',
    check: ({ exits: { roi } }) => roi.flatMap((s, i) => one(i > 0 && s.afterMinutes <= roi[i - 1]!.afterMinutes,
      `exits.roi.${i}.afterMinutes`, `afterMinutes ${s.afterMinutes} does not come after the previous step's ${roi[i - 1]?.afterMinutes}`)),
  },
  {
    code: 'ROI_RISING', severity: 'error', summary: 'an exits.roi step asks for more profit than an earlier one',
    check: ({ exits: { roi } }) => roi.flatMap((s, i) => one(i > 0 && s.pct > roi[i - 1]!.pct,
      `exits.roi.${i}.pct`, `pct ${s.pct} rises above the previous step's ${roi[i - 1]?.pct}: a ROI table only relaxes with time`)),
  },
  {
    code: 'TRAILING_STOP_WITHOUT_TRAIL', severity: 'error', summary: 'trailing stop enabled with trailPct not in (0, 100)',
    check: ({ exits: { trailingStop: t } }) => one(t.enabled && !(t.trailPct > 0 && t.trailPct < 100), 'exits.trailingStop.trailPct',
      `trailing stop is enabled but trailPct ${t.trailPct} is not between 0 and 100 (exclusive)`),
  },
  {
    code: 'DEGRADED_BEFORE_STALE', severity: 'error', summary: 'marketQuality.degradedAfterSeconds not above staleDataSeconds',
    check: ({ marketQuality: m }) => one(m.degradedAfterSeconds <= m.staleDataSeconds, 'marketQuality.degradedAfterSeconds',
      `degradedAfterSeconds ${m.degradedAfterSeconds} must be above staleDataSeconds ${m.staleDataSeconds}`),
  },
  {
    code: 'PROTECTION_DRAWDOWN_ABOVE_LIMIT', severity: 'warning', summary: 'the max-drawdown protection is set at or above lossLimits.maxDrawdownPct',
    check: ({ protections: { maxDrawdown: m }, lossLimits: l }) => one(m.enabled && l.maxDrawdownPct !== null && m.maxDrawdownPct >= l.maxDrawdownPct,
      'protections.maxDrawdown.maxDrawdownPct', `the protection (${m.maxDrawdownPct}%) can never lock before the kill switch trips (${l.maxDrawdownPct}%)`),
  },
  {
    code: 'DUPLICATE_SYMBOL', severity: 'error', summary: 'a symbol listed twice',
    check: ({ symbols }) => repeats(symbols).map((i) => ({ path: `symbols.${i}`, message: `${symbols[i]} is listed twice` })),
  },
  {
    code: 'DUPLICATE_STRATEGY', severity: 'error', summary: 'a strategy listed twice (its intents would share ids and one would be dropped)',
    check: ({ strategies: list }) => repeats(list.map((s) => s.name)).map((i) => ({
      path: `strategies.${i}.name`, message: `strategy ${list[i]!.name} is listed twice; intent ids would collide`,
    })),
  },
  {
    code: 'UNKNOWN_STRATEGY', severity: 'error', summary: 'a strategy name that does not exist',
    check: (p) => p.strategies.flatMap((s, i) => strategyProblem(s, i, 'UNKNOWN_STRATEGY')),
  },
  {
    code: 'STRATEGY_PARAMS', severity: 'error', summary: "a strategy parameter that is unknown or out of the strategy's range, or lookbacks needing over 1000 candles",
    check: (p) => p.strategies.flatMap((s, i) => strategyProblem(s, i, 'STRATEGY_PARAMS')),
  },
  {
    code: 'STRATEGY_SYMBOL_NOT_LISTED', severity: 'error', summary: "a strategy's symbol missing from the policy's symbols",
    check: (p) => {
      const listed = new Set(p.symbols);
      return p.strategies.flatMap((s, i) => (s.symbols ?? []).flatMap((sym, j) =>
        one(!listed.has(sym), `strategies.${i}.symbols.${j}`, `${sym} is not in symbols`)));
    },
  },
  {
    code: 'NO_ENABLED_STRATEGY', severity: 'warning', summary: 'every strategy disabled: nothing will ever enter',
    check: (p) => one(enabled(p).length === 0, 'strategies', 'no strategy is enabled; only exits of existing positions will run'),
  },
];

function strategyProblem(s: Policy['strategies'][number], i: number, want: 'UNKNOWN_STRATEGY' | 'STRATEGY_PARAMS'): Finding[] {
  try {
    const candles = getStrategy(s.name).requiredCandles(s.params);
    return want === 'STRATEGY_PARAMS' && candles > MAX_STRATEGY_CANDLES
      ? [{ path: `strategies.${i}.params`, message: `these params need ${candles} closed candles; at most ${MAX_STRATEGY_CANDLES}` }] : [];
  } catch (error) {
    if (!(error instanceof StratusError)) throw error;
    const code = error.code === 'UNKNOWN_STRATEGY' ? 'UNKNOWN_STRATEGY' : 'STRATEGY_PARAMS';
    if (code !== want) return [];
    if (error instanceof StrategyParamsError) {
      return error.issues.map((issue) => ({ path: `strategies.${i}.params${issue.param ? `.${issue.param}` : ''}`, message: `${s.name}: ${issue.message}` }));
    }
    return [{ path: `strategies.${i}.${code === 'UNKNOWN_STRATEGY' ? 'name' : 'params'}`, message: error.message }];
  }
}

/** Indices of the entries that repeat an earlier one, in one pass. */
function repeats(values: readonly string[]): number[] {
  const seen = new Set<string>();
  return values.flatMap((v, i) => (seen.has(v) ? [i] : (seen.add(v), [])));
}
