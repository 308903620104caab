import { describe, expect, it } from 'vitest';
import type { ClosedTrade, Ledger } from '../../../shared/domain/ledger.js';
import { dec } from '../../../shared/domain/money.js';
import {
  activeLocks, cooldownLocks, deriveLocks, lowProfitPairLocks, maxDrawdownLocks, stoplossGuardLocks,
} from '../../../shared/domain/protections.js';
import { ledger, MIN, NOW, policyWith, trade } from './risk-fixtures.js';

const stop = (symbol: string, minutesAgo: number, pnl = '-10') => trade(symbol, NOW - minutesAgo * MIN, { exitReason: 'stop-loss', pnl: dec(pnl) });
const SL = { enabled: true, lookbackMinutes: 1440, lockMinutes: 360, tradeLimit: 3, perPair: false };
const DD = { enabled: true, lookbackMinutes: 2880, lockMinutes: 720, maxDrawdownPct: 8 };
const LP = { enabled: true, lookbackMinutes: 2880, lockMinutes: 720, tradeLimit: 3, requiredProfitPct: 0 };
const scopes = (locks: { scope: string }[]) => locks.map((l) => l.scope).sort();

describe('stoplossGuard', () => {
  it("locks '*' from the newest of tradeLimit stop-outs in the lookback for lockMinutes", () => {
    const locks = stoplossGuardLocks([stop('BTC/USDT', 60), stop('ETH/USDT', 30), stop('SOL/USDT', 10)], SL, NOW);
    expect(locks).toEqual([expect.objectContaining({ scope: '*', protection: 'stoplossGuard', createdAt: NOW - 10 * MIN, until: NOW + 350 * MIN })]);
  });

  it.each([
    ['2 stop-outs', [stop('A/B', 60), stop('A/B', 30)], 0],
    ['the oldest exactly lookback ago (outside)', [stop('A/B', 1440), stop('A/B', 30), stop('A/B', 10)], 0],
    ['the oldest lookback less 1 ms ago (inside)', [trade('A/B', NOW - 1440 * MIN + 1, { exitReason: 'stop-loss' }), stop('A/B', 30), stop('A/B', 10)], 1],
    ['a losing trailing stop counts', [stop('A/B', 60), stop('A/B', 30), trade('A/B', NOW - MIN, { exitReason: 'trailing-stop', pnl: dec('-1') })], 1],
    ['a winning trailing stop does not', [stop('A/B', 60), stop('A/B', 30), trade('A/B', NOW - MIN, { exitReason: 'trailing-stop', pnl: dec('5') })], 0],
    ['a losing signal exit does not', [stop('A/B', 60), stop('A/B', 30), trade('A/B', NOW - MIN, { pnl: dec('-5') })], 0],
    ['a stop closed after now is not seen', [stop('A/B', 60), stop('A/B', 30), stop('A/B', -1)], 0],
  ])('%s → %i lock(s)', (_label, trades: ClosedTrade[], n) => {
    expect(stoplossGuardLocks(trades, SL, NOW)).toHaveLength(n);
  });

  it('per pair locks only the pairs that reached the limit', () => {
    const trades = [stop('BTC/USDT', 50), stop('ETH/USDT', 40), stop('BTC/USDT', 30), stop('ETH/USDT', 20), stop('BTC/USDT', 10)];
    expect(scopes(stoplossGuardLocks(trades, { ...SL, perPair: true }, NOW))).toEqual(['BTC/USDT']);
    expect(scopes(stoplossGuardLocks(trades, SL, NOW))).toEqual(['*']);
  });

  it('the lock ends exactly lockMinutes after the newest stop-out', () => {
    const p = policyWith({ protections: { stoplossGuard: SL } });
    const at = (minutesAgo: number) => ledger({ trades: [stop('A/B', minutesAgo + 2), stop('A/B', minutesAgo + 1), stop('A/B', minutesAgo)] });
    expect(deriveLocks(at(360), p, NOW).filter((l) => l.protection === 'stoplossGuard')).toEqual([]);
    expect(deriveLocks(at(359), p, NOW).filter((l) => l.protection === 'stoplossGuard')).toHaveLength(1);
  });
});

