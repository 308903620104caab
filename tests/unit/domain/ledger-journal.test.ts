import { describe, expect, it } from 'vitest';
import {
  applyFill, MAX_JOURNAL, newLedger, reserve, withLocks, type Ledger, type Lock, type Reservation,
} from '../../../shared/domain/ledger.js';
import { dec } from '../../../shared/domain/money.js';
import { deepFreeze, fill, ledger } from './fixtures.js';

type FillOver = Parameters<typeof fill>[0];
const book = (l: Ledger, over: FillOver = {}, continuesOrder = false) =>
  applyFill(deepFreeze(l), fill(over), 'BTC', 'USDT', { continuesOrder }).ledger;
const str = (d: { toFixed(): string } | undefined) => d?.toFixed();

// 0.2 BTC @ 20 000 + 4 USDT fee = cost 4004, opened at t = 1 000 by momentum.
const opened = book(newLedger('10000', 0), { strategy: 'momentum' });

describe('applyFill: buys', () => {
  it('records the strategy that opened the position and no adds', () => {
    expect(opened.positions['BTC/USDT']).toMatchObject({ strategy: 'momentum', openedAt: 1_000 });
    expect(opened.positions['BTC/USDT']?.adds).toBeUndefined();
  });

  it('counts an add for a new order on a held position, keeping the opening strategy and openedAt', () => {
    const added = book(opened, { tradeId: 't2', orderId: 'o2', quantity: '0.1', fee: '2', time: 5_000, strategy: 'other' });
    expect(added.positions['BTC/USDT']).toMatchObject({ strategy: 'momentum', openedAt: 1_000, adds: 1 });
    expect(str(added.positions['BTC/USDT']?.quantity)).toBe('0.3');
    expect(str(added.positions['BTC/USDT']?.costBasis)).toBe('6006'); // 4004 + 2000 + 2
  });

  it('does not count a further fill of the same order as another add', () => {
    const added = book(opened, { tradeId: 't2', orderId: 'o2', quantity: '0.1', fee: '2' });
    const more = book(added, { tradeId: 't3', orderId: 'o2', quantity: '0.1', fee: '2' }, true);
    expect(more.positions['BTC/USDT']?.adds).toBe(1);
    const partsOfTheOpeningOrder = book(opened, { tradeId: 't2', quantity: '0.1', fee: '2' }, true);
    expect(partsOfTheOpeningOrder.positions['BTC/USDT']?.adds).toBeUndefined();
  });

  it('keeps the high-water mark through an add', () => {
    const marked: Ledger = { ...opened, positions: { 'BTC/USDT': { ...opened.positions['BTC/USDT']!, highWaterMark: dec('21000') } } };
    expect(str(book(marked, { tradeId: 't2', orderId: 'o2' }).positions['BTC/USDT']?.highWaterMark)).toBe('21000');
  });
});

