import { describe, expect, it } from 'vitest';
import { IllegalTransitionError } from '../../../shared/domain/errors.js';
import {
  clientOrderIdFor, newOrderRecord, orderIdFor, statusFromExchange, transitionOrder,
  type OrderRecord, type OrderRequest, type OrderStatus,
} from '../../../shared/domain/order.js';
import { deepFreeze } from './fixtures.js';

const request: OrderRequest = {
  orderId: orderIdFor('i1'), clientOrderId: clientOrderIdFor(orderIdFor('i1')), intentId: 'i1', strategy: 'momentum',
  symbol: 'BTC/USDT', side: 'buy', kind: 'entry', type: 'market', quantity: '0.004', referencePrice: '50000',
  reservedNotional: '200.2', mode: 'PAPER', policyHash: 'h', createdAt: 100,
};

const at = (status: OrderStatus): OrderRecord => deepFreeze({ ...newOrderRecord(request, 100), status });

/** The legal moves, written out independently of ORDER_TRANSITIONS so a change to either is caught. */
const LEGAL: Record<OrderStatus, OrderStatus[]> = {
  NEW: ['SUBMITTING', 'REJECTED', 'CANCELED'],
  SUBMITTING: ['OPEN', 'PARTIALLY_FILLED', 'FILLED', 'REJECTED', 'CANCELED', 'EXPIRED'],
  OPEN: ['PARTIALLY_FILLED', 'FILLED', 'CANCELED', 'EXPIRED'],
  PARTIALLY_FILLED: ['PARTIALLY_FILLED', 'FILLED', 'CANCELED', 'EXPIRED'],
  FILLED: [], REJECTED: [], CANCELED: [], EXPIRED: [],
};
const ALL = Object.keys(LEGAL) as OrderStatus[];
const pairs = ALL.flatMap((from) => ALL.map((to) => ({ from, to, legal: LEGAL[from].includes(to) })));

describe('newOrderRecord', () => {
  it('starts NEW with nothing filled and one history entry', () => {
    const o = newOrderRecord(request, 150);
    expect(o).toMatchObject({ ...request, status: 'NEW', filledQuantity: '0', fees: '0', updatedAt: 150 });
    expect(o.history).toEqual([{ status: 'NEW', at: 150 }]);
  });
});

describe('transitionOrder', () => {
  it.each(pairs.filter((p) => p.legal))('allows $from -> $to and records it', ({ from, to }) => {
    const next = transitionOrder(at(from), to, 200, {}, 'why');
    expect(next.status).toBe(to);
    expect(next.updatedAt).toBe(200);
    expect(next.history.at(-1)).toEqual({ status: to, at: 200, note: 'why' });
    expect(next.history).toHaveLength(2);
  });

  it.each(pairs.filter((p) => !p.legal))('refuses $from -> $to with IllegalTransitionError', ({ from, to }) => {
    expect(() => transitionOrder(at(from), to, 200)).toThrow(IllegalTransitionError);
  });

  it('applies the patch with canonical decimal strings and leaves the input untouched', () => {
    const before = at('SUBMITTING');
    const next = transitionOrder(before, 'PARTIALLY_FILLED', 300, {
      filledQuantity: '0.0020', averagePrice: '50001.50', fees: '0.10', exchangeOrderId: 'ex-9',
    });
    expect(next).toMatchObject({ filledQuantity: '0.002', averagePrice: '50001.5', fees: '0.1', exchangeOrderId: 'ex-9' });
    expect(next.history.at(-1)).toEqual({ status: 'PARTIALLY_FILLED', at: 300 });
    expect(before.status).toBe('SUBMITTING');
    expect(before.history).toHaveLength(1);
  });

  it('records a reject reason and carries the error code ILLEGAL_TRANSITION', () => {
    expect(transitionOrder(at('NEW'), 'REJECTED', 5, { rejectReason: 'MIN_NOTIONAL' }).rejectReason).toBe('MIN_NOTIONAL');
    expect(() => transitionOrder(at('FILLED'), 'CANCELED', 5)).toThrow(expect.objectContaining({ code: 'ILLEGAL_TRANSITION' }));
  });

  it('rejects a patch amount that is not a decimal', () => {
    expect(() => transitionOrder(at('OPEN'), 'FILLED', 5, { filledQuantity: 'abc' })).toThrow();
  });
});

describe('statusFromExchange', () => {
  it.each([
    ['open', '0', 'OPEN'],
    ['open', '0.001', 'PARTIALLY_FILLED'],
    ['closed', '0.004', 'FILLED'],
    ['canceled', '0', 'CANCELED'],
    ['canceled', '0.001', 'CANCELED'],
    ['rejected', '0', 'REJECTED'],
    ['expired', '0.002', 'EXPIRED'],
  ] as const)('maps %s with %s filled to %s', (status, filled, expected) => {
    expect(statusFromExchange(status, filled)).toBe(expected);
  });
});
