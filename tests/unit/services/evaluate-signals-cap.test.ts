import { describe, expect, it } from 'vitest';
import { evaluateSignals } from '../../../shared/services/evaluate-signals.js';
import { validatePolicy } from '../../../shared/domain/policy.js';
import { buildWorld, heartbeat, seedSymbol, setPolicy, trend } from './support.js';

const SYMBOLS = ['BTC/USDT', 'ETH/USDT', 'SOL/USDT', 'XRP/USDT', 'ADA/USDT'];

describe('the signal cycle caps its intents at signals.maxIntentsPerCycle', () => {
  it('sends at most the cap, the highest-scored entries, and reports the dropped ones', async () => {
    const w = buildWorld();
    await setPolicy(w, { symbols: SYMBOLS, strategies: [{ name: 'momentum', params: {} }], signals: { maxIntentsPerCycle: 2 } });
    // Each symbol rises faster than the one before: momentum scores them in that order.
    for (const [i, s] of SYMBOLS.entries()) await seedSymbol(w, s, trend(31, 0.0012 * (i + 1), 100 * (i + 1)));
    await heartbeat(w);
    const cycle = await evaluateSignals(w);
    expect(cycle.intents.map((i) => i.symbol)).toEqual(['XRP/USDT', 'ADA/USDT']);
    expect(w.signals.sent.map((m) => m.body.symbol)).toEqual(['XRP/USDT', 'ADA/USDT']);
    expect(cycle.dropped.map((d) => d.symbol)).toEqual(['SOL/USDT', 'ETH/USDT', 'BTC/USDT']);
  });

  it('refuses a cap below 1 or above 10 000', () => {
    for (const bad of [0, 10_001]) expect(validatePolicy({ signals: { maxIntentsPerCycle: bad } }).ok).toBe(false);
    expect(validatePolicy({ signals: { maxIntentsPerCycle: 10_000 } }).ok).toBe(true);
  });
});
