import { describe, expect, it } from 'vitest';
import { applyFill, MAX_APPLIED_FILL_IDS, newLedger, type Ledger } from '../../../shared/domain/ledger.js';
import type { Fill } from '../../../shared/domain/order.js';

// applyFill refuses a trade id it has already booked, among the newest MAX_APPLIED_FILL_IDS it remembers.
// The lookup goes through a set handed from ledger to ledger; these pin that it answers as the list does.

const fill = (n: number, side: 'buy' | 'sell' = 'buy'): Fill => ({
  tradeId: `t${n}`, orderId: `o${n}`, clientOrderId: `c${n}`, symbol: 'BTC/USDT', side, quantity: '0.001', price: '100',
  fee: '0', feeCurrency: 'USDT', liquidity: 'taker', time: 1_000 + n, policyHash: 'h',
});

function chain(count: number): Ledger {
  let ledger = newLedger('1000000', 0);
  for (let n = 0; n < count; n++) ledger = applyFill(ledger, fill(n), 'BTC', 'USDT').ledger;
  return ledger;
}

describe('applied fill ids', () => {
  it('books a trade id again once it has left the bounded list, and refuses one still in it', () => {
    const ledger = chain(MAX_APPLIED_FILL_IDS + 1);
    expect(ledger.appliedFillIds).toHaveLength(MAX_APPLIED_FILL_IDS);
    expect(applyFill(ledger, fill(0), 'BTC', 'USDT').applied).toBe(true);
    expect(applyFill(ledger, fill(1), 'BTC', 'USDT').applied).toBe(false);
    expect(applyFill(ledger, fill(MAX_APPLIED_FILL_IDS), 'BTC', 'USDT').applied).toBe(false);
  });

  it('answers for an older ledger of the chain as its own list says, after newer ones were built from it', () => {
    const older = chain(3);
    const newer = applyFill(older, fill(3), 'BTC', 'USDT').ledger;
    expect(applyFill(newer, fill(3), 'BTC', 'USDT').applied).toBe(false);
    expect(applyFill(older, fill(3), 'BTC', 'USDT').applied).toBe(true);
    expect(applyFill(older, fill(2), 'BTC', 'USDT').applied).toBe(false);
  });

  it('reads a stored list with duplicates and more ids than the bound as the list itself', () => {
    const stored: Ledger = { ...newLedger('1000', 0), appliedFillIds: [...Array.from({ length: MAX_APPLIED_FILL_IDS + 5 }, (_, n) => `BTC/USDT#t${n}`), 'BTC/USDT#t7'] };
    const next = applyFill(stored, fill(9_999), 'BTC', 'USDT').ledger;
    expect(next.appliedFillIds).toHaveLength(MAX_APPLIED_FILL_IDS);
    expect(applyFill(next, fill(3), 'BTC', 'USDT').applied).toBe(true);
    expect(applyFill(next, fill(7), 'BTC', 'USDT').applied).toBe(false);
    expect(applyFill(next, fill(9_999), 'BTC', 'USDT').applied).toBe(false);
  });
});
