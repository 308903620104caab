import { describe, expect, it } from 'vitest';
import { intentsAt } from '../../../shared/backtest/decisions.js';
import { newSimState } from '../../../shared/backtest/sim-state.js';
import { RISK_EXIT_STRATEGY } from '../../../shared/domain/exits.js';
import { dec } from '../../../shared/domain/money.js';
import { signalScope } from '../../../shared/domain/signal-scope.js';
import { candles, HOUR, T0, testPolicy } from '../backtest/fixtures.js';

const BTC = 'BTC/USDT';
const ETH = 'ETH/USDT';
const SOL = 'SOL/USDT';

describe('signalScope', () => {
  it('walks the policy symbols, then held symbols the policy dropped, which get risk exits only', () => {
    const policy = testPolicy({
      symbols: [ETH, BTC],
      strategies: [{ name: 'sma-cross', params: { fast: 2, slow: 3 } }, { name: 'momentum', symbols: [ETH], params: {} }],
    });
    const scope = signalScope(policy, [SOL, BTC, 'ADA/USDT']);
    expect(scope.symbols).toEqual([ETH, BTC, 'ADA/USDT', SOL]);
    expect(scope.exitOnly).toEqual(['ADA/USDT', SOL]);
    expect([ETH, BTC, SOL].map((s) => scope.mayEnter(s))).toEqual([true, true, false]);
    expect(scope.strategiesOn(ETH)).toEqual([0, 1]);
    expect(scope.strategiesOn(BTC)).toEqual([0]);
    expect(scope.strategiesOn(SOL)).toEqual([]);
    expect([scope.symbolsOf(0), scope.symbolsOf(1)]).toEqual([[ETH, BTC], [ETH]]);
  });

  it('runs no disabled strategy and no strategy on a symbol the policy does not list, even if the strategy names it', () => {
    const policy = testPolicy({ symbols: [BTC], strategies: [{ name: 'sma-cross', enabled: false, params: { fast: 2, slow: 3 } }] });
    const scope = signalScope({ ...policy, strategies: [...policy.strategies, { ...policy.strategies[0]!, enabled: true, symbols: [BTC, SOL] }] }, [SOL]);
    expect(scope.strategiesOn(BTC)).toEqual([1]);
    expect(scope.strategiesOn(SOL)).toEqual([]);
    expect(scope.symbolsOf(0)).toEqual([]);
  });
});

describe('the backtest signal step (intentsAt) under the same scope', () => {
  it('judges the stop-loss of a position in a symbol the policy no longer lists, and runs no strategy on it', () => {
    const policy = testPolicy({ symbols: [BTC], exits: { stopLossPct: -5, takeProfitPct: null } });
    const series = candles(ETH, [100, 100, 100, 100, 94]);
    const state = newSimState(policy, [BTC, ETH], T0);
    state.seen.set(ETH, series);
    state.ledger = { ...state.ledger, positions: { [ETH]: { symbol: ETH, quantity: dec(1), costBasis: dec(100), openedAt: T0, strategy: 'gone' } } };
    const intents = intentsAt(state, { symbol: ETH, last: series.at(-1)!, policy, policyHash: 'h' });
    expect(intents.map((i) => [i.symbol, i.strategy, i.side, i.kind, i.reason])).toEqual([[ETH, RISK_EXIT_STRATEGY, 'sell', 'exit', 'stop-loss']]);
    expect(intents[0]!.candleCloseTime).toBe(T0 + 5 * HOUR);
  });
});
