import { describe, expect, it } from 'vitest';
import type { MarketInfo } from '../../../shared/domain/market.js';
import { clientOrderIdFor } from '../../../shared/domain/order.js';
import { aggregateChildren, childRequest, meanVolume, sliceDueAt, sliceOrderId, slicePlan, type SlicingConfig } from '../../../shared/domain/slicing.js';
import type { OrderRecord, OrderRequest } from '../../../shared/domain/order.js';

const MARKET: MarketInfo = {
  symbol: 'BTC/USDT', base: 'BTC', quote: 'USDT', priceStep: '0.01', amountStep: '0.001', minAmount: '0.001',
  minNotional: '5', takerFeeRate: '0.001', makerFeeRate: '0.001',
};
const TWAP: SlicingConfig = { enabled: true, thresholdPctOfRecentVolume: 5, mode: 'twap', slices: 4, intervalSeconds: 60, maxParticipationPct: 5, volumeCandles: 5 };

describe('slicePlan', () => {
  it('leaves an order within the threshold of recent volume whole, and slices nothing when slicing is off', () => {
    expect(slicePlan(TWAP, '5', '100', '100', MARKET)).toBeUndefined(); // 5 = 5 % of 100: not above
    expect(slicePlan({ ...TWAP, enabled: false }, '50', '100', '100', MARKET)).toBeUndefined();
    expect(slicePlan(TWAP, '50', '100', '0', MARKET)).toBeUndefined();
  });

  it('splits a twap order into equal step-floored children, the last taking the remainder', () => {
    expect(slicePlan(TWAP, '10.001', '100', '100', MARKET)).toEqual(['2.5', '2.5', '2.5', '2.501']);
  });

  it('sizes participation children to stay within maxParticipationPct of the recent volume', () => {
    // cap 5 % of 100 = 5: 12 needs 3 children of 4
    expect(slicePlan({ ...TWAP, mode: 'participation' }, '12', '100', '100', MARKET)).toEqual(['4', '4', '4']);
  });

  it('uses fewer children when equal ones would fail the exchange minimum notional, and none when two would', () => {
    expect(slicePlan(TWAP, '0.09', '200', '1', MARKET)).toEqual(['0.03', '0.03', '0.03']); // 4 children: 0.022 × 200 = 4.4 < 5
    expect(slicePlan(TWAP, '0.09', '100', '1', MARKET)).toBeUndefined(); // 2 children: 0.045 × 100 = 4.5 < 5
  });
});

describe('slice children', () => {
  const parent: OrderRequest = {
    orderId: 'a'.repeat(32), clientOrderId: clientOrderIdFor('a'.repeat(32)), intentId: 'i', strategy: 's', symbol: 'BTC/USDT', side: 'buy', kind: 'entry',
    type: 'limit', limitPrice: '99', quantity: '3', referencePrice: '100', reservedNotional: '300.3', mode: 'LIVE', policyHash: 'h', createdAt: 1_000,
    slices: ['1', '1', '1'], sliceIntervalSeconds: 30,
  };

  it('derive their ids and client order ids from the parent and the index, within 36 characters', () => {
    const id = sliceOrderId(parent.orderId, 2);
    expect(id).toMatch(/^[0-9a-f]{30}02$/);
    expect(id).toBe(sliceOrderId(parent.orderId, 2));
    expect(id).not.toBe(sliceOrderId(parent.orderId, 1));
    const child = childRequest(parent, 2, '2', 5_000);
    expect(child.clientOrderId).toBe(clientOrderIdFor(id));
    expect(child.clientOrderId.length).toBeLessThanOrEqual(36);
    expect(child).toMatchObject({ type: 'market', quantity: '1', reservedNotional: '0', parentOrderId: parent.orderId, sliceIndex: 2, executedBefore: '2', createdAt: 5_000 });
    expect(child.slices).toBeUndefined();
    expect(child.limitPrice).toBeUndefined();
    expect(() => sliceOrderId(parent.orderId, 100)).toThrow(RangeError);
  });

  it('are due interval × index after the decision, and aggregate to the parent by volume-weighted price', () => {
    expect(sliceDueAt(parent, 2)).toBe(61_000);
    const rec = (filledQuantity: string, averagePrice: string | undefined, fees: string) => ({ filledQuantity, fees, ...(averagePrice ? { averagePrice } : {}) }) as OrderRecord;
    const sum = aggregateChildren([rec('1', '100', '0.1'), rec('0.5', '103', '0.05'), rec('0', undefined, '0')]);
    expect([sum.filledQuantity.toFixed(), sum.averagePrice?.toFixed(), sum.fees.toFixed()]).toEqual(['1.5', '101', '0.15']);
    expect(meanVolume([{ volume: 1 }, { volume: 2 }]).toFixed()).toBe('1.5');
  });
});
