import { describe, expect, it } from 'vitest';
import { lockEventAt } from '../../../shared/backtest/lock-events.js';
import { newLedger, withLocks, type ClosedTrade, type Ledger } from '../../../shared/domain/ledger.js';
import { dec } from '../../../shared/domain/money.js';
import { validatePolicy, type Policy } from '../../../shared/domain/policy.js';
import { deriveLocks } from '../../../shared/domain/protections.js';

// The engine refreshes protection locks only at lockEventAt. Between a refresh and that time, the metrics cycle's
// lock step must leave the ledger exactly as it is, at every moment — checked here at every time a lock or
// lookback boundary could matter (and just before and after it) on random journals, refresh after refresh.

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
    cooldown: { enabled: false, lockMinutes: 15 },
    stoplossGuard: { enabled: false, lookbackMinutes: 60, lockMinutes: 30, tradeLimit: 2, perPair: false },
    maxDrawdown: { enabled: true, lookbackMinutes: 120, lockMinutes: 500, maxDrawdownPct: 2 },
    lowProfitPairs: { enabled: true, lookbackMinutes: 240, lockMinutes: 600, tradeLimit: 3, requiredProfitPct: 0.5 },
  }),
  policyOf({
    maxDrawdown: { enabled: false, lookbackMinutes: 120, lockMinutes: 500, maxDrawdownPct: 2 },
    lowProfitPairs: { enabled: true, lookbackMinutes: 120, lockMinutes: 40, tradeLimit: 2, requiredProfitPct: 0.5 },
  }),
];

/** A journal of `n` trades in close order (some closed at the same minute) and the ledger holding it. */
function journal(r: () => number, n: number, cash: string): Ledger {
  const trades: ClosedTrade[] = [];
  let at = T0;
  let realized = dec(0);
  for (let k = 0; k < n; k++) {
    at += r() < 0.15 ? 0 : Math.floor(1 + r() * 40) * MIN;
    const pnlPct = dec(((r() - 0.55) * 4).toFixed(8));
    const pnl = pnlPct.mul(r() < 0.1 ? 60 : 2);
    realized = realized.add(pnl);
    const symbol = SYMBOLS[Math.floor(r() * SYMBOLS.length)]!;
    trades.push({ symbol, strategy: 'sma-cross', quantity: dec(1), pnl, pnlPct, openedAt: at - 5 * MIN, closedAt: at, exitReason: REASONS[Math.floor(r() * REASONS.length)]! });
  }
  return { ...newLedger(cash, T0), realizedPnl: realized, trades };
}

/** Every time at which a lock could run out or a trade leave a lookback, with its neighbours, in (from, to). */
function probes(ledger: Ledger, policy: Policy, from: number, to: number): number[] {
  const p = policy.protections;
  const spans = [p.cooldown.lockMinutes, p.stoplossGuard.lookbackMinutes, p.maxDrawdown.lookbackMinutes, p.lowProfitPairs.lookbackMinutes];
  const times = new Set<number>();
  for (const t of ledger.trades ?? []) for (const m of spans) times.add(t.closedAt + m * MIN);
  for (const l of ledger.locks ?? []) times.add(l.until);
  const out: number[] = [];
  for (const t of times) for (const x of [t - 1, t, t + 1]) if (x > from && x < to) out.push(x);
  return out.sort((a, b) => a - b);
}

