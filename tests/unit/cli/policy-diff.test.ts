import { describe, expect, it } from 'vitest';
import { diffPolicies, formatChange } from '../../../shared/cli/policy-diff.js';

describe('diffPolicies', () => {
  it('lists changed, added and removed paths in document order, walking objects and lists of objects', () => {
    const before = { mode: 'PAPER', risk: { stakePct: 2, maxPositionPct: 3 }, strategies: [{ name: 'momentum', params: { lookback: 30 } }], symbols: ['BTC/USDT'] };
    const after = { mode: 'PAPER', risk: { stakePct: 1, extra: true }, strategies: [{ name: 'momentum', params: { lookback: 20 } }], symbols: ['BTC/USDT', 'ETH/USDT'] };
    expect(diffPolicies(before, after).map(formatChange)).toEqual([
      '~ risk.stakePct: 2 → 1',
      '- risk.maxPositionPct: 3',
      '+ risk.extra: true',
      '~ strategies.0.params.lookback: 30 → 20',
      '~ symbols: ["BTC/USDT"] → ["BTC/USDT","ETH/USDT"]',
    ]);
  });

  it('finds nothing between equal policies, and treats null ↔ number as a change', () => {
    expect(diffPolicies({ a: { b: [1, 2] } }, { a: { b: [1, 2] } })).toEqual([]);
    expect(diffPolicies({ exits: { takeProfitPct: 12 } }, { exits: { takeProfitPct: null } }).map(formatChange))
      .toEqual(['~ exits.takeProfitPct: 12 → null']);
  });
});
