import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decide } from '../../../shared/domain/decide.js';
import type { Position } from '../../../shared/domain/ledger.js';
import { dec } from '../../../shared/domain/money.js';
import { clientOrderIdFor, orderIdFor } from '../../../shared/domain/order.js';
import { assess } from '../../../shared/domain/risk/context.js';
import { evaluateRisk } from '../../../shared/domain/risk/evaluate.js';
import { BTC, ctx, intent, ledger, position, withRisk } from './fixtures.js';

describe('sizing', () => {
  it.each([
    ['entry: 2% of 10 000 at 30 000 floors 0.0066666… to 0.00666', ctx({ price: dec('30000') }), '0.00666', '199.8'],
    ['entry: 2.5% of 10 000 at 50 000 is exactly 0.005', ctx({ policy: withRisk({ stakePct: 2.5 }) }), '0.005', '250'],
    ['entry with a whole-unit step floors to 0', ctx({ market: { ...BTC, amountStep: '1' } }), '0', '0'],
    ['entry with negative equity sizes to 0', ctx({ ledger: ledger({ cash: dec('-5') }) }), '0', '0'],
    ['exit sells the position floored to the step', ctx({ intent: intent('exit'), price: dec('40000'), ledger: ledger({ positions: { 'BTC/USDT': position('BTC/USDT', '0.0123456789', '500') } }) }), '0.01234', '493.6'],
    ['exit without a position sizes to 0', ctx({ intent: intent('exit') }), '0', '0'],
  ])('%s', (_label, input, quantity, notional) => {
    const a = assess(input);
    expect(a.quantity.toFixed()).toBe(quantity);
    expect(a.notional.toFixed()).toBe(notional);
  });
});

describe('decide', () => {
  it('approves an entry with a market order and a reservation including the taker fee', () => {
    const input = ctx();
    const { decision, reservation } = decide(input);
    const orderId = orderIdFor(input.intent.intentId);
    expect(decision).toMatchObject({
      intentId: input.intent.intentId, approved: true, reasons: [], quantity: '0.004', notional: '200', mode: 'PAPER',
      policyHash: 'policy-hash', policyVersion: 3, decidedAt: 120_000,
    });
    expect(decision.order).toEqual({
      orderId, clientOrderId: clientOrderIdFor(orderId), intentId: input.intent.intentId, strategy: 'momentum',
      symbol: 'BTC/USDT', side: 'buy', kind: 'entry', type: 'market', quantity: '0.004', referencePrice: '50000',
      reservedNotional: '200.2', mode: 'PAPER', policyHash: 'policy-hash', createdAt: 120_000,
    });
    expect(reservation).toMatchObject({ orderId, symbol: 'BTC/USDT', side: 'buy', createdAt: 120_000 });
    expect(reservation?.notional.toFixed()).toBe('200.2');
  });

  it('approves an exit reserving nothing', () => {
    const { decision, reservation } = decide(ctx({
      intent: intent('exit'), price: dec('51000'), ledger: ledger({ positions: { 'BTC/USDT': position('BTC/USDT', '0.004', '200.2') } }),
    }));
    expect(decision.approved).toBe(true);
    expect(decision.order).toMatchObject({ side: 'sell', kind: 'exit', quantity: '0.004', referencePrice: '51000', reservedNotional: '0' });
    expect(reservation?.notional.toFixed()).toBe('0');
  });

  it('rejects with every reason and neither order nor reservation', () => {
    const out = decide(ctx({ killSwitch: 'TRIPPED', policy: withRisk({ maxPositionPct: 1 }) }));
    expect(out.decision.approved).toBe(false);
    expect(out.decision.reasons.map((r) => r.code)).toEqual(['KILL_SWITCH_NOT_ARMED', 'MAX_POSITION_NOTIONAL']);
    expect(out.decision.order).toBeUndefined();
    expect(out.reservation).toBeUndefined();
  });

  it('in DRY_RUN records the decision with a DRY_RUN reason and sends nothing', () => {
    const passing = decide(ctx({ policy: withRisk({}, 'DRY_RUN') }));
    expect(passing.decision).toMatchObject({ approved: false, mode: 'DRY_RUN', quantity: '0.004' });
    expect(passing.decision.reasons.map((r) => r.code)).toEqual(['DRY_RUN']);
    expect(passing.decision.order).toBeUndefined();
    expect(passing.reservation).toBeUndefined();
    const failing = decide(ctx({ policy: withRisk({}, 'DRY_RUN'), killSwitch: 'TRIPPED' }));
    expect(failing.decision.reasons.map((r) => r.code)).toEqual(['KILL_SWITCH_NOT_ARMED', 'DRY_RUN']);
  });
});

describe('kill switch property', () => {
  it('never approves an entry while the kill switch is not ARMED, whatever the portfolio, price or policy', () => {
    const amount = (max: number) => fc.integer({ min: 0, max }).map((n) => dec(n).div(100));
    fc.assert(
      fc.property(
        fc.constantFrom('TRIPPED', 'COOLDOWN'),
        fc.record({
          cash: amount(10_000_000), price: amount(10_000_000), held: fc.option(amount(1_000_000)), mark: fc.option(amount(10_000_000)),
          stakePct: fc.integer({ min: 1, max: 100 }), allowExitsWhenHalted: fc.boolean(), mode: fc.constantFrom('PAPER', 'LIVE', 'DRY_RUN'),
        }),
        (killSwitch, r) => {
          const positions: Record<string, Position> = r.held && r.held.gt(0) ? { 'BTC/USDT': position('BTC/USDT', r.held.toFixed(), '100') } : {};
          const input = ctx({
            killSwitch, price: r.price, marks: r.mark ? { 'BTC/USDT': r.mark } : {},
            ledger: ledger({ cash: r.cash, positions }),
            policy: withRisk({ stakePct: r.stakePct, maxPositionPct: 100, maxTotalExposurePct: 100, minNotional: '0', allowExitsWhenHalted: r.allowExitsWhenHalted }, r.mode),
          });
          expect(evaluateRisk(input).approved).toBe(false);
          const out = decide(input);
          expect(out.decision.approved).toBe(false);
          expect(out.decision.order).toBeUndefined();
          expect(out.reservation).toBeUndefined();
          expect(out.decision.reasons.map((x) => x.code)).toContain('KILL_SWITCH_NOT_ARMED');
        },
      ),
      { numRuns: 500 },
    );
  });
});
