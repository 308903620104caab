import { describe, expect, it } from 'vitest';
import type { ExchangeHealth } from '../../../shared/domain/exchange-health.js';
import { killSwitchTrigger, losingStreak, type TriggerInput } from '../../../shared/domain/kill-switch-triggers.js';
import { lastResetAt, resetKillSwitch, tripKillSwitch } from '../../../shared/domain/kill-switch.js';
import type { ClosedTrade, PeriodMark } from '../../../shared/domain/ledger.js';
import { dec } from '../../../shared/domain/money.js';
import { defaultPolicy, type Policy } from '../../../shared/domain/policy.js';
import { ledger } from './fixtures.js';

// Wednesday 6 March 2024, 12:00 UTC; the day began at 00:00, the week on Monday the 4th.
const DAY = 86_400_000;
const MON = Date.UTC(2024, 2, 4);
const TODAY = MON + 2 * DAY;
const NOW = TODAY + 12 * 3_600_000;
const mark = (start: number, startEquity: string, peakEquity: string): PeriodMark =>
  ({ start, startEquity: dec(startEquity), peakEquity: dec(peakEquity) });
const trade = (pnl: string, closedAt: number): ClosedTrade => ({
  symbol: 'BTC/USDT', quantity: dec('0.01'), pnl: dec(pnl), pnlPct: dec(pnl), openedAt: closedAt - 60_000, closedAt, exitReason: 'signal',
});
const health = (recentErrors: number[]): ExchangeHealth => ({ consecutiveFailures: 0, recentErrors, updatedAt: NOW });

const d = defaultPolicy();
/** Daily −3% and weekly −7% from the peak, drawdown 10%, 3 losses in a row, 3 errors in 60 s. */
function policy(lossLimits: Partial<Policy['lossLimits']> = {}, killSwitch: Partial<Policy['killSwitch']> = {}) {
  return {
    lossLimits: { ...d.lossLimits, basis: 'peak' as const, dailyStopPct: -3, weeklyStopPct: -7, maxDrawdownPct: 10, ...lossLimits },
    killSwitch: { ...d.killSwitch, maxConsecutiveLosses: 3, errorBurstCount: 3, errorBurstWindowSeconds: 60, ...killSwitch },
  };
}

/** Today: started at 10 000, peaked at 10 400; this week: started at 10 500, peaked at 10 750. */
function input(over: Partial<TriggerInput> = {}): TriggerInput {
  return {
    ledger: ledger({ day: mark(TODAY, '10000', '10400'), week: mark(MON, '10500', '10750') }),
    equity: dec('10300'), drawdownPct: dec(0), policy: policy(), now: NOW, ...over,
  };
}
const codeOf = (over: Partial<TriggerInput>) => killSwitchTrigger(input(over))?.code;

