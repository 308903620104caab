import { describe, expect, it } from 'vitest';
import { dec } from '../../../shared/domain/money.js';
import {
  cashGuard, maxExposureGuard, maxOpenPositionsGuard, maxPositionGuard, maxPositionSizeGuard, minNotionalGuard, strategyBudgetGuard,
} from '../../../shared/domain/risk/guards-exposure.js';
import {
  killSwitchGuard, marketPriceGuard, noPositionGuard, positionAlreadyOpenGuard, pyramidAddsGuard, readOnlyGuard,
} from '../../../shared/domain/risk/guards-state.js';
import type { RiskGuard } from '../../../shared/domain/risk/guards.js';
import { BTC, book, check, exitCtx, held, pending, policyWith, rctx, type GuardCase } from './risk-fixtures.js';

// Baseline (rctx()): equity 10 000, stakePct 2, ask 50 000 → 0.004 BTC, notional 200, cost 200.2 (10 bps fee).
// Limits: per asset 3% = 300, exposure 25% = 2 500, maxPositionNotional 5 000, 5 open positions, minimum 10.
const holding = book([held('BTC/USDT', '0.004', '200')]);
const pyramiding = (maxAdds: number) => policyWith({ risk: { pyramiding: { enabled: true, maxAdds, addStakeFraction: 0.5 } } });
const others = (n: number) => ['ETH/USDT', 'SOL/USDT', 'XRP/USDT', 'ADA/USDT', 'DOT/USDT'].slice(0, n).map((s) => held(s, '1', '10'));
const budget = (pct: number) => policyWith({ strategies: [{ name: 'momentum', enabled: true, params: {}, riskBudgetPct: pct }] });

