import { errorsInWindow } from './circuit-breaker.js';
import type { ExchangeHealth } from './exchange-health.js';
import type { ClosedTrade, Ledger } from './ledger.js';
import type { Decimal } from './money.js';
import { currentLossPct, utcDayStart, utcWeekStart } from './periods.js';
import type { Policy } from './policy.js';

/** Why the kill switch tripped by itself. */
export type TripCode = 'DAILY_LOSS_LIMIT' | 'WEEKLY_LOSS_LIMIT' | 'MAX_DRAWDOWN' | 'CONSECUTIVE_LOSSES' | 'ERROR_BURST';

/** An automatic trip: a stable code and the reason recorded on the switch and in the alert. */
export interface KillSwitchTrip {
  readonly code: TripCode;
  readonly reason: string;
}

/** What the triggers read, all as of `now`. */
export interface TriggerInput {
  readonly ledger: Ledger;
  /** Marked-to-market equity and drawdown from peak (valuation at the same marks). */
  readonly equity: Decimal;
  readonly drawdownPct: Decimal;
  readonly health?: ExchangeHealth;
  readonly policy: Pick<Policy, 'lossLimits' | 'killSwitch'>;
  readonly now: number;
  /** The last operator reset (lastResetAt): trades and errors before it no longer count. */
  readonly resetAt?: number;
}

/**
 * The first automatic trip that applies, in this order: daily loss ≤ dailyStopPct, weekly loss ≤
 * weeklyStopPct (from the period's start or peak equity, per lossLimits.basis), drawdown from peak ≥
 * maxDrawdownPct, ≥ maxConsecutiveLosses losing trades at the end of the journal, ≥ errorBurstCount
 * exchange errors within errorBurstWindowSeconds. After an operator reset, the loss-limit triggers stay
 * quiet for the rest of the UTC day / week it happened in (the risk guards still block entries), and
 * only trades and errors after it count; the drawdown trigger fires again until the policy changes.
 */
export function killSwitchTrigger(input: TriggerInput): KillSwitchTrip | undefined {
  const { ledger, equity, policy, now, resetAt } = input;
  const { basis, dailyStopPct, weeklyStopPct, maxDrawdownPct } = policy.lossLimits;
  const periods = [
    { code: 'DAILY_LOSS_LIMIT', period: 'day', stop: dailyStopPct, start: utcDayStart(now), name: 'daily', key: 'dailyStopPct' },
    { code: 'WEEKLY_LOSS_LIMIT', period: 'week', stop: weeklyStopPct, start: utcWeekStart(now), name: 'weekly', key: 'weeklyStopPct' },
  ] as const;
  for (const p of periods) {
    if (p.stop === null || (resetAt !== undefined && resetAt >= p.start)) continue;
    const loss = currentLossPct(ledger, p.period, equity, now, basis);
    if (loss.lte(p.stop)) {
      return { code: p.code, reason: `${p.name} loss ${loss.toFixed(2)}% (from the ${basis} equity) reached ${p.key} ${p.stop}%` };
    }
  }
  if (maxDrawdownPct !== null && input.drawdownPct.gte(maxDrawdownPct)) {
    return { code: 'MAX_DRAWDOWN', reason: `drawdown ${input.drawdownPct.toFixed(2)}% from peak equity ${ledger.peakEquity.toFixed()} reached maxDrawdownPct ${maxDrawdownPct}%` };
  }
  const { maxConsecutiveLosses, errorBurstCount, errorBurstWindowSeconds } = policy.killSwitch;
  const losses = losingStreak(ledger.trades ?? [], resetAt);
  if (maxConsecutiveLosses > 0 && losses >= maxConsecutiveLosses) {
    return { code: 'CONSECUTIVE_LOSSES', reason: `${losses} losing trades in a row reached maxConsecutiveLosses ${maxConsecutiveLosses}` };
  }
  const health = input.health && resetAt !== undefined
    ? { ...input.health, recentErrors: input.health.recentErrors.filter((t) => t > resetAt) }
    : input.health;
  const errors = errorsInWindow(health, now, errorBurstWindowSeconds);
  if (errorBurstCount > 0 && errors >= errorBurstCount) {
    return { code: 'ERROR_BURST', reason: `${errors} exchange errors within ${errorBurstWindowSeconds}s reached errorBurstCount ${errorBurstCount}` };
  }
  return undefined;
}

/** Losing trades (pnl < 0 after fees) at the end of the journal, closed after `after` when given. */
export function losingStreak(trades: readonly ClosedTrade[], after?: number): number {
  let n = 0;
  for (let i = trades.length - 1; i >= 0; i--) {
    const t = trades[i]!;
    if ((after !== undefined && t.closedAt <= after) || !t.pnl.lt(0)) break;
    n++;
  }
  return n;
}
