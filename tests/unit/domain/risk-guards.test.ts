import { describe, expect, it } from 'vitest';
import type { DecideInput } from '../../../shared/domain/decide.js';
import { dec } from '../../../shared/domain/money.js';
import { orderIdFor } from '../../../shared/domain/order.js';
import { evaluateRisk } from '../../../shared/domain/risk/evaluate.js';
import {
  cashGuard, killSwitchGuard, marketPriceGuard, maxExposureGuard, maxPositionGuard, minNotionalGuard,
  noPositionGuard, positionAlreadyOpenGuard, RISK_GUARDS, type Guard,
} from '../../../shared/domain/risk/guards.js';
import { BTC, ctx, intent, ledger, position, reservation, withRisk } from './fixtures.js';

// Baseline (ctx()): equity 10 000, stakePct 2, ask 50 000 → 0.004 BTC, notional 200; limits 300 / 2 500.
const holding = ledger({ positions: { 'BTC/USDT': position('BTC/USDT', '0.004', '200') } });
const small = ledger({ positions: { 'BTC/USDT': position('BTC/USDT', '0.001', '50') } });
const exit = (over: Partial<DecideInput> = {}) => ctx({ intent: intent('exit'), ledger: holding, ...over });

const cases: { guard: Guard; code: string; label: string; input: DecideInput; fails: boolean }[] = [
  { guard: killSwitchGuard, code: 'KILL_SWITCH_NOT_ARMED', label: 'entry while ARMED', input: ctx(), fails: false },
  { guard: killSwitchGuard, code: 'KILL_SWITCH_NOT_ARMED', label: 'entry while TRIPPED', input: ctx({ killSwitch: 'TRIPPED' }), fails: true },
  { guard: killSwitchGuard, code: 'KILL_SWITCH_NOT_ARMED', label: 'entry in COOLDOWN', input: ctx({ killSwitch: 'COOLDOWN' }), fails: true },
  { guard: killSwitchGuard, code: 'KILL_SWITCH_NOT_ARMED', label: 'exit while TRIPPED, exits allowed', input: exit({ killSwitch: 'TRIPPED' }), fails: false },
  { guard: killSwitchGuard, code: 'KILL_SWITCH_NOT_ARMED', label: 'exit while TRIPPED, exits not allowed', input: exit({ killSwitch: 'TRIPPED', policy: withRisk({ allowExitsWhenHalted: false }) }), fails: true },
  { guard: marketPriceGuard, code: 'NO_MARKET_PRICE', label: 'a positive ask', input: ctx(), fails: false },
  { guard: marketPriceGuard, code: 'NO_MARKET_PRICE', label: 'a zero ask', input: ctx({ price: dec(0) }), fails: true },
  { guard: positionAlreadyOpenGuard, code: 'POSITION_ALREADY_OPEN', label: 'entry when flat', input: ctx(), fails: false },
  { guard: positionAlreadyOpenGuard, code: 'POSITION_ALREADY_OPEN', label: 'entry while holding', input: ctx({ ledger: holding }), fails: true },
  { guard: noPositionGuard, code: 'NO_POSITION', label: 'exit while holding', input: exit(), fails: false },
  { guard: noPositionGuard, code: 'NO_POSITION', label: 'exit when flat', input: exit({ ledger: ledger() }), fails: true },
  { guard: minNotionalGuard, code: 'BELOW_MIN_NOTIONAL', label: 'entry of 200 (min 10)', input: ctx(), fails: false },
  { guard: minNotionalGuard, code: 'BELOW_MIN_NOTIONAL', label: 'entry of 8 (min 10)', input: ctx({ ledger: ledger({ cash: dec('400') }) }), fails: true },
  { guard: minNotionalGuard, code: 'BELOW_MIN_NOTIONAL', label: 'entry under the market minimum amount', input: ctx({ market: { ...BTC, minAmount: '0.01' } }), fails: true },
  { guard: minNotionalGuard, code: 'BELOW_MIN_NOTIONAL', label: 'entry that rounds to zero', input: ctx({ price: dec('1e9') }), fails: true },
  { guard: minNotionalGuard, code: 'BELOW_MIN_NOTIONAL', label: 'exit of 8 (market min 5, policy min ignored)', input: exit({ price: dec('2000') }), fails: false },
  { guard: minNotionalGuard, code: 'BELOW_MIN_NOTIONAL', label: 'exit of 4 (market min 5)', input: exit({ price: dec('1000') }), fails: true },
  { guard: maxPositionGuard, code: 'MAX_POSITION_NOTIONAL', label: 'entry of 200 within 3% (300)', input: ctx(), fails: false },
  { guard: maxPositionGuard, code: 'MAX_POSITION_NOTIONAL', label: 'entry of 200 over 1% (100)', input: ctx({ policy: withRisk({ maxPositionPct: 1 }) }), fails: true },
  { guard: maxPositionGuard, code: 'MAX_POSITION_NOTIONAL', label: '201 on top of a position marked at 50 (limit 301.5)', input: ctx({ ledger: small, marks: { 'BTC/USDT': dec('50000') } }), fails: false },
  { guard: maxPositionGuard, code: 'MAX_POSITION_NOTIONAL', label: '203 on top of a position marked at 150 (limit 304.5)', input: ctx({ ledger: small, marks: { 'BTC/USDT': dec('150000') } }), fails: true },
  { guard: maxExposureGuard, code: 'MAX_TOTAL_EXPOSURE', label: 'exposure 2 300 + 200 = 2 500', input: ctx({ ledger: ledger({ reservations: { o: reservation('o', '2300') } }) }), fails: false },
  { guard: maxExposureGuard, code: 'MAX_TOTAL_EXPOSURE', label: 'exposure 2 301 + 200 > 2 500', input: ctx({ ledger: ledger({ reservations: { o: reservation('o', '2301') } }) }), fails: true },
  { guard: maxExposureGuard, code: 'MAX_TOTAL_EXPOSURE', label: 'exits regardless of exposure', input: exit({ policy: withRisk({ maxTotalExposurePct: 1, maxPositionPct: 1, stakePct: 1 }) }), fails: false },
  { guard: cashGuard, code: 'INSUFFICIENT_CASH', label: 'free cash exactly 200.2', input: ctx({ ledger: ledger({ reservations: { o: reservation('o', '9799.8') } }) }), fails: false },
  { guard: cashGuard, code: 'INSUFFICIENT_CASH', label: 'free cash 200.19', input: ctx({ ledger: ledger({ reservations: { o: reservation('o', '9799.81') } }) }), fails: true },
  { guard: cashGuard, code: 'INSUFFICIENT_CASH', label: 'a sell with no cash', input: exit({ ledger: { ...holding, cash: dec(0) } }), fails: false },
];

