import { describe, expect, it } from 'vitest';
import type { Lock } from '../../../shared/domain/ledger.js';
import { dec } from '../../../shared/domain/money.js';
import { globalLockGuard, pairLockGuard } from '../../../shared/domain/risk/guards-locks.js';
import { badTickGuard, circuitGuard, spreadGuard, staleDataGuard } from '../../../shared/domain/risk/guards-market.js';
import type { RiskGuard } from '../../../shared/domain/risk/guards.js';
import { book, check, exitCtx, held, intent, MIN, NOW, policyWith, rctx, trade, type GuardCase } from './risk-fixtures.js';

const quote = (bid: string, ask: string) => ({ bid: dec(bid), ask: dec(ask) });
const holding = book([held('BTC/USDT', '0.004', '200')]);
const lock = (scope: string, until: number): Lock => ({ scope, protection: 'manual', reason: 'test', createdAt: NOW - MIN, until });
const locked = (...locks: Lock[]) => book([], [], { locks });
const noProtections = policyWith({
  protections: {
    stoplossGuard: { enabled: false, lookbackMinutes: 0, lockMinutes: 0, tradeLimit: 1, perPair: false },
    maxDrawdown: { enabled: false, lookbackMinutes: 0, lockMinutes: 0, maxDrawdownPct: 1 },
    lowProfitPairs: { enabled: false, lookbackMinutes: 0, lockMinutes: 0, tradeLimit: 1, requiredProfitPct: 0 },
    cooldown: { enabled: false, lockMinutes: 0 },
  },
});

// Market-quality defaults: staleDataSeconds 180, maxSpreadBps 50, badTickPct 5. Cooldown protection: 15 min.
const tables: [RiskGuard, GuardCase[]][] = [
  [staleDataGuard, [
    { label: 'heartbeat 180 s old', input: rctx({ heartbeatAgeMs: 180_000 }), fails: false },
    { label: 'heartbeat 180.001 s old', input: rctx({ heartbeatAgeMs: 180_001 }), fails: true },
    { label: 'no heartbeat at all', input: rctx({ heartbeatAgeMs: undefined }), fails: true },
    { label: 'exit with no heartbeat', input: exitCtx({ ledger: holding, heartbeatAgeMs: undefined }), fails: false },
  ]],
  [spreadGuard, [
    { label: 'spread 49.92 bps (49 751 / 50 000)', input: rctx({ book: quote('49751', '50000') }), fails: false },
    { label: 'spread 50.13 bps (49 750 / 50 000)', input: rctx({ book: quote('49750', '50000') }), fails: true },
    { label: 'a crossed book', input: rctx({ book: quote('50001', '50000') }), fails: true },
    { label: 'a zero bid', input: rctx({ book: quote('0', '50000') }), fails: true },
    { label: 'no book', input: rctx({ book: undefined }), fails: true },
    { label: 'exit on a wide book', input: exitCtx({ ledger: holding, book: quote('40000', '50000') }), fails: false },
  ]],
  [badTickGuard, [
    { label: 'price 5% above the last close', input: rctx({ price: dec('52500'), lastClose: dec('50000') }), fails: false },
    { label: 'price 5.002% above the last close', input: rctx({ price: dec('52501'), lastClose: dec('50000') }), fails: true },
    { label: 'price 5.002% below the last close', input: rctx({ price: dec('47499'), lastClose: dec('50000') }), fails: true },
    { label: "no last close: the intent's close 50 000 is the reference", input: rctx({ lastClose: undefined, price: dec('52500') }), fails: false },
    { label: "no last close: 5.002% from the intent's close", input: rctx({ lastClose: undefined, price: dec('52501') }), fails: true },
    { label: 'no usable reference at all', input: rctx({ lastClose: undefined, intent: { ...intent('entry'), referencePrice: 'n/a' } }), fails: true },
    { label: 'exit at a far price', input: exitCtx({ ledger: holding, price: dec('30000') }), fails: false },
  ]],
  [circuitGuard, [
    { label: 'circuit closed', input: rctx({ circuit: 'closed' }), fails: false },
    { label: 'circuit half-open: the probe goes', input: rctx({ circuit: 'half-open' }), fails: false },
    { label: 'no circuit state: closed', input: rctx({ circuit: undefined }), fails: false },
    { label: 'circuit open', input: rctx({ circuit: 'open' }), fails: true },
    { label: 'exit with the circuit open', input: exitCtx({ ledger: holding, circuit: 'open' }), fails: false },
  ]],
  [globalLockGuard, [
    { label: "a stored '*' lock until now + 1 ms", input: rctx({ ledger: locked(lock('*', NOW + 1)) }), fails: true },
    { label: "a stored '*' lock until now (expired)", input: rctx({ ledger: locked(lock('*', NOW)) }), fails: false },
    { label: 'a pair lock is not global', input: rctx({ ledger: locked(lock('BTC/USDT', NOW + MIN)) }), fails: false },
    { label: "a stored '*' lock holds although the protections are off", input: rctx({ policy: noProtections, ledger: locked(lock('*', NOW + MIN)) }), fails: true },
    { label: 'exit under a global lock', input: exitCtx({ ledger: { ...holding, locks: [lock('*', NOW + MIN)] } }), fails: false },
  ]],
  [pairLockGuard, [
    { label: 'a stored BTC lock', input: rctx({ ledger: locked(lock('BTC/USDT', NOW + MIN)) }), fails: true },
    { label: 'a stored ETH lock', input: rctx({ ledger: locked(lock('ETH/USDT', NOW + MIN)) }), fails: false },
    { label: 'a BTC exit 14 min ago: cooldown lock derived now', input: rctx({ ledger: book([], [], { trades: [trade('BTC/USDT', NOW - 14 * MIN)] }) }), fails: true },
    { label: 'a BTC exit 15 min ago: cooldown over', input: rctx({ ledger: book([], [], { trades: [trade('BTC/USDT', NOW - 15 * MIN)] }) }), fails: false },
    { label: 'a BTC exit 1 min ago with the cooldown protection off', input: rctx({ policy: noProtections, ledger: book([], [], { trades: [trade('BTC/USDT', NOW - MIN)] }) }), fails: false },
  ]],
];

describe.each(tables.map(([guard, cases]) => ({ name: guard.name, guard, cases })))('guard $name', ({ guard, cases }) => {
  it.each(cases)('$label → fails=$fails', ({ input, fails }) => {
    const reason = check(guard, input);
    if (fails) expect(reason?.code).toBe(guard.code);
    else expect(reason).toBeUndefined();
  });
});

describe('lock reasons', () => {
  it('name the protection and its reason', () => {
    expect(check(pairLockGuard, rctx({ ledger: book([], [], { trades: [trade('BTC/USDT', NOW - MIN)] }) }))?.message).toMatch(/^BTC\/USDT locked: cooldown until epoch ms \d+: cooldown after exit/);
  });
});
