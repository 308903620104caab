import { beforeEach, describe, expect, it } from 'vitest';
import { decideIntent } from '../../../shared/services/decide-intent.js';
import { buildWorld, intentFor, latestClose, seedMarket, setPolicy, UNPACED, type World } from './support.js';

const BTC = 'BTC/USDT';
const ETH = 'ETH/USDT';
let w: World;

beforeEach(async () => {
  w = buildWorld();
  await setPolicy(w, { ...UNPACED, symbols: [BTC] });
  await seedMarket(w, BTC, '49999.99', '50000');
  await seedMarket(w, ETH, '2999.99', '3000'); // still streamed (e.g. held), but no longer traded
});

describe('an entry intent outside the policy in force', () => {
  it('rejects an entry on a symbol the policy does not list (SYMBOL_NOT_TRADED): nothing reserved, no order', async () => {
    const decision = await decideIntent(w, intentFor(ETH, 'entry', latestClose(w.clock.now())));
    expect(decision.approved).toBe(false);
    expect(decision.reasons.map((r) => r.code)).toEqual(['SYMBOL_NOT_TRADED']);
    expect(w.orders.sent).toEqual([]);
  });
});

describe('an entry intent from a strategy the policy does not run', () => {
  it('rejects an entry from a strategy the policy does not list on a listed symbol (SYMBOL_NOT_TRADED)', async () => {
    const decision = await decideIntent(w, { ...intentFor(BTC, 'entry', latestClose(w.clock.now())), strategy: 'sma-cross' });
    expect(decision.reasons.map((r) => r.code)).toEqual(['SYMBOL_NOT_TRADED']);
    expect(w.orders.sent).toEqual([]);
  });

  it('still judges an exit on a symbol the policy dropped (positions keep their exits)', async () => {
    const decision = await decideIntent(w, intentFor(ETH, 'exit', latestClose(w.clock.now())));
    expect(decision.reasons.map((r) => r.code)).not.toContain('SYMBOL_NOT_TRADED');
  });
});