describe('killSwitchTrigger: one per trigger, at its boundary', () => {
  it('stays quiet when nothing applies', () => {
    expect(killSwitchTrigger(input())).toBeUndefined();
  });

  it.each([
    ['daily loss of exactly −3% from the day peak 10 400', { equity: dec('10088') }, 'DAILY_LOSS_LIMIT'],
    ['daily loss just short of −3%', { equity: dec('10088.01') }, undefined],
    ['daily loss from the day start (basis start): 9 700 is −3%', { equity: dec('9700'), policy: policy({ basis: 'start', weeklyStopPct: null }) }, 'DAILY_LOSS_LIMIT'],
    ['basis start ignores the intraday peak', { equity: dec('10088'), policy: policy({ basis: 'start' }) }, undefined],
    ['weekly loss of exactly −7% from the week peak 10 750', { equity: dec('9997.5'), policy: policy({ dailyStopPct: null }) }, 'WEEKLY_LOSS_LIMIT'],
    ['weekly loss just short of −7%', { equity: dec('9997.51'), policy: policy({ dailyStopPct: null }) }, undefined],
    ['drawdown of exactly maxDrawdownPct', { drawdownPct: dec('10') }, 'MAX_DRAWDOWN'],
    ['drawdown just below maxDrawdownPct', { drawdownPct: dec('9.9999') }, undefined],
    ['drawdown with the limit off', { drawdownPct: dec('50'), policy: policy({ maxDrawdownPct: null }) }, undefined],
    ['three losing trades in a row', { ledger: ledger({ trades: [trade('5', 1), trade('-1', 2), trade('-2', 3), trade('-0.01', 4)] }) }, 'CONSECUTIVE_LOSSES'],
    ['two losses after a win', { ledger: ledger({ trades: [trade('-1', 1), trade('-1', 2), trade('1', 3), trade('-1', 4), trade('-1', 5)] }) }, undefined],
    ['a streak broken by a break-even trade', { ledger: ledger({ trades: [trade('-1', 1), trade('-1', 2), trade('0', 3), trade('-1', 4)] }) }, undefined],
    ['a losing streak with the trigger off', { ledger: ledger({ trades: [trade('-1', 1), trade('-1', 2), trade('-1', 3)] }), policy: policy({}, { maxConsecutiveLosses: 0 }) }, undefined],
    ['three errors within 60 s, both ends inclusive', { health: health([NOW - 60_000, NOW - 1, NOW]) }, 'ERROR_BURST'],
    ['three errors over 60.001 s', { health: health([NOW - 60_001, NOW - 1, NOW]) }, undefined],
  ] as const)('%s → %s', (_label, over, expected) => {
    expect(codeOf(over as Partial<TriggerInput>)).toBe(expected);
  });

  it('measures a period whose mark is from an earlier day from the current equity (no loss yet)', () => {
    const stale = ledger({ day: mark(TODAY - DAY, '20000', '20000'), week: mark(MON, '10300', '10300') });
    expect(codeOf({ ledger: stale })).toBeUndefined();
  });

  it('returns the first trigger that applies, with a reason naming the limit', () => {
    const all = input({
      equity: dec('9000'), drawdownPct: dec('20'), health: health([NOW, NOW, NOW]),
      ledger: ledger({ day: mark(TODAY, '10000', '10400'), week: mark(MON, '10500', '10750'), trades: [trade('-1', 1), trade('-1', 2), trade('-1', 3)] }),
    });
    expect(killSwitchTrigger(all)).toEqual({ code: 'DAILY_LOSS_LIMIT', reason: 'daily loss -13.46% (from the peak equity) reached dailyStopPct -3%' });
    expect(killSwitchTrigger({ ...all, policy: policy({ dailyStopPct: null }) })?.code).toBe('WEEKLY_LOSS_LIMIT');
    expect(killSwitchTrigger({ ...all, policy: policy({ dailyStopPct: null, weeklyStopPct: null }) })?.reason).toContain('maxDrawdownPct 10%');
    expect(killSwitchTrigger({ ...all, policy: policy({ dailyStopPct: null, weeklyStopPct: null, maxDrawdownPct: null }) })?.code).toBe('CONSECUTIVE_LOSSES');
  });
});

describe('killSwitchTrigger after an operator reset', () => {
  it('keeps the daily trigger quiet for the rest of the UTC day of the reset, and the weekly for its week', () => {
    const losing = { equity: dec('9000') };
    expect(codeOf(losing)).toBe('DAILY_LOSS_LIMIT');
    expect(codeOf({ ...losing, resetAt: TODAY + 1 })).toBeUndefined(); // reset today: neither daily nor weekly fires
    expect(codeOf({ ...losing, resetAt: TODAY - 1 })).toBe('DAILY_LOSS_LIMIT'); // reset yesterday: today counts
    expect(codeOf({ ...losing, resetAt: TODAY - 1, policy: policy({ dailyStopPct: null }) })).toBeUndefined(); // same week as the reset
    expect(codeOf({ ...losing, resetAt: MON - 1, policy: policy({ dailyStopPct: null }) })).toBe('WEEKLY_LOSS_LIMIT');
  });

  it('fires the drawdown trigger again: the limit holds until the policy changes', () => {
    expect(codeOf({ drawdownPct: dec('12'), resetAt: NOW - 1 })).toBe('MAX_DRAWDOWN');
  });

  it('counts only losing trades closed after the reset', () => {
    const trades = [trade('-1', NOW - 3_000), trade('-1', NOW - 2_000), trade('-1', NOW - 1_000)];
    expect(codeOf({ ledger: ledger({ trades }), resetAt: NOW - 2_500 })).toBeUndefined();
    expect(codeOf({ ledger: ledger({ trades }), resetAt: NOW - 3_500 })).toBe('CONSECUTIVE_LOSSES');
  });

  it('counts only errors after the reset', () => {
    expect(codeOf({ health: health([NOW - 3, NOW - 2, NOW - 1]), resetAt: NOW - 2 })).toBeUndefined();
  });

  it('finds the last reset in the switch history', () => {
    const tripped = tripKillSwitch(undefined, { reason: 'r', by: 'metrics', at: 1_000 });
    expect(lastResetAt(tripped)).toBeUndefined();
    const reset = resetKillSwitch(tripped, { by: 'alice', reason: 'ok', at: 2_000, cooldownSeconds: 0 });
    expect(lastResetAt(tripKillSwitch(reset, { reason: 'again', by: 'metrics', at: 3_000 }))).toBe(2_000);
    expect(lastResetAt(undefined)).toBeUndefined();
  });
});

describe('losingStreak', () => {
  it('counts losing trades at the end of the journal', () => {
    expect(losingStreak([trade('-1', 1), trade('2', 2), trade('-1', 3), trade('-1', 4)])).toBe(2);
    expect(losingStreak([])).toBe(0);
  });
});
