import { describe, expect, it } from 'vitest';
import type { ClosedTrade, Lock } from '../../../shared/domain/ledger.js';
import { nextLockChange } from '../../../shared/domain/protections.js';
import { MIN, NOW, policyWith, trade } from './risk-fixtures.js';

// nextLockChange reads a journal in close order by binary search and any other journal trade by trade; the
// two must give the same time for the same trades, whatever the lookbacks (including fractional minutes).

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => { s = (s * 1664525 + 1013904223) >>> 0; return s / 2 ** 32; };
}

const POLICIES = [
  policyWith({}),
  policyWith({ protections: { cooldown: { enabled: true, lockMinutes: 7.5 }, stoplossGuard: { enabled: false }, lowProfitPairs: { enabled: true, lookbackMinutes: 90 } } }),
];

describe('nextLockChange on a journal in close order', () => {
  it('gives the time the trade-by-trade walk gives on the same trades out of order', () => {
    const r = rng(12);
    let checked = 0;
    for (let run = 0; run < 300; run++) {
      const policy = POLICIES[run % POLICIES.length]!;
      const trades: ClosedTrade[] = Array.from({ length: Math.floor(r() * 40) }, () => trade('BTC/USDT', NOW - Math.floor(r() * 4000) * MIN + (r() < 0.2 ? MIN : 0)))
        .sort((a, b) => a.closedAt - b.closedAt);
      const locks: Lock[] = r() < 0.5 ? [{ scope: '*', protection: 'cooldown', reason: 'x', createdAt: NOW - MIN, until: NOW + Math.floor(r() * 900) * MIN }] : [];
      const now = NOW - Math.floor(r() * 3000) * MIN;
      const shuffled = [...trades].reverse();
      if (trades.length > 1 && trades[0]!.closedAt !== trades.at(-1)!.closedAt) checked++;
      expect(nextLockChange(trades, locks, policy, now)).toBe(nextLockChange(shuffled, locks, policy, now));
    }
    expect(checked).toBeGreaterThan(200);
  });

  it('is the first close after now, or a trade leaving a lookback, whichever comes first', () => {
    const policy = policyWith({});
    const trades = [trade('BTC/USDT', NOW - 20 * MIN), trade('BTC/USDT', NOW - 10 * MIN), trade('BTC/USDT', NOW + 5 * MIN)];
    // cooldown 15 min: the trade closed 10 min ago leaves it 5 min from now; the future close is at +5 min too.
    expect(nextLockChange(trades, [], policy, NOW)).toBe(NOW + 5 * MIN);
    expect(nextLockChange(trades.slice(0, 2), [], policy, NOW)).toBe(NOW + 5 * MIN);
    expect(nextLockChange(trades.slice(0, 1), [], policy, NOW)).toBe(NOW - 20 * MIN + policy.protections.stoplossGuard.lookbackMinutes * MIN);
  });
});
