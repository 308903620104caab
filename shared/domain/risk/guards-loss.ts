import { Decimal, ratioVersus } from '../money.js';
import { currentLossPct, rollPeriods } from '../periods.js';
import type { RiskContext } from './context.js';
import type { Assessment } from './context.js';
import type { RiskGuard } from './guard.js';

// Loss limits stop entries only; exits reduce risk. Equity is realized + unrealized (cash plus positions
// at their marks). A period with no mark yet, or a mark from an earlier period, is measured from the
// current equity (periods.ts rollPeriods), so it never rejects: the first mark-to-market of a period sets it.

function periodCheck(period: 'day' | 'week', stop: number | null, ctx: RiskContext, a: Assessment): string | undefined {
  if (stop === null) return undefined;
  const { basis } = ctx.policy.lossLimits;
  const equity = a.valuation.equity;
  // periodLossPct's (equity − reference) / reference × 100 > stop clearly: no division needed (ratioVersus).
  const mark = rollPeriods(a.ledger, equity, ctx.now)[period]!;
  const reference = basis === 'start' ? mark.startEquity : Decimal.max(mark.peakEquity, equity);
  if (reference.gt(0) && ratioVersus(equity.sub(reference).mul(100), reference, stop) > 0) return undefined;
  const change = currentLossPct(a.ledger, period, equity, ctx.now, basis);
  if (change.gt(stop)) return undefined;
  return `equity ${change.toDecimalPlaces(4).toFixed()}% from the ${period}'s ${basis} is at or below the stop ${stop}%`;
}

/** Daily stop: equity vs the UTC day's start or peak equity (lossLimits.basis) at or below dailyStopPct → no entries. */
export const dailyLossGuard: RiskGuard = {
  name: 'dailyLoss', code: 'DAILY_LOSS_LIMIT', scope: 'entry',
  enabled: (p) => p.lossLimits.dailyStopPct !== null,
  check: (ctx, a) => periodCheck('day', ctx.policy.lossLimits.dailyStopPct, ctx, a),
};

/** Weekly stop: as the daily one over the UTC week from Monday, against weeklyStopPct. */
export const weeklyLossGuard: RiskGuard = {
  name: 'weeklyLoss', code: 'WEEKLY_LOSS_LIMIT', scope: 'entry',
  enabled: (p) => p.lossLimits.weeklyStopPct !== null,
  check: (ctx, a) => periodCheck('week', ctx.policy.lossLimits.weeklyStopPct, ctx, a),
};

/** Drawdown from the ledger's all-time peakEquity (or current equity when higher) at or above maxDrawdownPct → no entries. */
export const maxDrawdownGuard: RiskGuard = {
  name: 'maxDrawdown', code: 'MAX_DRAWDOWN', scope: 'entry',
  enabled: (p) => p.lossLimits.maxDrawdownPct !== null,
  check: function maxDrawdown(ctx, a) {
    const max = ctx.policy.lossLimits.maxDrawdownPct;
    if (max === null) return undefined;
    const peak = Decimal.max(a.ledger.peakEquity, a.valuation.equity);
    // valuation's (peak − equity) / peak × 100 < max clearly: no division needed (ratioVersus).
    if (peak.gt(0) && ratioVersus(peak.sub(a.valuation.equity).mul(100), peak, max) < 0) return undefined;
    const dd = a.valuation.drawdownPct;
    if (dd.lt(max)) return undefined;
    return `drawdown ${dd.toDecimalPlaces(4).toFixed()}% from peak equity ${a.ledger.peakEquity.toFixed()} reaches maxDrawdownPct ${max}`;
  },
};