const tables: [RiskGuard, GuardCase[]][] = [
  [readOnlyGuard, [
    { label: 'entry, readOnly off', input: rctx(), fails: false },
    { label: 'entry, readOnly on', input: rctx({ policy: policyWith({ readOnly: true }) }), fails: true },
    { label: 'exit, readOnly on', input: exitCtx({ ledger: holding, policy: policyWith({ readOnly: true }) }), fails: true },
  ]],
  [killSwitchGuard, [
    { label: 'entry while ARMED', input: rctx(), fails: false },
    { label: 'entry while TRIPPED', input: rctx({ killSwitch: 'TRIPPED' }), fails: true },
    { label: 'entry in COOLDOWN', input: rctx({ killSwitch: 'COOLDOWN' }), fails: true },
    { label: 'exit while TRIPPED, exits allowed', input: exitCtx({ ledger: holding, killSwitch: 'TRIPPED' }), fails: false },
    { label: 'exit while TRIPPED, exits not allowed', input: exitCtx({ ledger: holding, killSwitch: 'TRIPPED', policy: policyWith({ risk: { allowExitsWhenHalted: false } }) }), fails: true },
  ]],
  [marketPriceGuard, [
    { label: 'a positive ask', input: rctx(), fails: false },
    { label: 'a zero ask', input: rctx({ price: dec(0) }), fails: true },
  ]],
  [positionAlreadyOpenGuard, [
    { label: 'entry when flat', input: rctx(), fails: false },
    { label: 'entry while holding', input: rctx({ ledger: holding }), fails: true },
    { label: 'entry with an entry for the symbol in flight', input: rctx({ ledger: book([], [pending('p', 'BTC/USDT', '200.2')]) }), fails: true },
    { label: 'entry with an entry for another symbol in flight', input: rctx({ ledger: book([], [pending('p', 'ETH/USDT', '200.2')]) }), fails: false },
  ]],
  [pyramidAddsGuard, [
    { label: 'first entry, maxAdds 0', input: rctx({ policy: pyramiding(0) }), fails: false },
    { label: 'add on a position, maxAdds 0', input: rctx({ policy: pyramiding(0), ledger: holding }), fails: true },
    { label: 'first add, maxAdds 2', input: rctx({ policy: pyramiding(2), ledger: holding }), fails: false },
    { label: 'second add (1 done), maxAdds 2', input: rctx({ policy: pyramiding(2), ledger: book([held('BTC/USDT', '0.006', '300', { adds: 1 })]) }), fails: false },
    { label: 'third add (2 done), maxAdds 2', input: rctx({ policy: pyramiding(2), ledger: book([held('BTC/USDT', '0.008', '400', { adds: 2 })]) }), fails: true },
    { label: 'third add (1 done, 1 in flight), maxAdds 2', input: rctx({ policy: pyramiding(2), ledger: book([held('BTC/USDT', '0.006', '300', { adds: 1 })], [pending('p', 'BTC/USDT', '100')]) }), fails: true },
    { label: 'add while the first entry is in flight, maxAdds 1', input: rctx({ policy: pyramiding(1), ledger: book([], [pending('p', 'BTC/USDT', '200')]) }), fails: false },
  ]],
  [noPositionGuard, [
    { label: 'exit while holding', input: exitCtx({ ledger: holding }), fails: false },
    { label: 'exit when flat', input: exitCtx(), fails: true },
    { label: 'exit while another exit is in flight', input: exitCtx({ ledger: book([held('BTC/USDT', '0.004', '200')], [pending('s', 'BTC/USDT', '0', { side: 'sell', kind: 'exit' })]) }), fails: true },
    { label: 'entry when flat', input: rctx(), fails: false },
  ]],
  [minNotionalGuard, [
    { label: 'entry of 200 (minimum 10)', input: rctx(), fails: false },
    { label: 'entry of 200 under policy minNotional 250', input: rctx({ policy: policyWith({ risk: { minNotional: '250' } }) }), fails: true },
    { label: 'entry of 200, market minimum 200 fee-adjusted to 220.44', input: rctx({ market: { ...BTC, minNotional: '200' } }), fails: true },
    { label: 'entry of 200, market minimum 200, no buffer: 200.4', input: rctx({ market: { ...BTC, minNotional: '200' }, policy: policyWith({ risk: { minNotionalBufferPct: 0 } }) }), fails: true },
    { label: 'entry of 200, market minimum 199, no buffer: 199.398', input: rctx({ market: { ...BTC, minNotional: '199' }, policy: policyWith({ risk: { minNotionalBufferPct: 0 } }) }), fails: false },
    { label: 'entry under the market minimum amount', input: rctx({ market: { ...BTC, minAmount: '0.01' } }), fails: true },
    { label: 'entry that rounds to zero', input: rctx({ price: dec('1e9') }), fails: true },
    { label: 'exit of 8 (market minimum 5, policy and fee-adjusted minimum ignored)', input: exitCtx({ ledger: holding, price: dec('2000') }), fails: false },
    { label: 'exit of 4 (market minimum 5)', input: exitCtx({ ledger: holding, price: dec('1000') }), fails: true },
  ]],
  [maxPositionGuard, [
    { label: '200.2 within 300', input: rctx(), fails: false },
    { label: '99.8 pending + 200.2 = 300', input: rctx({ ledger: book([], [pending('p', 'BTC/USDT', '99.8')]) }), fails: false },
    { label: '291 pending: room 9 is below the minimum, so no shrink', input: rctx({ ledger: book([], [pending('p', 'BTC/USDT', '291')]) }), fails: true },
    { label: 'position marked at 295: room 6.35 is below the minimum', input: rctx({ ledger: book([held('BTC/USDT', '0.0059', '250')]), marks: { 'BTC/USDT': dec('50000') } }), fails: true },
    { label: 'pending buys of other symbols do not count', input: rctx({ ledger: book([], [pending('p', 'ETH/USDT', '291')]) }), fails: false },
    { label: 'exit whatever the cap', input: exitCtx({ ledger: holding, policy: policyWith({ risk: { maxPositionPct: 0 } }) }), fails: false },
  ]],
  [maxPositionSizeGuard, [
    { label: '99.8 pending + 200.2 = maxPositionNotional 300', input: rctx({ ledger: book([], [pending('p', 'BTC/USDT', '99.8')]), policy: policyWith({ risk: { maxPositionNotional: '300' } }) }), fails: false },
    { label: '95 held + room 5 under maxPositionNotional 100', input: rctx({ ledger: book([held('BTC/USDT', '0.0019', '95')]), policy: policyWith({ risk: { maxPositionNotional: '100' } }) }), fails: true },
    { label: 'exit whatever the cap', input: exitCtx({ ledger: holding, policy: policyWith({ risk: { maxPositionNotional: '0' } }) }), fails: false },
  ]],
  [maxExposureGuard, [
    { label: 'exposure 2 299.8 + 200.2 = 2 500', input: rctx({ ledger: book([], [pending('p', 'ETH/USDT', '2299.8')]) }), fails: false },
    { label: 'exposure 2 299.81 + 200.2 > 2 500', input: rctx({ ledger: book([], [pending('p', 'ETH/USDT', '2299.81')]) }), fails: true },
    { label: 'exit whatever the exposure', input: exitCtx({ ledger: holding, policy: policyWith({ risk: { maxTotalExposurePct: 0 } }) }), fails: false },
  ]],
  [maxOpenPositionsGuard, [
    { label: '4 other positions, max 5', input: rctx({ ledger: book(others(4)) }), fails: false },
    { label: '5 other positions, max 5', input: rctx({ ledger: book(others(5)) }), fails: true },
    { label: '4 positions + an entry in flight elsewhere', input: rctx({ ledger: book(others(4), [pending('p', 'BNB/USDT', '20')]) }), fails: true },
    { label: '4 positions + an exit in flight elsewhere', input: rctx({ ledger: book(others(4), [pending('p', 'ETH/USDT', '0', { side: 'sell', kind: 'exit' })]) }), fails: false },
    { label: 'an add on a held symbol with 5 others open', input: rctx({ policy: pyramiding(3), ledger: book([...others(4), held('BTC/USDT', '0.001', '50')], [pending('p', 'BNB/USDT', '20')]) }), fails: false },
  ]],
  [strategyBudgetGuard, [
    { label: '299.8 held + 200.2 = budget 500', input: rctx({ policy: budget(5), ledger: book([held('ETH/USDT', '1', '299.8')]) }), fails: false },
    { label: '495 held: room 5 is below the minimum', input: rctx({ policy: budget(5), ledger: book([held('ETH/USDT', '1', '495')]) }), fails: true },
    { label: '495 pending for the strategy', input: rctx({ policy: budget(5), ledger: book([], [pending('p', 'ETH/USDT', '495')]) }), fails: true },
    { label: "another strategy's 495 does not count", input: rctx({ policy: budget(5), ledger: book([held('ETH/USDT', '1', '495', { strategy: 'other' })]) }), fails: false },
    { label: 'no budget for the strategy', input: rctx({ ledger: book([held('ETH/USDT', '1', '495')]) }), fails: false },
  ]],
  [cashGuard, [
    { label: 'free cash exactly 200.2', input: rctx({ ledger: book([], [pending('p', 'ETH/USDT', '9799.8')]) }), fails: false },
    { label: 'free cash 9', input: rctx({ ledger: book([], [pending('p', 'ETH/USDT', '9991')]) }), fails: true },
    { label: 'a sell with no cash', input: exitCtx({ ledger: { ...holding, cash: dec(0) } }), fails: false },
  ]],
];

describe.each(tables.map(([guard, cases]) => ({ name: guard.name, guard, cases })))('guard $name', ({ guard, cases }) => {
  it.each(cases)('$label → fails=$fails', ({ input, fails }) => {
    const reason = check(guard, input);
    if (fails) expect(reason?.code).toBe(guard.code);
    else expect(reason).toBeUndefined();
  });
});
