import { describe, expect, it } from 'vitest';
import { resetKillSwitch, tripKillSwitch } from '../../../shared/domain/kill-switch.js';
import { defaultPolicy } from '../../../shared/domain/policy.js';
import { runReadinessChecks, type ReadinessEvidence } from '../../../shared/domain/readiness-checks.js';
import { READINESS_CODES, verdictPassed, type ReadinessCode } from '../../../shared/domain/readiness.js';

const NOW = Date.UTC(2024, 5, 1, 12);
const DAY = 86_400_000;
const ok = <T>(value: T) => ({ ok: true as const, value });
const unreadable = { ok: false as const, error: 'AccessDeniedException' };
const drilled = resetKillSwitch(tripKillSwitch(undefined, { reason: 'drill', by: 'ops', at: NOW - 10 * DAY }), { by: 'ops', reason: 'drill over', at: NOW - 10 * DAY + 60_000, cooldownSeconds: 0 });

const WF = { strategy: 'momentum', windows: 6, compoundedReturnPct: 3.5, meanTestSharpe: 0.9, recordedAt: NOW - DAY, recordedBy: 'ana' };

/** Evidence on which every check passes under the default goLive thresholds. */
const READY: ReadinessEvidence = {
  now: NOW,
  paper: ok({ decisions: 120, firstAt: NOW - 31 * DAY }),
  results: ok({ drawdownPct: 4, sharpe: 1.2, orders: 100, rejected: 2 }),
  walkForward: ok(WF),
  costSweep: ok({ breakEvenBps: 22.5, levels: [{ bps: 0, totalReturnPct: 9 }, { bps: 40, totalReturnPct: -6 }], recordedAt: NOW - DAY, recordedBy: 'ana' }),
  killSwitch: ok(drilled),
  alerts: ok({ confirmed: 1, pending: 0 }),
  keys: ok({ present: true, exchange: 'binance', withdrawals: false }),
  reconcile: ok({ ok: { at: NOW - 5 * 60_000, summary: { driftCurrencies: [], unknownOpenOrders: 0, problems: 0, killSwitchTripped: false } } }),
};

const statusOf = (code: ReadinessCode, over: Partial<ReadinessEvidence>) => runReadinessChecks(defaultPolicy(), { ...READY, ...over }).find((c) => c.code === code)!;

