import { describe, expect, it } from 'vitest';
import type { Ledger, PeriodMark } from '../../../shared/domain/ledger.js';
import { dec } from '../../../shared/domain/money.js';
import { orderIdFor } from '../../../shared/domain/order.js';
import { utcDayStart, utcWeekStart } from '../../../shared/domain/periods.js';
import { dailyLossGuard, maxDrawdownGuard, weeklyLossGuard } from '../../../shared/domain/risk/guards-loss.js';
import {
  minTimeBetweenTradesGuard, newPositionEntries, newPositionsPerHourGuard, symbolCooldownGuard, tradesPerDayGuard, tradesPerHourGuard,
} from '../../../shared/domain/risk/guards-pacing.js';
import type { RiskGuard } from '../../../shared/domain/risk/guards.js';
import {
  book, check, DAY, exitCtx, held, HOUR, ledger, logged, NOW, pending, policyWith, rctx, type GuardCase,
} from './risk-fixtures.js';

const mark = (start: number, startEquity: string, peakEquity: string): PeriodMark => ({ start, startEquity: dec(startEquity), peakEquity: dec(peakEquity) });
const DAY0 = utcDayStart(NOW);
const WEEK0 = utcWeekStart(NOW);
/** Cash-only ledger worth `equity`, with the given marks. */
const worth = (equity: string, over: Partial<Ledger> = {}) => ledger({ cash: dec(equity), ...over });
const startBasis = policyWith({ lossLimits: { basis: 'start' } });
const holdingBtc = (over: Partial<Ledger> = {}) => book([held('BTC/USDT', '0.004', '200')], [], over);

const lossTables: [RiskGuard, GuardCase[]][] = [
  [dailyLossGuard, [
    { label: 'peak basis: 9 701 vs day peak 10 000 (−2.99%)', input: rctx({ ledger: worth('9701', { day: mark(DAY0, '9800', '10000') }) }), fails: false },
    { label: 'peak basis: 9 700 vs day peak 10 000 (−3%, at the stop)', input: rctx({ ledger: worth('9700', { day: mark(DAY0, '9800', '10000') }) }), fails: true },
    { label: 'start basis: 9 800 vs day start 10 000 although the peak was 12 000', input: rctx({ policy: startBasis, ledger: worth('9800', { day: mark(DAY0, '10000', '12000') }) }), fails: false },
    { label: 'start basis: 9 700 vs day start 10 000', input: rctx({ policy: startBasis, ledger: worth('9700', { day: mark(DAY0, '10000', '12000') }) }), fails: true },
    { label: 'a mark set later in the same day counts', input: rctx({ ledger: worth('9700', { day: mark(DAY0 + HOUR, '10000', '10000') }) }), fails: true },
    { label: "yesterday's mark is not today's: measured from now", input: rctx({ ledger: worth('5000', { day: mark(DAY0 - DAY, '10000', '10000') }) }), fails: false },
    { label: 'no day mark: measured from now', input: rctx({ ledger: worth('5000') }), fails: false },
    { label: 'exits pass at any loss', input: exitCtx({ ledger: holdingBtc({ cash: dec('5000'), day: mark(DAY0, '10000', '10000') }) }), fails: false },
  ]],
  [weeklyLossGuard, [
    { label: '9 301 vs week peak 10 000', input: rctx({ ledger: worth('9301', { week: mark(WEEK0, '10000', '10000') }) }), fails: false },
    { label: '9 300 vs week peak 10 000 (−7%)', input: rctx({ ledger: worth('9300', { week: mark(WEEK0, '10000', '10000') }) }), fails: true },
    { label: "last week's mark: measured from now", input: rctx({ ledger: worth('5000', { week: mark(WEEK0 - 7 * DAY, '10000', '10000') }) }), fails: false },
  ]],
  [maxDrawdownGuard, [
    { label: 'drawdown 9.99% from peak 10 000', input: rctx({ ledger: worth('9001') }), fails: false },
    { label: 'drawdown 10% from peak 10 000', input: rctx({ ledger: worth('9000') }), fails: true },
    { label: 'drawdown 8.1% at cost', input: rctx({ ledger: holdingBtc({ cash: dec('8990') }) }), fails: false },
    { label: 'drawdown counts unrealized losses: the same position marked down, 10.1%', input: rctx({ ledger: holdingBtc({ cash: dec('8990') }), marks: { 'BTC/USDT': dec('1') } }), fails: true },
    { label: 'exits pass in drawdown', input: exitCtx({ ledger: holdingBtc({ cash: dec('5000') }) }), fails: false },
  ]],
];

