import type { SQSRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { parseIntent, parseOrdersMessage } from '../../../shared/runtime/messages.js';

const intent = {
  intentId: 'a'.repeat(64), strategy: 'momentum', symbol: 'BTC/USDT', side: 'buy', kind: 'entry', candleCloseTime: 1_700_000_000_000,
  referencePrice: '40000', score: 1, reason: 'x', createdAt: 1, policyHash: 'p', policyVersion: 1,
};
const order = {
  orderId: 'b'.repeat(32), clientOrderId: 'stxbbbb', intentId: 'a'.repeat(64), strategy: 'momentum', symbol: 'BTC/USDT', side: 'buy',
  kind: 'entry', type: 'market', quantity: '0.5', referencePrice: '40000', reservedNotional: '20020', mode: 'PAPER', policyHash: 'p', createdAt: 1,
};
const record = (body: unknown): SQSRecord => ({ messageId: 'm-1', body: JSON.stringify(body) }) as SQSRecord;

describe('queue messages with fields no pipeline function writes', () => {
  it.each([
    ['a symbol with surrounding whitespace', { symbol: ' BTC/USDT' }],
    ['a lower-case symbol', { symbol: 'btc/usdt' }],
    ['a 100 000-character symbol', { symbol: `${'B'.repeat(100_000)}/USDT` }],
    ['a blank strategy', { strategy: ' ' }],
    ['a 10 000-character reason', { reason: 'r'.repeat(10_000) }],
  ])('refuses an intent with %s as malformed', (_name, change) => {
    expect(() => parseIntent(record({ ...intent, ...change }))).toThrow(expect.objectContaining({ code: 'MALFORMED_MESSAGE' }));
  });

  it.each([
    ['a symbol with a trailing space', { symbol: 'BTC/USDT ' }],
    ['an intent id that is not one', { intentId: 'x' }],
    ['a 1 000-character exit reason', { exitReason: 'e'.repeat(1000) }],
  ])('refuses an order with %s as malformed', (_name, change) => {
    expect(() => parseOrdersMessage(record({ ...order, ...change }))).toThrow(expect.objectContaining({ code: 'MALFORMED_MESSAGE' }));
  });

  it('refuses a cancel-entry instruction naming a symbol no policy can hold', () => {
    const cancel = { instruction: 'cancel-entry', orderId: 'b'.repeat(32), clientOrderId: 'stxbbbb', symbol: 'BTC/USDT\n', tripCount: 1, requestedAt: 1 };
    expect(() => parseOrdersMessage(record(cancel))).toThrow(expect.objectContaining({ code: 'MALFORMED_MESSAGE' }));
  });

  it('accepts the well-formed intent and order these cases alter', () => {
    expect(parseIntent(record(intent)).symbol).toBe('BTC/USDT');
    expect(parseOrdersMessage(record(order))).toMatchObject({ orderId: order.orderId });
  });
});