describe('the go-live checklist', () => {
  it('passes every check, in READINESS_CODES order, on ready evidence', () => {
    const checks = runReadinessChecks(defaultPolicy(), READY);
    expect(checks.map((c) => [c.code, c.status])).toEqual(READINESS_CODES.map((code) => [code, 'PASS']));
    expect(verdictPassed(checks)).toBe(true);
  });

  it.each<[ReadinessCode, string, Partial<ReadinessEvidence>, 'FAIL' | 'UNKNOWN', RegExp]>([
    ['PAPER_HISTORY', 'under 30 days of PAPER decisions', { paper: ok({ decisions: 10, firstAt: NOW - 29.5 * DAY }) }, 'FAIL', /29\.5 days .* need 30/],
    ['PAPER_HISTORY', 'no PAPER decision at all', { paper: ok({ decisions: 0 }) }, 'FAIL', /no PAPER decision/],
    ['PAPER_HISTORY', 'decisions unreadable', { paper: unreadable }, 'UNKNOWN', /AccessDeniedException/],
    ['PAPER_DRAWDOWN', 'drawdown above goLive.maxPaperDrawdownPct', { results: ok({ drawdownPct: 10.5, sharpe: 1.2, orders: 100, rejected: 2 }) }, 'FAIL', /10\.50 %.*at most 10 %/],
    ['PAPER_SHARPE', 'Sharpe below goLive.minPaperSharpe', { results: ok({ drawdownPct: 4, sharpe: 0.4, orders: 100, rejected: 2 }) }, 'FAIL', /0\.400; need at least 0\.5/],
    ['PAPER_SHARPE', 'no Sharpe yet', { results: ok({ drawdownPct: 4, sharpe: null, orders: 100, rejected: 2 }) }, 'FAIL', /no paper Sharpe yet/],
    ['PAPER_ERROR_RATE', 'too many rejected orders', { results: ok({ drawdownPct: 4, sharpe: 1.2, orders: 100, rejected: 6 }) }, 'FAIL', /6 of 100 .*6\.00 %/],
    ['PAPER_ERROR_RATE', 'no paper orders', { results: ok({ drawdownPct: 4, sharpe: 1.2, orders: 0, rejected: 0 }) }, 'FAIL', /no paper orders/],
    ['PAPER_ERROR_RATE', 'results unreadable', { results: unreadable }, 'UNKNOWN', /could not read/],
    ['WALK_FORWARD', 'none on record', { walkForward: ok(undefined) }, 'FAIL', /no walk-forward on record/],
    ['WALK_FORWARD', 'a losing out-of-sample result', { walkForward: ok({ ...WF, compoundedReturnPct: -1 }) }, 'FAIL', /-1\.000 %/],
    ['BREAK_EVEN_COST', 'break-even at or below the configured fee and slippage', { costSweep: ok({ breakEvenBps: 7.5, levels: [], recordedAt: NOW, recordedBy: 'ana' }) }, 'FAIL', /7\.50 bps.*= 7\.5 bps each/],
    ['BREAK_EVEN_COST', 'losing at every level', { costSweep: ok({ breakEvenBps: null, levels: [{ bps: 0, totalReturnPct: -1 }, { bps: 40, totalReturnPct: -9 }], recordedAt: NOW, recordedBy: 'ana' }) }, 'FAIL', /not profitable at every level/],
    ['BREAK_EVEN_COST', 'none on record', { costSweep: ok(undefined) }, 'FAIL', /no cost sweep on record/],
    ['KILL_SWITCH_DRILL', 'never tripped', { killSwitch: ok(undefined) }, 'FAIL', /never tripped/],
    ['KILL_SWITCH_DRILL', 'tripped but never reset', { killSwitch: ok(tripKillSwitch(undefined, { reason: 'x', by: 'ops', at: NOW - DAY })) }, 'FAIL', /never reset/],
    ['ALERTS_SUBSCRIBED', 'only a subscription pending confirmation', { alerts: ok({ confirmed: 0, pending: 1 }) }, 'FAIL', /0 confirmed.*1 pending/],
    ['ALERTS_SUBSCRIBED', 'subscriptions unreadable', { alerts: unreadable }, 'UNKNOWN', /could not read/],
    ['EXCHANGE_KEYS', 'a key that may withdraw', { keys: ok({ present: true, exchange: 'binance', withdrawals: true }) }, 'FAIL', /withdrawals ENABLED/],
    ['EXCHANGE_KEYS', 'no keys', { keys: ok({ present: false, why: 'EXCHANGE_SECRET_ARN is not set' }) }, 'FAIL', /no exchange keys/],
    ['EXCHANGE_KEYS', 'an exchange that does not report permissions', { keys: ok({ present: true, exchange: 'kraken', withdrawals: undefined }) }, 'UNKNOWN', /does not report/],
    ['RECONCILE_CLEAN', 'drift in the last reconcile', { reconcile: ok({ ok: { at: NOW - 60_000, summary: { driftCurrencies: ['BTC'], unknownOpenOrders: 0, problems: 0 } } }) }, 'FAIL', /drift in BTC/],
    ['RECONCILE_CLEAN', 'the last reconcile failed', { reconcile: ok({ ok: { at: NOW - 600_000 }, failed: { at: NOW - 60_000, error: 'timeout' } }) }, 'FAIL', /failed .*timeout/],
    ['RECONCILE_CLEAN', 'an old reconcile', { reconcile: ok({ ok: { at: NOW - 2 * 3_600_000, summary: {} } }) }, 'FAIL', /120 min ago/],
    ['RECONCILE_CLEAN', 'no reconcile on record', { reconcile: ok({}) }, 'FAIL', /no successful reconcile/],
  ])('%s: %s is %s', (code, _label, over, status, evidence) => {
    const c = statusOf(code, over);
    expect(c.status).toBe(status);
    expect(c.evidence).toMatch(evidence);
    expect(verdictPassed(runReadinessChecks(defaultPolicy(), { ...READY, ...over }))).toBe(false);
  });

  it('uses the policy\'s goLive thresholds', () => {
    const policy = { ...defaultPolicy(), goLive: { ...defaultPolicy().goLive, minPaperDays: 45 } };
    expect(runReadinessChecks(policy, READY)[0]).toMatchObject({ code: 'PAPER_HISTORY', status: 'FAIL' });
  });

  it('does not pass a verdict that lacks a check', () => {
    expect(verdictPassed(runReadinessChecks(defaultPolicy(), READY).slice(1))).toBe(false);
  });
});
