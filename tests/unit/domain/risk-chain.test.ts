import { describe, expect, it } from 'vitest';
import { dec } from '../../../shared/domain/money.js';
import { orderIdFor } from '../../../shared/domain/order.js';
import { evaluateRisk } from '../../../shared/domain/risk/evaluate.js';
import { GUARDS_BY_NAME, guardsFor, RISK_GUARDS } from '../../../shared/domain/risk/guards.js';
import { book, exitCtx, held, logged, MIN, NOW, pending, policyWith, rctx, trade } from './risk-fixtures.js';

const names = (p = policyWith()) => guardsFor(p).map((g) => g.name);

describe('guard registry', () => {
  it('registers every guard once by name, kill switch first', () => {
    expect(RISK_GUARDS[0]?.name).toBe('killSwitch');
    expect(Object.keys(GUARDS_BY_NAME)).toHaveLength(RISK_GUARDS.length);
  });

  it('covers every risk reason code; the service and DRY_RUN add their own', () => {
    expect(RISK_GUARDS.map((g) => g.code).sort()).toEqual([
      'BAD_TICK', 'BELOW_MIN_NOTIONAL', 'CANARY_STAKE_CAP', 'CIRCUIT_OPEN', 'DAILY_LOSS_LIMIT', 'GLOBAL_LOCK', 'INSUFFICIENT_CASH', 'KILL_SWITCH_NOT_ARMED',
      'MAX_DRAWDOWN', 'MAX_NEW_POSITIONS_PER_HOUR', 'MAX_OPEN_POSITIONS', 'MAX_POSITION_NOTIONAL', 'MAX_POSITION_SIZE', 'MAX_PYRAMID_ADDS',
      'MAX_TOTAL_EXPOSURE', 'MAX_TRADES_PER_DAY', 'MAX_TRADES_PER_HOUR', 'MIN_TIME_BETWEEN_TRADES', 'NO_MARKET_PRICE', 'NO_POSITION',
      'PAIR_LOCKED', 'POSITION_ALREADY_OPEN', 'READ_ONLY', 'REGIME_BLOCKED', 'SPREAD_TOO_WIDE', 'STALE_MARKET_DATA', 'STRATEGY_BUDGET',
      'SYMBOL_COOLDOWN', 'WEEKLY_LOSS_LIMIT',
    ]);
  });
});

describe('guardsFor: the policy chooses the chain', () => {
  it('uses POSITION_ALREADY_OPEN with pyramiding off and MAX_PYRAMID_ADDS with it on', () => {
    expect(names()).toContain('positionAlreadyOpen');
    expect(names()).not.toContain('pyramidAdds');
    const on = names(policyWith({ risk: { pyramiding: { enabled: true, maxAdds: 1, addStakeFraction: 0.5 } } }));
    expect(on).toContain('pyramidAdds');
    expect(on).not.toContain('positionAlreadyOpen');
  });

  it('leaves out loss limits set to null', () => {
    const off = names(policyWith({ lossLimits: { dailyStopPct: null, weeklyStopPct: null, maxDrawdownPct: null } }));
    expect(off.filter((n) => ['dailyLoss', 'weeklyLoss', 'maxDrawdown'].includes(n))).toEqual([]);
    expect(names()).toEqual(expect.arrayContaining(['dailyLoss', 'weeklyLoss', 'maxDrawdown']));
  });

  it('adds the strategy budget guard only when a strategy has a budget', () => {
    expect(names()).not.toContain('strategyBudget');
    expect(names(policyWith({ strategies: [{ name: 'momentum', enabled: true, params: {}, riskBudgetPct: 5 }] }))).toContain('strategyBudget');
  });
});

