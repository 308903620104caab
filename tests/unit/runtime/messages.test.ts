import type { SQSRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import type { OrderRequest } from '../../../shared/domain/order.js';
import { parseOrderRequest } from '../../../shared/runtime/messages.js';

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
});
