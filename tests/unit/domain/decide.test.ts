import { describe, expect, it } from 'vitest';
import { decide } from '../../../shared/domain/decide.js';
import { RISK_EXIT_STRATEGY } from '../../../shared/domain/exits.js';
import { reserve } from '../../../shared/domain/ledger.js';
import { dec } from '../../../shared/domain/money.js';
import { clientOrderIdFor, orderIdFor } from '../../../shared/domain/order.js';
import { book, exitCtx, held, intent, NOW, policyWith, rctx } from './risk-fixtures.js';

const holding = book([held('BTC/USDT', '0.004', '200.2')]);

describe('decide', () => {
  it('approves an entry with a market order and a reservation including the taker fee, tagged for pacing and budgets', () => {
    const input = rctx();
    const { decision, reservation } = decide(input);
    const orderId = orderIdFor(input.intent.intentId);
    expect(decision).toMatchObject({
      intentId: input.intent.intentId, approved: true, reasons: [], quantity: '0.004', notional: '200', mode: 'PAPER',
      policyHash: 'policy-hash', policyVersion: 3, decidedAt: NOW,
    });
    expect(decision.order).toEqual({
      orderId, clientOrderId: clientOrderIdFor(orderId), intentId: input.intent.intentId, strategy: 'momentum',
      symbol: 'BTC/USDT', side: 'buy', kind: 'entry', type: 'market', quantity: '0.004', referencePrice: '50000',
      reservedNotional: '200.2', mode: 'PAPER', policyHash: 'policy-hash', createdAt: NOW,
    });
    expect(decision.order).not.toHaveProperty('exitReason');
    expect(reservation).toMatchObject({ orderId, symbol: 'BTC/USDT', side: 'buy', createdAt: NOW, strategy: 'momentum', kind: 'entry' });
    expect(reservation?.notional.toFixed()).toBe('200.2');
  });

  it('approves an exit reserving nothing, with the exit reason for the journal', () => {
    const { decision, reservation } = decide(exitCtx({ price: dec('51000'), ledger: holding }));
    expect(decision.approved).toBe(true);
    expect(decision.order).toMatchObject({ side: 'sell', kind: 'exit', quantity: '0.004', referencePrice: '51000', reservedNotional: '0', exitReason: 'signal' });
    expect(reservation).toMatchObject({ side: 'sell', kind: 'exit', strategy: 'momentum' });
    expect(reservation?.notional.toFixed()).toBe('0');
  });

  it("carries a risk exit's reason code into the order", () => {
    const stopLoss = { ...intent('exit'), strategy: RISK_EXIT_STRATEGY, reason: 'stop-loss' };
    expect(decide(exitCtx({ intent: stopLoss, ledger: holding })).decision.order?.exitReason).toBe('stop-loss');
  });

  it('blocks a second exit while the first is in flight', () => {
    const first = decide(exitCtx({ ledger: holding }));
    const second = decide(exitCtx({ intent: intent('exit', 'BTC/USDT', 120_000), ledger: reserve(holding, first.reservation!) }));
    expect(second.decision.reasons.map((r) => r.code)).toEqual(['NO_POSITION']);
  });

  it('rejects with every reason and neither order nor reservation', () => {
    const out = decide(rctx({ killSwitch: 'TRIPPED', policy: policyWith({ risk: { maxPositionNotional: '100' } }), ledger: book([held('BTC/USDT', '0.0019', '95')]) }));
    expect(out.decision.approved).toBe(false);
    expect(out.decision.reasons.map((r) => r.code)).toEqual(['KILL_SWITCH_NOT_ARMED', 'POSITION_ALREADY_OPEN', 'MAX_POSITION_SIZE']);
    expect(out.decision.order).toBeUndefined();
    expect(out.reservation).toBeUndefined();
  });

  it('in DRY_RUN records the decision with a DRY_RUN reason and sends nothing', () => {
    const passing = decide(rctx({ policy: policyWith({ mode: 'DRY_RUN' }) }));
    expect(passing.decision).toMatchObject({ approved: false, mode: 'DRY_RUN', quantity: '0.004' });
    expect(passing.decision.reasons.map((r) => r.code)).toEqual(['DRY_RUN']);
    expect(passing.decision.order).toBeUndefined();
    expect(passing.reservation).toBeUndefined();
    const failing = decide(rctx({ policy: policyWith({ mode: 'DRY_RUN' }), killSwitch: 'TRIPPED' }));
    expect(failing.decision.reasons.map((r) => r.code)).toEqual(['KILL_SWITCH_NOT_ARMED', 'DRY_RUN']);
  });

  it('logs an approved order for pacing once it is reserved, so the next entry waits', () => {
    const first = decide(rctx());
    const after = reserve(book(), first.reservation!);
    const next = decide(rctx({ intent: intent('entry', 'ETH/USDT'), ledger: after, now: NOW + 60_000 }));
    expect(next.decision.reasons.map((r) => r.code)).toEqual(['MIN_TIME_BETWEEN_TRADES']);
  });
});