describe('maxDrawdown', () => {
  const account = (realized: string): Ledger => ledger({ realizedPnl: dec(realized) });
  const pnl = (minutesAgo: number, v: string) => trade('A/B', NOW - minutesAgo * MIN, { pnl: dec(v) });

  it("locks '*' when equity along the window's trades fell maxDrawdownPct from its running peak", () => {
    const trades = [pnl(30, '100'), pnl(20, '-500'), pnl(10, '-500')]; // 10 000 → 10 100 → 9 100: 9.9%
    expect(maxDrawdownLocks(account('-900'), trades, DD, NOW)).toEqual([
      expect.objectContaining({ scope: '*', protection: 'maxDrawdown', createdAt: NOW - 10 * MIN, until: NOW + 710 * MIN }),
    ]);
    expect(maxDrawdownLocks(account('-700'), [pnl(30, '100'), pnl(20, '-400'), pnl(10, '-400')], DD, NOW)).toEqual([]); // 7.9%
  });

  it('measures against account equity, not against the profits (a small giveback of a small profit is no drawdown)', () => {
    expect(maxDrawdownLocks(account('-50'), [pnl(20, '100'), pnl(10, '-150')], DD, NOW)).toEqual([]); // 1.5%, not 150%
  });

  it('measures from the realized equity before the window, so earlier losses make the same trades a larger drawdown', () => {
    const trades = [pnl(30, '100'), pnl(20, '-250'), pnl(10, '-250')];
    expect(maxDrawdownLocks(account('-400'), trades, DD, NOW)).toEqual([]); // 10 000 → 10 100 → 9 600: 4.95%
    expect(maxDrawdownLocks(account('-5400'), trades, DD, NOW)).toHaveLength(1); // 5 000 → 5 100 → 4 600: 9.8%
  });

  it('ignores a loss closed exactly lookback ago', () => {
    expect(maxDrawdownLocks(account('-1000'), [pnl(2880, '-1000')], DD, NOW)).toEqual([]);
    expect(maxDrawdownLocks(account('-1000'), [pnl(2879, '-1000')], DD, NOW)).toHaveLength(1);
  });
});

describe('lowProfitPairs', () => {
  const pct = (symbol: string, minutesAgo: number, v: string) => trade(symbol, NOW - minutesAgo * MIN, { pnlPct: dec(v) });

  it('locks a pair whose tradeLimit trades in the lookback sum below requiredProfitPct, from its newest trade', () => {
    const locks = lowProfitPairLocks([pct('BTC/USDT', 30, '-1'), pct('BTC/USDT', 20, '0.5'), pct('BTC/USDT', 10, '0.2'), pct('ETH/USDT', 5, '-9')], LP, NOW);
    expect(locks).toEqual([expect.objectContaining({ scope: 'BTC/USDT', protection: 'lowProfitPairs', createdAt: NOW - 10 * MIN, until: NOW + 710 * MIN })]);
  });

  it.each([
    ['a sum exactly at requiredProfitPct', [pct('A/B', 30, '-1'), pct('A/B', 20, '0.5'), pct('A/B', 10, '0.5')], 0],
    ['too few trades', [pct('A/B', 20, '-5'), pct('A/B', 10, '-5')], 0],
    ['a loser closed exactly lookback ago falls out', [pct('A/B', 2880, '-5'), pct('A/B', 20, '1'), pct('A/B', 10, '1'), pct('A/B', 5, '0')], 0],
    ['the same loser 1 ms later is in', [trade('A/B', NOW - 2880 * MIN + 1, { pnlPct: dec('-5') }), pct('A/B', 20, '1'), pct('A/B', 10, '1'), pct('A/B', 5, '0')], 1],
  ])('%s → %i lock(s)', (_label, trades: ClosedTrade[], n) => {
    expect(lowProfitPairLocks(trades, LP, NOW)).toHaveLength(n);
  });
});