// Pacing defaults: 15 orders / 24 h, 5 / hour, 3 new positions / hour, 180 s between orders, 900 s per symbol.
const withLog = (...log: ReturnType<typeof logged>[]) => book([], [], { orderLog: log });
const times = (n: number, start: number, step: number) => Array.from({ length: n }, (_, i) => start - i * step);
const spread = (n: number, start: number, step: number, symbol = 'ETH/USDT') => times(n, start, step).map((t) => logged(symbol, 'entry', t)).reverse();
const pyramid = policyWith({ risk: { pyramiding: { enabled: true, maxAdds: 3, addStakeFraction: 0.5 } } });

const pacingTables: [RiskGuard, GuardCase[]][] = [
  [tradesPerDayGuard, [
    { label: '14 orders in 24 h', input: rctx({ ledger: withLog(...spread(14, NOW - HOUR, HOUR)) }), fails: false },
    { label: '15 orders in 24 h', input: rctx({ ledger: withLog(...spread(15, NOW - HOUR, HOUR)) }), fails: true },
    { label: '15 orders, the oldest exactly 24 h ago (out of the window)', input: rctx({ ledger: withLog(logged('ETH/USDT', 'entry', NOW - DAY), ...spread(14, NOW - HOUR, HOUR)) }), fails: false },
    { label: '15 orders, the oldest 24 h less 1 ms ago', input: rctx({ ledger: withLog(logged('ETH/USDT', 'entry', NOW - DAY + 1), ...spread(14, NOW - HOUR, HOUR)) }), fails: true },
  ]],
  [tradesPerHourGuard, [
    { label: '4 orders in the last hour', input: rctx({ ledger: withLog(...spread(4, NOW - 300_000, 600_000)) }), fails: false },
    { label: '5 orders in the last hour', input: rctx({ ledger: withLog(...spread(5, NOW - 300_000, 600_000)) }), fails: true },
    { label: '5 orders, one exactly an hour ago', input: rctx({ ledger: withLog(logged('ETH/USDT', 'entry', NOW - HOUR), ...spread(4, NOW - 300_000, 600_000)) }), fails: false },
    { label: 'exits are never paced', input: exitCtx({ ledger: holdingBtc({ orderLog: spread(5, NOW - 1_000, 1_000) }) }), fails: false },
  ]],
  [newPositionsPerHourGuard, [
    { label: '2 new positions in the last hour', input: rctx({ ledger: withLog(logged('ETH/USDT', 'entry', NOW - 40 * 60_000), logged('SOL/USDT', 'entry', NOW - 20 * 60_000)) }), fails: false },
    { label: '3 new positions in the last hour', input: rctx({ ledger: withLog(logged('ETH/USDT', 'entry', NOW - 40 * 60_000), logged('SOL/USDT', 'entry', NOW - 20 * 60_000), logged('XRP/USDT', 'entry', NOW - 10 * 60_000)) }), fails: true },
    { label: '3 entries but one is an add to ETH', input: rctx({ ledger: withLog(logged('ETH/USDT', 'entry', NOW - 40 * 60_000), logged('SOL/USDT', 'entry', NOW - 20 * 60_000), logged('ETH/USDT', 'entry', NOW - 10 * 60_000)) }), fails: false },
    { label: 'ETH re-entered after an exit is new again', input: rctx({ ledger: withLog(logged('ETH/USDT', 'entry', NOW - 40 * 60_000), logged('ETH/USDT', 'exit', NOW - 30 * 60_000), logged('ETH/USDT', 'entry', NOW - 20 * 60_000), logged('SOL/USDT', 'entry', NOW - 10 * 60_000)) }), fails: true },
    { label: 'an add does not open a position', input: rctx({ policy: pyramid, ledger: book([held('BTC/USDT', '0.001', '50')], [], { orderLog: [logged('ETH/USDT', 'entry', NOW - 3e5), logged('SOL/USDT', 'entry', NOW - 2e5), logged('XRP/USDT', 'entry', NOW - 1e5)] }) }), fails: false },
  ]],
  [minTimeBetweenTradesGuard, [
    { label: 'last order 180 s ago', input: rctx({ ledger: withLog(logged('ETH/USDT', 'entry', NOW - 180_000)) }), fails: false },
    { label: 'last order 179 s ago', input: rctx({ ledger: withLog(logged('ETH/USDT', 'entry', NOW - 179_000)) }), fails: true },
    { label: 'an exit on another symbol 10 s ago', input: rctx({ ledger: withLog(logged('SOL/USDT', 'exit', NOW - 10_000)) }), fails: true },
    { label: 'the newest order by time, not by log position', input: rctx({ ledger: withLog(logged('SOL/USDT', 'entry', NOW - 10_000), logged('ETH/USDT', 'entry', NOW - 900_000)) }), fails: true },
  ]],
  [symbolCooldownGuard, [
    { label: 'last BTC order 900 s ago', input: rctx({ ledger: withLog(logged('BTC/USDT', 'exit', NOW - 900_000)) }), fails: false },
    { label: 'last BTC order 899 s ago', input: rctx({ ledger: withLog(logged('BTC/USDT', 'exit', NOW - 899_000)) }), fails: true },
    { label: 'only another symbol traded recently', input: rctx({ ledger: withLog(logged('ETH/USDT', 'entry', NOW - 1_000)) }), fails: false },
  ]],
];

