import { describe, expect, it } from 'vitest';
import { newOrderRecord, transitionOrder, type OrderRecord } from '../../../shared/domain/order.js';
import { afterNotFound, lastSendActivity, SEND_NOTE, sendState } from '../../../shared/domain/placement.js';

const T = Date.UTC(2024, 2, 1, 12, 0);
const LEASE = 120_000;
const SETTLE = { settleWindowSeconds: 600, settleNotFoundChecks: 3, unresolvedAlertSeconds: 1200 };

/** A SUBMITTING order claimed at T, with these notes after the claim ([at offset ms, note]). */
function submitting(...notes: [number, string][]): OrderRecord {
  const o = transitionOrder(newOrderRecord({
    orderId: 'o1', clientOrderId: 'stxo1', intentId: 'i1', strategy: 's', symbol: 'BTC/USDT', side: 'buy', kind: 'entry', type: 'market',
    quantity: '0.002', referencePrice: '50000', reservedNotional: '100', mode: 'LIVE', policyHash: 'h', createdAt: T,
  }, T), 'SUBMITTING', T);
  return { ...o, history: [...o.history, ...notes.map(([dt, note]) => ({ status: 'SUBMITTING' as const, at: T + dt, note }))] };
}

describe('sendState', () => {
  it.each([
    ['a claim within its lease', submitting(), LEASE - 1, 'in-flight'],
    ['a claim past its lease, no outcome noted', submitting(), LEASE, 'unresolved'],
    ['a send noted outcome-unknown, within the lease', submitting([5_000, `${SEND_NOTE.outcomeUnknown}EXCHANGE_TIMEOUT`]), 10_000, 'unresolved'],
    ['a send noted not made', submitting([5_000, `${SEND_NOTE.notSent}EXCHANGE_UNAVAILABLE`]), 10_000, 'free'],
    ['an unknown send resolved never placed', submitting([700_000, `${SEND_NOTE.neverPlaced}3 not-found answers over 600 s`]), 700_000, 'free'],
    ['a new claim after a resolution, within its lease', submitting([700_000, `${SEND_NOTE.neverPlaced}x`], [700_000, SEND_NOTE.claimed]), 760_000, 'in-flight'],
    ['a new claim after a send not made, past its lease', submitting([5_000, `${SEND_NOTE.notSent}X`], [6_000, SEND_NOTE.claimed]), 6_000 + LEASE, 'unresolved'],
  ])('%s is %s', (_label, order, dt, kind) => {
    expect(sendState(order, T + dt, LEASE).kind).toBe(kind);
  });

  it('counts only the not-found answers since the last claim, and the settle window from the end of its lease', () => {
    const order = submitting([200_000, `${SEND_NOTE.notFound}1`], [300_000, `${SEND_NOTE.notSent}X`], [310_000, SEND_NOTE.claimed], [500_000, `${SEND_NOTE.notFound}1`]);
    expect(sendState(order, T + 600_000, LEASE)).toEqual({ kind: 'unresolved', sentAt: T + 310_000, settleFrom: T + 310_000 + LEASE, checks: [T + 500_000], alerted: false });
  });
});

describe('afterNotFound', () => {
  const unresolved = (order: OrderRecord, now: number) => {
    const s = sendState(order, now, LEASE);
    if (s.kind !== 'unresolved') throw new Error(s.kind);
    return s;
  };

  it('resolves never placed only on the settleNotFoundChecks-th answer at least settleWindowSeconds after the lease', () => {
    let order = submitting();
    const at = [LEASE, LEASE + 300_000, LEASE + 599_999, LEASE + 600_000];
    const resolved = at.map((dt) => {
      const r = afterNotFound(order, unresolved(order, T + dt), T + dt, SETTLE);
      order = r.next;
      return r.resolved;
    });
    expect(resolved).toEqual([false, false, false, true]);
    expect(order.history.at(-1)?.note).toBe(`${SEND_NOTE.neverPlaced}4 not-found answers over 600 s`);
    expect(sendState(order, T + LEASE + 600_000, LEASE).kind).toBe('free');
  });

  it('raises the alert once, unresolvedAlertSeconds after the send, and notes it', () => {
    const policy = { ...SETTLE, settleNotFoundChecks: 100 };
    const first = afterNotFound(submitting(), unresolved(submitting(), T + 1_200_000), T + 1_200_000, policy);
    expect(first.alert).toBe(true);
    expect(first.next.history.map((h) => h.note)).toContain(SEND_NOTE.alerted);
    expect(afterNotFound(first.next, unresolved(first.next, T + 1_500_000), T + 1_500_000, policy).alert).toBe(false);
    expect(afterNotFound(submitting(), unresolved(submitting(), T + 1_199_999), T + 1_199_999, policy).alert).toBe(false);
  });
});

describe('lastSendActivity', () => {
  it('ignores the settle bookkeeping notes', () => {
    expect(lastSendActivity(submitting([200_000, `${SEND_NOTE.notFound}1`], [900_000, SEND_NOTE.alerted]))).toBe(T);
    expect(lastSendActivity(submitting([200_000, `${SEND_NOTE.notSent}X`], [300_000, `${SEND_NOTE.notFound}1`]))).toBe(T + 200_000);
  });
});
