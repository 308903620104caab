import { describe, expect, it } from 'vitest';
import { screenedLocks } from '../../../shared/backtest/lock-screen.js';
import { newLedger, type ClosedTrade, type Ledger } from '../../../shared/domain/ledger.js';
import { dec } from '../../../shared/domain/money.js';
import { validatePolicy, type Policy } from '../../../shared/domain/policy.js';
import { deriveLocks } from '../../../shared/domain/protections.js';

// The backtest derives protection locks through a screen that skips the protections that cannot lock. It must
// give deriveLocks' locks, in order, at every time: checked on random journals (stop-outs, losing streaks, pairs
// at their trade limit, deep drawdowns), at every time a trade enters or leaves a lookback and in between.

const MIN = 60_000;
const T0 = Date.UTC(2024, 2, 4);
const SYMBOLS = ['BTC/USDT', 'ETH/USDT', 'SOL/USDT'];
const REASONS = ['signal', 'signal', 'stop-loss', 'trailing-stop', 'take-profit'];

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => { s = (s * 1664525 + 1013904223) >>> 0; return s / 2 ** 32; };
}

function policyOf(protections: Record<string, unknown>): Policy {
  const out = validatePolicy({ mode: 'PAPER', timeframe: '1m', symbols: SYMBOLS, strategies: [{ name: 'sma-cross', params: {} }], protections });
  if (!out.ok) throw new Error(JSON.stringify(out.problems));
  return out.policy;
}

const POLICIES = [
  policyOf({}),
  policyOf({
    cooldown: { enabled: true, lockMinutes: 7 },
    stoplossGuard: { enabled: true, lookbackMinutes: 60, lockMinutes: 30, tradeLimit: 2, perPair: true },
    maxDrawdown: { enabled: true, lookbackMinutes: 300, lockMinutes: 60, maxDrawdownPct: 0.5 },
    lowProfitPairs: { enabled: true, lookbackMinutes: 90, lockMinutes: 200, tradeLimit: 2, requiredProfitPct: 0 },
  }),
  policyOf({
    stoplossGuard: { enabled: true, lookbackMinutes: 120, lockMinutes: 30, tradeLimit: 3, perPair: false },
    maxDrawdown: { enabled: true, lookbackMinutes: 120, lockMinutes: 500, maxDrawdownPct: 2 },
    lowProfitPairs: { enabled: true, lookbackMinutes: 240, lockMinutes: 600, tradeLimit: 3, requiredProfitPct: 0.5 },
  }),
  policyOf({ cooldown: { enabled: false, lockMinutes: 15 }, maxDrawdown: { enabled: false, lookbackMinutes: 60, lockMinutes: 60, maxDrawdownPct: 5 } }),
];

/** A journal in close order (some trades closed at the same minute, pairs that gain and lose), and the ledger holding it. */
function journal(r: () => number, n: number, cash: string): Ledger {
  const trades: ClosedTrade[] = [];
  let at = T0;
  let realized = dec(0);
  for (let k = 0; k < n; k++) {
    at += r() < 0.15 ? 0 : Math.floor(1 + r() * 40) * MIN;
    const pnlPct = dec(((r() - 0.55) * 4).toFixed(8));
    const pnl = pnlPct.mul(r() < 0.1 ? 60 : 2);
    realized = realized.add(pnl);
    trades.push({
      symbol: SYMBOLS[Math.floor(r() * SYMBOLS.length)]!, strategy: 'sma-cross', quantity: dec(1), pnl, pnlPct,
      openedAt: at - 5 * MIN, closedAt: at, exitReason: REASONS[Math.floor(r() * REASONS.length)]!,
    });
  }
  return { ...newLedger(cash, T0), realizedPnl: realized, trades };
}

describe('screenedLocks', () => {
  it('gives deriveLocks\' locks at every lookback boundary and in between, on random journals', () => {
    const r = rng(77);
    let times = 0;
    let locked = 0;
    for (let run = 0; run < 240; run++) {
      const policy = POLICIES[run % POLICIES.length]!;
      const ledger = journal(r, 3 + Math.floor(r() * 30), run % 8 === 0 ? '150' : '10000');
      const p = policy.protections;
      const spans = [0, p.cooldown.lockMinutes, p.stoplossGuard.lookbackMinutes, p.maxDrawdown.lookbackMinutes, p.lowProfitPairs.lookbackMinutes];
      const at = new Set<number>();
      for (const t of ledger.trades!) for (const m of spans) for (const d of [-1, 0, 1, 7 * MIN]) at.add(t.closedAt + m * MIN + d);
      for (const now of at) {
        const expected = deriveLocks(ledger, policy, now);
        expect(screenedLocks(ledger, policy, now), `run ${run} at ${(now - T0) / MIN} min`).toEqual(expected);
        times++;
        if (expected.length) locked++;
      }
    }
    expect(times).toBeGreaterThan(20_000);
    expect(locked).toBeGreaterThan(times * 0.2);
    expect(locked).toBeLessThan(times * 0.9);
  });

  it('gives deriveLocks\' locks for a journal out of close order', () => {
    const policy = POLICIES[1]!;
    const ledger = journal(rng(5), 20, '10000');
    const shuffled: Ledger = { ...ledger, trades: [...ledger.trades!].reverse() };
    for (const t of ledger.trades!) expect(screenedLocks(shuffled, policy, t.closedAt + MIN)).toEqual(deriveLocks(shuffled, policy, t.closedAt + MIN));
  });
});