describe('risk guards', () => {
  it.each(cases)('$guard.name: $label → fails=$fails', ({ guard, code, input, fails }) => {
    const reason = guard(input);
    if (fails) expect(reason?.code).toBe(code);
    else expect(reason).toBeUndefined();
  });

  it('registers every guard by name, kill switch first', () => {
    expect(RISK_GUARDS.map((g) => g.name)).toEqual([
      'killSwitch', 'marketPrice', 'positionAlreadyOpen', 'noPosition', 'minNotional', 'maxPosition', 'maxExposure', 'cash',
    ]);
  });
});

describe('evaluateRisk', () => {
  it('approves the baseline entry with no reasons', () => {
    expect(evaluateRisk(ctx())).toMatchObject({ approved: true, reasons: [] });
  });

  it('collects every failing guard in chain order', () => {
    // equity 150 + 200 = 350 → notional 7; free cash 150 − 145 = 5
    const r = evaluateRisk(ctx({ killSwitch: 'TRIPPED', ledger: { ...holding, cash: dec('150'), reservations: { o: reservation('o', '145') } } }));
    expect(r.approved).toBe(false);
    expect(r.notional.toFixed()).toBe('7');
    expect(r.reasons.map((x) => x.code)).toEqual([
      'KILL_SWITCH_NOT_ARMED', 'POSITION_ALREADY_OPEN', 'BELOW_MIN_NOTIONAL', 'MAX_POSITION_NOTIONAL', 'MAX_TOTAL_EXPOSURE', 'INSUFFICIENT_CASH',
    ]);
  });

  it('judges a redelivered intent the same although its own reservation is already in the ledger', () => {
    const first = ctx({ ledger: ledger({ reservations: { o: reservation('o', '2300') } }) });
    const own = orderIdFor(first.intent.intentId);
    const again = { ...first, ledger: { ...first.ledger, reservations: { ...first.ledger.reservations, [own]: reservation(own, '200.2', 'buy', 'BTC/USDT') } } };
    expect(evaluateRisk(first).approved).toBe(true);
    expect(evaluateRisk(again)).toEqual(evaluateRisk(first));
    const other = { ...first, ledger: { ...again.ledger, reservations: { ...first.ledger.reservations, x: reservation('x', '200.2') } } };
    expect(evaluateRisk(other).reasons.map((x) => x.code)).toEqual(['MAX_TOTAL_EXPOSURE']);
  });
});