describe('applyFill: the trade journal', () => {
  const partial = book(opened, { tradeId: 't2', orderId: 'o2', side: 'sell', quantity: '0.05', price: '22000', fee: '1.1', time: 2_000, exitReason: 'take-profit' });

  it('journals a partial sell: pnl after fees, pnlPct of the cost released, times, reason and strategy', () => {
    expect(partial.trades).toHaveLength(1);
    const t = partial.trades![0]!;
    expect(t).toMatchObject({ symbol: 'BTC/USDT', strategy: 'momentum', openedAt: 1_000, closedAt: 2_000, exitReason: 'take-profit' });
    expect(str(t.quantity)).toBe('0.05');
    expect(str(t.pnl)).toBe('97.9'); // 1 100 − 1.1 − 1 001 released
    expect(str(t.pnlPct)).toBe('9.78021978'); // 97.9 / 1 001, 8 dp
  });

  it("journals the closing sell as its own trade with exit reason 'signal' when the fill names none", () => {
    const closed = book(partial, { tradeId: 't3', orderId: 'o3', side: 'sell', quantity: '0.15', price: '21000', fee: '3.15', time: 3_000 });
    expect(closed.positions).toEqual({});
    const t = closed.trades![1]!;
    expect(t).toMatchObject({ exitReason: 'signal', closedAt: 3_000, strategy: 'momentum' });
    expect(str(t.pnl)).toBe('143.85'); // 3 150 − 3.15 − 3 003
    expect(str(t.pnlPct)).toBe('4.79020979'); // 143.85 / 3 003
    expect(str(closed.trades!.reduce((s, x) => s.add(x.pnl), dec(0)))).toBe(str(closed.realizedPnl));
  });

  it('merges a further fill of the same sell order into its trade, with pnlPct over the combined cost', () => {
    const more = book(partial, { tradeId: 't3', orderId: 'o2', side: 'sell', quantity: '0.05', price: '20000', fee: '1', time: 2_500, exitReason: 'take-profit' }, true);
    expect(more.trades).toHaveLength(1);
    const t = more.trades![0]!;
    expect(str(t.quantity)).toBe('0.1');
    expect(str(t.pnl)).toBe('95.9'); // 97.9 + (1 000 − 1 − 1 001)
    expect(str(t.pnlPct)).toBe('4.79020979'); // 95.9 / 2 002
    expect(t.closedAt).toBe(2_500);
  });

  it('journals a continuing sell as a new trade when no trade of that position is in the journal', () => {
    const t = book(opened, { tradeId: 't2', side: 'sell', quantity: '0.05', price: '22000', fee: '1.1' }, true).trades;
    expect(t).toHaveLength(1);
  });

  it(`keeps only the newest ${MAX_JOURNAL} closed trades`, () => {
    let l = opened;
    for (let i = 0; i <= MAX_JOURNAL; i++) {
      l = applyFill(l, fill({ tradeId: `s${i}`, side: 'sell', quantity: '0.0001', fee: '0', time: 2_000 + i }), 'BTC', 'USDT').ledger;
    }
    expect(l.trades).toHaveLength(MAX_JOURNAL);
    expect(l.trades![0]!.closedAt).toBe(2_001);
    expect(l.trades!.at(-1)!.closedAt).toBe(2_000 + MAX_JOURNAL);
  });
});

describe('reserve: the order log', () => {
  const r = (orderId: string, over: Partial<Reservation> = {}): Reservation => ({
    orderId, symbol: 'BTC/USDT', side: 'buy', notional: dec('100'), createdAt: 7_000, strategy: 'momentum', kind: 'entry', ...over,
  });

  it('logs an approved order once, however often it is reserved', () => {
    const l = reserve(reserve(deepFreeze(ledger()), r('o1')), r('o1', { createdAt: 9_000 }));
    expect(l.orderLog).toEqual([{ symbol: 'BTC/USDT', side: 'buy', kind: 'entry', at: 7_000 }]);
    expect(l.reservations.o1?.strategy).toBe('momentum');
  });

  it('logs nothing for a reservation without a kind', () => {
    const { kind: _kind, ...untyped } = r('o1');
    expect(reserve(ledger(), untyped).orderLog).toBeUndefined();
  });

  it(`keeps only the newest ${MAX_JOURNAL} log entries`, () => {
    let l = ledger();
    for (let i = 0; i <= MAX_JOURNAL; i++) l = reserve(l, r(`o${i}`, { createdAt: i, side: 'sell', kind: 'exit' }));
    expect(l.orderLog).toHaveLength(MAX_JOURNAL);
    expect(l.orderLog![0]!.at).toBe(1);
  });
});

describe('withLocks', () => {
  const lock = (scope: string, until: number, protection = 'cooldown'): Lock => ({ scope, protection, reason: 'r', createdAt: until - 100, until });

  it('keeps active stored locks, adds derived ones once, and drops expired ones', () => {
    const l = ledger({ locks: [lock('BTC/USDT', 1_000), lock('ETH/USDT', 5_000)] });
    const next = withLocks(deepFreeze(l), [lock('ETH/USDT', 5_000), lock('*', 6_000, 'stoplossGuard')], 1_000);
    expect(next.locks).toEqual([lock('ETH/USDT', 5_000), lock('*', 6_000, 'stoplossGuard')]);
    expect(next.updatedAt).toBe(1_000);
  });

  it('returns the same ledger when the lock set does not change', () => {
    const l = ledger({ locks: [lock('ETH/USDT', 5_000)] });
    expect(withLocks(l, [lock('ETH/USDT', 5_000)], 1_000)).toBe(l);
    const none = ledger();
    expect(withLocks(none, [], 1_000)).toBe(none);
  });
});
