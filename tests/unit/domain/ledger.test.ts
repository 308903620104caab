import { describe, expect, it } from 'vitest';
import { LedgerError } from '../../../shared/domain/errors.js';
import {
  applyFill, MAX_APPLIED_FILL_IDS, newLedger, release, reserve, valuation, withPeak, type Ledger,
} from '../../../shared/domain/ledger.js';
import { dec } from '../../../shared/domain/money.js';
import { deepFreeze, fill, ledger, position, reservation } from './fixtures.js';

const buy = (l: Ledger, over: Parameters<typeof fill>[0] = {}) => applyFill(deepFreeze(l), fill(over), 'BTC', 'USDT');
const str = (d: { toFixed(): string } | undefined) => d?.toFixed();

describe('applyFill', () => {
  const afterBuy = buy(newLedger('10000', 0)).ledger; // 0.2 BTC @ 20 000, fee 4 USDT

  it('books a buy: cash pays notional + quote fee, cost basis includes the fee', () => {
    expect(str(afterBuy.cash)).toBe('5996');
    expect(str(afterBuy.positions['BTC/USDT']?.quantity)).toBe('0.2');
    expect(str(afterBuy.positions['BTC/USDT']?.costBasis)).toBe('4004');
    expect(afterBuy.positions['BTC/USDT']?.openedAt).toBe(1000);
    expect(str(afterBuy.feesPaid)).toBe('4');
    expect(afterBuy).toMatchObject({ fillCount: 1, appliedFillIds: ['BTC/USDT#t1'], updatedAt: 1000 });
  });

  it('books a partial sell: releases cost pro rata and realizes the difference', () => {
    const r = buy(afterBuy, { tradeId: 't2', side: 'sell', quantity: '0.05', price: '22000', fee: '1.1' });
    expect(r.applied).toBe(true);
    expect(str(r.ledger.cash)).toBe('7094.9'); // 5996 + 1100 − 1.1
    expect(str(r.ledger.realizedPnl)).toBe('97.9'); // 1098.9 − 4004 × 0.05 / 0.2
    expect(str(r.ledger.positions['BTC/USDT']?.quantity)).toBe('0.15');
    expect(str(r.ledger.positions['BTC/USDT']?.costBasis)).toBe('3003');
    expect(str(r.ledger.feesPaid)).toBe('5.1');
  });

  it('books a full sell: the position disappears and all cost is released', () => {
    const partial = buy(afterBuy, { tradeId: 't2', side: 'sell', quantity: '0.05', price: '22000', fee: '1.1' }).ledger;
    const r = buy(partial, { tradeId: 't3', side: 'sell', quantity: '0.15', price: '21000', fee: '3.15' });
    expect(r.ledger.positions).toEqual({});
    expect(str(r.ledger.realizedPnl)).toBe('241.75'); // 97.9 + (3150 − 3.15 − 3003)
    expect(str(r.ledger.cash)).toBe('10241.75');
    expect(r.ledger.fillCount).toBe(3);
  });

  it('books a fee paid in base as less quantity received, valued in quote for feesPaid', () => {
    const l = buy(newLedger('10000', 0), { fee: '0.0002', feeCurrency: 'BTC' }).ledger;
    expect(str(l.cash)).toBe('6000');
    expect(str(l.positions['BTC/USDT']?.quantity)).toBe('0.1998');
    expect(str(l.positions['BTC/USDT']?.costBasis)).toBe('4000');
    expect(str(l.feesPaid)).toBe('4');
    const v = valuation(l, { 'BTC/USDT': dec('20000') });
    expect(str(v.equity)).toBe('9996');
    expect(str(v.unrealizedPnl)).toBe('-4');
  });

  it('ignores a fill whose trade id was already applied and returns the same ledger', () => {
    const r = buy(afterBuy);
    expect(r.applied).toBe(false);
    expect(r.ledger).toBe(afterBuy);
  });

  it('keys fills per symbol: the same trade id on another symbol is a different fill', () => {
    const r = buy(afterBuy, { symbol: 'ETH/USDT' });
    expect(r.applied).toBe(true);
    expect(r.ledger.appliedFillIds).toEqual(['BTC/USDT#t1', 'ETH/USDT#t1']);
  });

  it('throws LedgerError when selling more than is held or with no position', () => {
    expect(() => buy(afterBuy, { tradeId: 't9', side: 'sell', quantity: '0.20001' })).toThrow(LedgerError);
    expect(() => buy(newLedger('10000', 0), { side: 'sell' })).toThrow(LedgerError);
  });

  it('throws LedgerError for a non-zero fee in a currency it cannot value, accepts a zero one', () => {
    expect(() => buy(afterBuy, { tradeId: 't9', fee: '0.01', feeCurrency: 'BNB' })).toThrow(LedgerError);
    expect(buy(afterBuy, { tradeId: 't9', fee: '0', feeCurrency: 'BNB' }).applied).toBe(true);
  });

  it('remembers only the newest applied fill ids', () => {
    let l = newLedger('10000', 0);
    for (let i = 0; i <= MAX_APPLIED_FILL_IDS; i++) l = applyFill(l, fill({ tradeId: `t${i}`, quantity: '0.00001', fee: '0' }), 'BTC', 'USDT').ledger;
    expect(l.appliedFillIds).toHaveLength(MAX_APPLIED_FILL_IDS);
    expect(l.appliedFillIds[0]).toBe('BTC/USDT#t1');
    expect(l.fillCount).toBe(MAX_APPLIED_FILL_IDS + 1);
  });
});

describe('reserve and release', () => {
  it('reserves once per order id and releases it', () => {
    const l = reserve(deepFreeze(ledger()), reservation('o1', '200.2'));
    expect(reserve(l, reservation('o1', '999'))).toBe(l);
    expect(str(l.reservations.o1?.notional)).toBe('200.2');
    expect(release(l, 'o1').reservations).toEqual({});
    expect(release(l, 'unknown')).toBe(l);
  });
});

describe('valuation', () => {
  const l = ledger({
    cash: dec('5000'),
    positions: { 'BTC/USDT': position('BTC/USDT', '0.1', '4000'), 'ETH/USDT': position('ETH/USDT', '1', '2000') },
    reservations: { o1: reservation('o1', '300'), o2: reservation('o2', '0', 'sell') },
    peakEquity: dec('12000'),
  });

  it('marks positions, values unmarked ones at cost, and counts only buy reservations', () => {
    const v = valuation(l, { 'BTC/USDT': dec('50000') });
    expect(str(v.positionsValue)).toBe('7000'); // 5000 marked + 2000 at cost
    expect(str(v.unrealizedPnl)).toBe('1000');
    expect(str(v.equity)).toBe('12000');
    expect(str(v.reservedNotional)).toBe('300');
    expect(str(v.exposure)).toBe('7300');
    expect(v.exposurePct.toDecimalPlaces(4).toFixed()).toBe('60.8333');
    expect(str(v.drawdownPct)).toBe('0');
  });

  it('measures drawdown from the higher of stored peak and current equity', () => {
    expect(str(valuation(l, { 'BTC/USDT': dec('20000') }).drawdownPct)).toBe('25'); // equity 9000 vs peak 12000
    expect(str(valuation(l, { 'BTC/USDT': dec('80000') }).drawdownPct)).toBe('0'); // equity 15000 is the peak
  });

  it('withPeak raises the peak only on a new high', () => {
    expect(withPeak(l, dec('11000'), 5)).toBe(l);
    const raised = withPeak(l, dec('13000'), 5);
    expect(str(raised.peakEquity)).toBe('13000');
    expect(raised.updatedAt).toBe(5);
  });
});
