import { describe, expect, it } from 'vitest';
import { intentsAt } from '../../../shared/backtest/decisions.js';
import { newSimState } from '../../../shared/backtest/sim-state.js';
import type { Intent } from '../../../shared/domain/intent.js';
import { evaluateSignals } from '../../../shared/services/evaluate-signals.js';
import { buildWorld, editLedger, heartbeat, ledgerHolding, M, seedSymbol, setPolicy, trend } from './support.js';

const BTC = 'BTC/USDT';
const ETH = 'ETH/USDT';
const same = (i: Intent) => ({
  intentId: i.intentId, symbol: i.symbol, side: i.side, kind: i.kind, strategy: i.strategy, reason: i.reason,
  score: i.score, referencePrice: i.referencePrice, candleCloseTime: i.candleCloseTime,
});

describe('the pipeline and the backtest agree on a position the policy dropped', () => {
  it.each([
    ['its symbol', { symbols: [ETH], exits: { stopLossPct: -5 } }],
    ['its symbol and its strategy', { symbols: [ETH], strategies: [{ name: 'sma-cross', params: {} }], exits: { stopLossPct: -5 } }],
  ])('without %s, both judge its stop-loss under the policy in force and run no strategy on it', async (_label, document) => {
    const w = buildWorld();
    const loaded = await setPolicy(w, document);
    const ledger = await editLedger(w, () => ledgerHolding(BTC, '0.1', '5000', w.clock.now() - 60 * M));
    const candles = await seedSymbol(w, BTC, [...trend(30, 0.0012, 45_000), 47_000]); // −6 % from the 50 000 average cost
    await heartbeat(w);
    const pipeline = (await evaluateSignals(w)).intents;

    const state = newSimState(loaded.policy, [...loaded.policy.symbols, BTC], candles[0]!.openTime);
    state.ledger = ledger;
    state.seen.set(BTC, candles);
    const backtest = intentsAt(state, { symbol: BTC, last: candles.at(-1)!, policy: loaded.policy, policyHash: loaded.hash });

    expect(pipeline.map(same)).toEqual(backtest.map(same));
    expect(backtest.map((i) => [i.strategy, i.reason])).toEqual([['risk-exit', 'stop-loss']]);
  });
});