describe('lockEventAt', () => {
  it('leaves the lock step nothing to change before it, refresh after refresh, on random journals', () => {
    const r = rng(2024);
    let refreshes = 0;
    let changed = 0;
    for (let run = 0; run < 300; run++) {
      const policy = POLICIES[run % POLICIES.length]!;
      let ledger = journal(r, 5 + Math.floor(r() * 30), run % 10 === 0 ? '150' : '10000');
      let now = ledger.trades!.at(-1)!.closedAt;
      ledger = withLocks(ledger, deriveLocks(ledger, policy, now), now);
      for (let k = 0; k < 40 && Number.isFinite(now); k++) {
        const next = lockEventAt(ledger, policy, now);
        for (const t of probes(ledger, policy, now, Math.min(next, now + 10_000 * MIN))) {
          expect(withLocks(ledger, deriveLocks(ledger, policy, t), t), `run ${run}, t ${(t - T0) / MIN} min, event ${(next - T0) / MIN}`).toBe(ledger);
        }
        if (!Number.isFinite(next)) break;
        const refreshed = withLocks(ledger, deriveLocks(ledger, policy, next), next);
        if (refreshed !== ledger) changed++;
        ledger = refreshed;
        now = next;
        refreshes++;
      }
    }
    // The walks mean something: many refreshes, most of which change the locks.
    expect(refreshes).toBeGreaterThan(800);
    expect(changed).toBeGreaterThan(refreshes * 0.5);
  });

  it('counts every drawdown departure when the window\'s equity is not positive (a suffix can then draw down further)', () => {
    const base = policyOf({
      cooldown: { enabled: false, lockMinutes: 15 }, stoplossGuard: { enabled: false, lookbackMinutes: 60, lockMinutes: 30, tradeLimit: 2, perPair: false },
      lowProfitPairs: { enabled: false, lookbackMinutes: 60, lockMinutes: 30, tradeLimit: 2, requiredProfitPct: 0 },
    });
    // A limit no validated policy has (the schema's cap is 100 %), for a runner given its policy object directly.
    const policy: Policy = { ...base, protections: { ...base.protections, maxDrawdown: { enabled: true, lookbackMinutes: 60, lockMinutes: 1000, maxDrawdownPct: 120 } } };
    const trade = (closedAt: number, pnl: string): ClosedTrade => ({
      symbol: 'BTC/USDT', strategy: 'sma-cross', quantity: dec(1), pnl: dec(pnl), pnlPct: dec(-1), openedAt: closedAt - MIN, closedAt, exitReason: 'signal',
    });
    // Equity 1000 → 10 → −5: 100.5 % below the peak of 1000, no lock; once the first trade leaves, 150 % below 10.
    let ledger: Ledger = { ...newLedger('1000', T0), realizedPnl: dec(-1005), trades: [trade(T0, '-990'), trade(T0 + 10 * MIN, '-15')] };
    const now = T0 + 10 * MIN;
    ledger = withLocks(ledger, deriveLocks(ledger, policy, now), now);
    expect(ledger.locks ?? []).toEqual([]);
    const leaves = T0 + 60 * MIN;
    expect(withLocks(ledger, deriveLocks(ledger, policy, leaves), leaves).locks).toMatchObject([{ scope: '*', protection: 'maxDrawdown' }]);
    expect(lockEventAt(ledger, policy, now)).toBeLessThanOrEqual(leaves);
  });

  it('sees a lowProfitPairs lock that appears when the pair\'s winner leaves the lookback', () => {
    const policy = POLICIES[1]!;
    const trade = (closedAt: number, pnlPct: string): ClosedTrade => ({
      symbol: 'BTC/USDT', strategy: 'sma-cross', quantity: dec(1), pnl: dec(pnlPct), pnlPct: dec(pnlPct), openedAt: closedAt - MIN, closedAt, exitReason: 'signal',
    });
    // +3 %, then −1 % twice: 1 % over the 90-minute lookback; once the winner leaves (T0 + 90 min), −2 % over 2 trades locks the pair.
    const trades = [trade(T0, '3'), trade(T0 + 10 * MIN, '-1'), trade(T0 + 20 * MIN, '-1')];
    let ledger: Ledger = { ...newLedger('10000', T0), realizedPnl: dec(1), trades };
    const now = T0 + 20 * MIN + 7 * MIN;
    ledger = withLocks(ledger, deriveLocks(ledger, policy, now), now);
    expect(ledger.locks ?? []).toEqual([]);
    expect(lockEventAt(ledger, policy, now)).toBe(T0 + 90 * MIN);
    expect(withLocks(ledger, deriveLocks(ledger, policy, T0 + 90 * MIN), T0 + 90 * MIN).locks).toMatchObject([{ scope: 'BTC/USDT', protection: 'lowProfitPairs' }]);
  });
});