describe('cooldown', () => {
  it('locks a pair for lockMinutes after its newest exit', () => {
    const trades = [trade('BTC/USDT', NOW - 10 * MIN), trade('BTC/USDT', NOW - 5 * MIN), trade('ETH/USDT', NOW - 20 * MIN)];
    expect(cooldownLocks(trades, { enabled: true, lockMinutes: 15 }, NOW)).toEqual([
      expect.objectContaining({ scope: 'BTC/USDT', protection: 'cooldown', createdAt: NOW - 5 * MIN, until: NOW + 10 * MIN }),
    ]);
  });

  it('ends exactly lockMinutes after the exit', () => {
    expect(cooldownLocks([trade('A/B', NOW - 15 * MIN)], { enabled: true, lockMinutes: 15 }, NOW)).toEqual([]);
    expect(cooldownLocks([trade('A/B', NOW - 15 * MIN + 1)], { enabled: true, lockMinutes: 15 }, NOW)).toHaveLength(1);
  });
});

describe('deriveLocks and activeLocks', () => {
  const trades = [stop('BTC/USDT', 30), stop('BTC/USDT', 20), stop('BTC/USDT', 10)];

  it('derive only the enabled protections', () => {
    const all = deriveLocks(ledger({ trades }), policyWith(), NOW);
    expect(all.map((l) => `${l.protection}:${l.scope}`).sort()).toEqual(['cooldown:BTC/USDT', 'stoplossGuard:*']);
    const off = policyWith({ protections: { stoplossGuard: { ...SL, enabled: false }, cooldown: { enabled: false, lockMinutes: 15 } } });
    expect(deriveLocks(ledger({ trades }), off, NOW)).toEqual([]);
  });

  it('add the stored locks still running and drop the expired ones', () => {
    const stored = [
      { scope: 'ETH/USDT', protection: 'manual', reason: 'r', createdAt: 0, until: NOW + 1 },
      { scope: 'SOL/USDT', protection: 'manual', reason: 'r', createdAt: 0, until: NOW },
    ];
    expect(scopes(activeLocks(ledger({ trades, locks: stored }), policyWith(), NOW))).toEqual(['*', 'BTC/USDT', 'ETH/USDT']);
  });
});

describe('deriveLocks reuses its last result only while it still holds', () => {
  it('a lock that appears when a winner leaves the lookback shows at once (no stale reuse)', () => {
    // Winner 2,870 min ago, two small losers after it: Σ pnlPct > 0 (no lock) until the winner leaves at +10 min.
    const trades = [
      trade('BTC/USDT', NOW - 2870 * MIN, { pnlPct: dec('3') }),
      trade('BTC/USDT', NOW - 60 * MIN, { pnlPct: dec('-1') }),
      trade('BTC/USDT', NOW - 30 * MIN, { pnlPct: dec('-1') }),
    ];
    const p = policyWith({ protections: { lowProfitPairs: { ...LP, tradeLimit: 2 } } });
    const l = { ...ledger(), trades };
    expect(deriveLocks(l, p, NOW)).toEqual([]);
    expect(deriveLocks(l, p, NOW + 9 * MIN)).toEqual([]);
    expect(scopes(deriveLocks(l, p, NOW + 10 * MIN))).toEqual(['BTC/USDT']);
    expect(deriveLocks(l, p, NOW + 5 * MIN)).toEqual([]);
  });

  it('gives the same locks as a fresh derivation at every minute of a day (cached or not)', () => {
    const trades = [stop('BTC/USDT', 300), stop('ETH/USDT', 200, '-400'), stop('BTC/USDT', 100), trade('ETH/USDT', NOW - 50 * MIN, { pnl: dec('-300'), pnlPct: dec('-2') })];
    const p = policyWith({ protections: { stoplossGuard: { ...SL, lookbackMinutes: 400, lockMinutes: 90 }, maxDrawdown: { ...DD, lookbackMinutes: 500 }, lowProfitPairs: { ...LP, lookbackMinutes: 350, tradeLimit: 1 }, cooldown: { enabled: true, lockMinutes: 45 } } });
    const l = { ...ledger(), trades };
    const seen = new Set<string>();
    for (let m = 0; m < 1440; m++) {
      const now = NOW + m * MIN;
      const cached = deriveLocks(l, p, now);
      const fresh = deriveLocks({ ...l, trades: [...trades] }, p, now);
      expect(cached).toEqual(fresh);
      seen.add(scopes(cached).join(','));
    }
    expect(seen.size).toBeGreaterThanOrEqual(2);
  });
});