describe('evaluateRisk', () => {
  it('approves the baseline entry with no reasons', () => {
    expect(evaluateRisk(rctx())).toMatchObject({ approved: true, reasons: [] });
  });

  it('collects every failing guard in chain order', () => {
    const r = evaluateRisk(rctx({
      killSwitch: 'TRIPPED', policy: policyWith({ readOnly: true }), ledger: book([held('BTC/USDT', '0.0059', '250')]),
      marks: { 'BTC/USDT': dec('50000') }, heartbeatAgeMs: undefined, circuit: 'open',
    }));
    expect(r.approved).toBe(false);
    expect(r.reasons.map((x) => x.code)).toEqual([
      'KILL_SWITCH_NOT_ARMED', 'READ_ONLY', 'POSITION_ALREADY_OPEN', 'MAX_POSITION_NOTIONAL', 'STALE_MARKET_DATA', 'CIRCUIT_OPEN',
    ]);
  });

  it('lets an exit through what stops entries: loss limits, pacing, locks, market quality, exposure', () => {
    const input = exitCtx({
      ledger: book([held('BTC/USDT', '0.004', '200')], [pending('p', 'ETH/USDT', '9000')], {
        cash: dec('5000'), orderLog: [logged('BTC/USDT', 'entry', NOW - 1_000)], trades: [trade('BTC/USDT', NOW - MIN)],
        locks: [{ scope: '*', protection: 'manual', reason: 'r', createdAt: 0, until: NOW + MIN }],
      }),
      heartbeatAgeMs: undefined, book: undefined, lastClose: undefined, circuit: 'open', killSwitch: 'TRIPPED',
    });
    expect(evaluateRisk(input)).toMatchObject({ approved: true, reasons: [] });
  });

  it('judges a redelivered intent the same although its own reservation is already in the ledger', () => {
    const first = rctx({ ledger: book([], [pending('p', 'ETH/USDT', '2299.8')]) });
    const own = orderIdFor(first.intent.intentId);
    const again = { ...first, ledger: { ...first.ledger, reservations: { ...first.ledger.reservations, [own]: pending(own, 'BTC/USDT', '200.2') } } };
    expect(evaluateRisk(first).approved).toBe(true);
    expect(evaluateRisk(again)).toEqual(evaluateRisk(first));
    const other = { ...first, ledger: { ...again.ledger, reservations: { ...first.ledger.reservations, x: pending('x', 'SOL/USDT', '200.2') } } };
    expect(evaluateRisk(other).reasons.map((x) => x.code)).toEqual(['MAX_TOTAL_EXPOSURE']);
  });

  it('runs only the guards it is given', () => {
    const input = rctx({ killSwitch: 'TRIPPED', circuit: 'open' });
    expect(evaluateRisk(input, [GUARDS_BY_NAME.circuit!]).reasons.map((r) => r.code)).toEqual(['CIRCUIT_OPEN']);
  });
});

describe('the side sent decides entry or exit, not the kind label', () => {
  const mislabelled = { ...rctx().intent, kind: 'exit' as const };
  const holding = book([held('BTC/USDT', '0.004', '200')]);

  it('refuses a buy labelled exit while TRIPPED with KILL_SWITCH_NOT_ARMED, even where exits may leave when halted', () => {
    const r = evaluateRisk(rctx({ intent: mislabelled, ledger: holding, killSwitch: 'TRIPPED' }));
    expect(r.approved).toBe(false);
    expect(r.reasons.map((x) => x.code)).toContain('KILL_SWITCH_NOT_ARMED');
  });

  it('sizes a buy labelled exit as an entry: the stake, with notional plus fee reserved', () => {
    const r = evaluateRisk(rctx({ intent: mislabelled }));
    expect([r.approved, r.quantity.toFixed(), r.cost.toFixed()]).toEqual([true, '0.004', '200.2']);
  });

  it('runs the entry-only guards on a buy labelled exit', () => {
    const r = evaluateRisk(rctx({ intent: mislabelled, ledger: holding }));
    expect(r.reasons.map((x) => x.code)).toContain('POSITION_ALREADY_OPEN');
  });
});