describe.each([...lossTables, ...pacingTables].map(([guard, cases]) => ({ name: guard.name, guard, cases })))('guard $name', ({ guard, cases }) => {
  it.each(cases)('$label → fails=$fails', ({ input, fails }) => {
    const reason = check(guard, input);
    if (fails) expect(reason?.code).toBe(guard.code);
    else expect(reason).toBeUndefined();
  });
});

describe('pacing and redelivery', () => {
  it("leaves out the intent's own log entry, written with its reservation before a crash", () => {
    const first = rctx();
    const own = orderIdFor(first.intent.intentId);
    const crashed = book([], [pending(own, 'BTC/USDT', '200.2', { createdAt: NOW - 5_000 })], { orderLog: [logged('BTC/USDT', 'entry', NOW - 5_000)] });
    expect(check(minTimeBetweenTradesGuard, rctx({ ledger: crashed }))).toBeUndefined();
    expect(check(symbolCooldownGuard, rctx({ ledger: crashed }))).toBeUndefined();
    const foreign = { ...crashed, reservations: { x: pending('x', 'BTC/USDT', '200.2', { createdAt: NOW - 5_000 }) } };
    expect(check(minTimeBetweenTradesGuard, rctx({ ledger: foreign }))?.code).toBe('MIN_TIME_BETWEEN_TRADES');
  });

  it('counts as new positions only entries on a symbol not already entered since its last exit', () => {
    const log = [logged('A', 'entry', 1), logged('A', 'entry', 2), logged('B', 'entry', 3), logged('A', 'exit', 4), logged('A', 'entry', 5)];
    expect(newPositionEntries(log).map((e) => e.at)).toEqual([1, 3, 5]);
  });
});
