import { describe, expect, it } from 'vitest';
import type { ClosedTrade, Lock } from '../../../shared/domain/ledger.js';
import { dec } from '../../../shared/domain/money.js';
import { deriveLocks, nextLockChange } from '../../../shared/domain/protections.js';
import { ledger } from './fixtures.js';
import { MIN, NOW, policyWith, trade } from './risk-fixtures.js';

// nextLockChange and the protections' lookback windows read a journal in close order by binary search and any
// other journal trade by trade; the two must agree on the same trades, whatever the lookbacks (fractional too).

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => { s = (s * 1664525 + 1013904223) >>> 0; return s / 2 ** 32; };
}

const POLICIES = [
  policyWith({}),
  policyWith({
    protections: {
      cooldown: { enabled: true, lockMinutes: 7.5 },
      stoplossGuard: { enabled: true, lookbackMinutes: 60, lockMinutes: 30, tradeLimit: 2, perPair: true },
      maxDrawdown: { enabled: true, lookbackMinutes: 600, lockMinutes: 60, maxDrawdownPct: 0.5 },
      lowProfitPairs: { enabled: true, lookbackMinutes: 90.5, lockMinutes: 45, tradeLimit: 2, requiredProfitPct: 0 },
    },
  }),
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

  it('derives the same locks from a journal in close order as from the same trades out of order', () => {
    const r = rng(99);
    let locked = 0;
    for (let run = 0; run < 200; run++) {
      const policy = POLICIES[run % POLICIES.length]!;
      // Distinct close times: trades closed at the same ms are walked in journal order, which reversing changes.
      const trades: ClosedTrade[] = Array.from({ length: 2 + Math.floor(r() * 12) }, (_, k) => trade(r() < 0.5 ? 'BTC/USDT' : 'ETH/USDT', NOW - (k * 50 + Math.floor(r() * 50)) * MIN, {
        exitReason: r() < 0.5 ? 'stop-loss' : 'signal', pnl: dec((r() * 60 - 40).toFixed(2)), pnlPct: dec((r() * 2 - 1.3).toFixed(3)),
      })).sort((a, b) => a.closedAt - b.closedAt);
      const sorted = deriveLocks(ledger({ trades }), policy, NOW);
      const shuffled = deriveLocks(ledger({ trades: [...trades].reverse() }), policy, NOW);
      if (sorted.length) locked++;
      expect(sorted).toEqual(shuffled);
    }
    expect(locked).toBeGreaterThan(50);
  });
});
