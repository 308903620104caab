import { describe, expect, it } from 'vitest';
import { MemoryMarketStore } from '../../../shared/adapters/memory-market-store.js';
import { MemoryPolicyStore } from '../../../shared/adapters/memory-policy-store.js';
import { renderTrades, tradesView } from '../../../shared/cli/trades-command.js';
import { newLedger, type Ledger } from '../../../shared/domain/ledger.js';
import { dec } from '../../../shared/domain/money.js';
import type { Policy } from '../../../shared/domain/policy.js';
import type { Exchange } from '../../../shared/ports.js';
import { LIVE_DEFAULT_SYMBOLS, PaperOnlyError, paperOnly, settlePolicy, warmupOf } from '../../../shared/local/live-market.js';

const T = Date.UTC(2026, 0, 5, 10, 0);
const clock = { now: () => T };

describe('stratus start --live: the policy it runs under', () => {
  it('writes the default symbols on a first start, keeps the stored policy on a plain restart, writes the next version when asked', async () => {
    const policies = new MemoryPolicyStore({ clock });
    const first = await settlePolicy({ policies }, {}, T);
    expect(first).toMatchObject({ written: true, version: 1 });
    expect(first.policy.symbols).toEqual([...LIVE_DEFAULT_SYMBOLS]);
    expect(await settlePolicy({ policies }, {}, T)).toMatchObject({ written: false, version: 1 });
    const asked = await settlePolicy({ policies }, { symbols: ['ETH/USDT'] }, T);
    expect(asked).toMatchObject({ written: true, version: 2 });
    expect(asked.policy.symbols).toEqual(['ETH/USDT']);
  });

  it('refuses to run under a LIVE policy (it would sign and send orders)', async () => {
    const policies = new MemoryPolicyStore({ clock, validation: { exchangeKeysConfigured: true } });
    await expect(settlePolicy({ policies }, { policy: { mode: 'LIVE', liveTradingConfirmed: true }, symbols: ['BTC/USDT'] }, T))
      .rejects.toThrow(/paper-trades on live data only: the policy in force has mode LIVE/);
  });

  it('backfills at least the warm-up of every enabled strategy (disabled ones do not count)', () => {
    const strategies = [
      { name: 'sma-cross', enabled: true, params: { fast: 2, slow: 4 } }, { name: 'momentum', enabled: false, params: { lookback: 300 } },
    ] as Policy['strategies'];
    expect(warmupOf({ strategies })).toBe(5);
    expect(warmupOf({ strategies: strategies.map((x) => ({ ...x, enabled: true })) })).toBe(301);
  });

  it('never hands out the LIVE venue, whatever the order or policy asks', () => {
    const paper = {} as Exchange;
    const exchangeFor = paperOnly(() => paper);
    expect(exchangeFor({ mode: 'PAPER' } as Policy)).toBe(paper);
    expect(() => exchangeFor({ mode: 'PAPER' } as Policy, 'LIVE')).toThrow(PaperOnlyError);
    expect(() => exchangeFor({ mode: 'LIVE' } as Policy)).toThrow(PaperOnlyError);
  });
});

describe('stratus trades', () => {
  const ledger: Ledger = {
    ...newLedger('1000', T),
    realizedPnl: dec('4.5'), feesPaid: dec('0.3'),
    positions: { 'ETH/USDT': { symbol: 'ETH/USDT', quantity: dec('0.1'), costBasis: dec('300.3'), openedAt: T, strategy: 'momentum' } },
    trades: [
      { symbol: 'BTC/USDT', strategy: 'sma-cross', quantity: dec('0.002'), pnl: dec('5'), pnlPct: dec('5.0123456'), openedAt: T - 3_600_000, closedAt: T - 60_000, exitReason: 'take-profit' },
      { symbol: 'BTC/USDT', strategy: 'sma-cross', quantity: dec('0.002'), pnl: dec('-0.5'), pnlPct: dec('-0.5'), openedAt: T - 7_200_000, closedAt: T - 3_700_000, exitReason: 'signal' },
    ],
  };

  it('lists closed round trips and open positions marked at the stored bid, with the totals', async () => {
    const market = new MemoryMarketStore();
    await market.putTopOfBook({ symbol: 'ETH/USDT', bid: '3100', ask: '3100.1', time: T });
    const view = await tradesView(ledger, market);
    expect(view.open).toEqual([{
      symbol: 'ETH/USDT', strategy: 'momentum', openedAt: '2026-01-05T10:00:00Z', quantity: '0.1', costBasis: '300.3', averageEntry: '3003',
      mark: '3100', unrealizedPnl: '9.7',
    }]);
    expect(view.closed[0]).toMatchObject({ pnl: '5', pnlPct: '5.0123', exitReason: 'take-profit', closedAt: '2026-01-05T09:59:00Z' });
    expect(view.totals).toEqual({ realizedPnl: '4.5', feesPaid: '0.3', unrealizedPnl: '9.7', wins: 1, losses: 1 });
    const text = renderTrades(view);
    expect(text).toContain('closed round trips: 2 (1 won, 1 lost)');
    expect(text).toMatch(/2026-01-05T10:00:00Z\s+ETH\/USDT\s+momentum\s+0\.1\s+3003\s+300\.3\s+3100\s+9\.7/);
  });

  it('shows an open position without a book as unmarked, and an empty ledger as nothing', async () => {
    expect((await tradesView(ledger, new MemoryMarketStore())).open[0]).not.toHaveProperty('mark');
    expect(renderTrades(await tradesView(undefined))).toBe('closed round trips: 0 (0 won, 0 lost)\nno closed trades\n\nopen positions: 0\nno open positions\n\n'
      + 'realized PnL 0 (fees paid 0), unrealized PnL 0\n');
  });
});
