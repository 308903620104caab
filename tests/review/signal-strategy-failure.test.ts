import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { defineStrategy } from '../../shared/domain/strategy-define.js';
import { registerStrategy } from '../../shared/domain/strategy.js';
import { evaluateSignals } from '../../shared/services/evaluate-signals.js';
import { buildWorld, editLedger, heartbeat, ledgerHolding, M, seedSymbol, setPolicy, trend } from '../unit/services/support.js';

const BTC = 'BTC/USDT';
const ETH = 'ETH/USDT';

registerStrategy(defineStrategy({
  name: 'review-nan-score', params: z.strictObject({}), requiredCandles: 5,
  evaluate: () => ({ side: 'buy', kind: 'entry', score: Number.NaN, reason: 'broken' }),
}), 'tests/review/signal-strategy-failure.test.ts');

describe('the signal cycle when one user strategy breaks its contract', () => {
  it('still sends the stop-loss exit and the other strategies\' intents; the broken pair is skipped with why', async () => {
    const w = buildWorld();
    await setPolicy(w, {
      symbols: [BTC, ETH], exits: { stopLossPct: -5 },
      strategies: [{ name: 'review-nan-score', symbols: [BTC] }, { name: 'momentum', symbols: [ETH] }],
    });
    await editLedger(w, () => ledgerHolding(ETH, '0.1', '5000', w.clock.now() - 60 * M));
    await seedSymbol(w, BTC, trend(40, 0.001, 45_000));
    await seedSymbol(w, ETH, [...trend(40, 0.0012, 45_000), 47_000]); // −6 % from the 50 000 average cost
    await heartbeat(w);
    const cycle = await evaluateSignals(w);
    expect(cycle.intents.map((i) => [i.symbol, i.strategy, i.reason])).toEqual([[ETH, 'risk-exit', 'stop-loss']]);
    expect(cycle.skipped).toContainEqual({ symbol: BTC, strategy: 'review-nan-score', reason: expect.stringMatching(/^strategy failed: .*score must be a finite number/) });
  });
});
