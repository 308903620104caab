import type { SQSRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import type { OrderRequest } from '../../../shared/domain/order.js';
import type { Intent } from '../../../shared/domain/intent.js';
import { parseIntent, parseOrderRequest, parseOrdersMessage } from '../../../shared/runtime/messages.js';

const record = (body: unknown) => ({ messageId: 'm-1', body: JSON.stringify(body) }) as SQSRecord;

const order: OrderRequest = {
  orderId: 'a'.repeat(32), clientOrderId: 'stx-abc', intentId: 'b'.repeat(64), strategy: 'risk-exit', symbol: 'BTC/USDT',
  side: 'sell', kind: 'exit', type: 'market', quantity: '0.01', referencePrice: '50000', reservedNotional: '0',
  mode: 'PAPER', policyHash: 'h', createdAt: 1, exitReason: 'stop-loss',
};

describe('orders.fifo message parsing', () => {
  it('keeps every field of the order, the exit reason included (the stoploss guard counts stop-loss exits by it)', () => {
    expect(parseOrderRequest(record(order))).toEqual(order);
  });

  it('rejects a body that is not an order', () => {
    expect(() => parseOrderRequest(record({ ...order, quantity: 'lots' }))).toThrow(/m-1/);
  });

  it('refuses an exit-kind order whose side is buy (long-only: the kind is bound to the side)', () => {
    expect(() => parseOrderRequest(record({ ...order, side: 'buy', reservedNotional: '500' }))).toThrow(/m-1/);
  });

  it('refuses an entry-kind order whose side is sell', () => {
    expect(() => parseOrderRequest(record({ ...order, kind: 'entry', exitReason: undefined }))).toThrow(/m-1/);
  });

  it.each([
    ['a zero quantity', { quantity: '0' }], ['a zero quantity with decimals', { quantity: '0.000' }],
    ['a negative quantity', { quantity: '-0.01' }], ['an exponent quantity', { quantity: '1e-8' }],
    ['an overlong quantity', { quantity: `0.${'0'.repeat(60)}1` }], ['a zero reference price', { referencePrice: '0' }],
    ['a negative limit price', { type: 'limit', limitPrice: '-1' }], ['a zero limit price', { type: 'limit', limitPrice: '0.0' }],
    ['a negative reservation', { reservedNotional: '-5' }], ['an infinite price', { referencePrice: 'Infinity' }],
  ])('refuses %s', (_label, patch) => {
    expect(() => parseOrderRequest(record({ ...order, ...patch }))).toThrow(/m-1/);
  });

  it('refuses a buy that reserves nothing, and keeps an exit that reserves 0', () => {
    const buy = { ...order, side: 'buy', kind: 'entry', exitReason: undefined };
    expect(() => parseOrderRequest(record({ ...buy, reservedNotional: '0' }))).toThrow(/m-1/);
    expect(parseOrderRequest(record({ ...buy, reservedNotional: '505.05' })).reservedNotional).toBe('505.05');
    expect(parseOrderRequest(record(order)).reservedNotional).toBe('0');
  });

  it('keeps the long decimals money() writes for a reservation (quantity × price × (1 + fee rate))', () => {
    const buy = { ...order, side: 'buy', kind: 'entry', exitReason: undefined, quantity: '1234.56789012', reservedNotional: '0.000000987654321098765432' };
    expect(parseOrderRequest(record(buy)).reservedNotional).toBe('0.000000987654321098765432');
  });

  it('reads a kill-switch cancel instruction and an order from the same queue', () => {
    const cancel = { instruction: 'cancel-entry', orderId: order.orderId, clientOrderId: order.clientOrderId, symbol: 'BTC/USDT', tripCount: 2, requestedAt: 5 };
    expect(parseOrdersMessage(record(cancel))).toEqual(cancel);
    expect(parseOrdersMessage(record(order))).toEqual(order);
    expect(() => parseOrdersMessage(record({ ...cancel, instruction: 'place-anything' }))).toThrow(/m-1/);
  });
});

describe('signals.fifo message parsing', () => {
  const intent: Intent = {
    intentId: 'c'.repeat(64), strategy: 's', symbol: 'BTC/USDT', side: 'buy', kind: 'entry', candleCloseTime: 60_000,
    referencePrice: '50000', score: 1, reason: 'cross', createdAt: 1, policyHash: 'h', policyVersion: 1,
  };

  it('keeps a well-formed intent', () => {
    expect(parseIntent(record(intent))).toEqual(intent);
  });

  it('refuses an exit-kind intent whose side is buy', () => {
    expect(() => parseIntent(record({ ...intent, kind: 'exit' }))).toThrow(/m-1/);
  });

  it('refuses an intent with a zero or exponent reference price', () => {
    expect(() => parseIntent(record({ ...intent, referencePrice: '0' }))).toThrow(/m-1/);
    expect(() => parseIntent(record({ ...intent, referencePrice: '5e4' }))).toThrow(/m-1/);
  });
});
