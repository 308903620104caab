import { beforeEach, describe, expect, it } from 'vitest';
import type { Policy } from '../../../shared/domain/policy.js';
import { decideIntent } from '../../../shared/services/decide-intent.js';
import { buildWorld, intentFor, latestClose, seedMarket, setPolicy, UNPACED, type World } from './support.js';

const BTC = 'BTC/USDT';
const DAY = 86_400_000;

/** The world's ports with the policy in force stamped LIVE since `since` (as the gated policy store does), on the paper venue. */
function liveSince(w: World, since: number) {
  return {
    ...w,
    policies: { load: async () => ({ ...(await w.policies.load()), liveSince: since }), write: w.policies.write.bind(w.policies) },
    exchangeFor: (policy: Policy) => w.exchangeFor({ ...policy, mode: 'PAPER' }, 'PAPER'),
  };
}

let w: World;
beforeEach(async () => {
  w = buildWorld();
  await setPolicy(w, { mode: 'LIVE', liveTradingConfirmed: true, symbols: [BTC], ...UNPACED, goLive: { canary: { stakeCapQuote: '60', days: 7 } } });
  await seedMarket(w, BTC, '49999.99', '50000');
});

describe('decideIntent during the go-live canary', () => {
  it('caps a LIVE entry at goLive.canary.stakeCapQuote within the canary days from the first LIVE policy', async () => {
    const decision = await decideIntent(liveSince(w, w.clock.now() - DAY), intentFor(BTC, 'entry', latestClose(w.clock.now())));
    expect(decision).toMatchObject({ approved: true, mode: 'LIVE', quantity: '0.00119' });
    expect(Number(decision.order!.reservedNotional)).toBeLessThanOrEqual(60);
  });

  it('sizes as usual once the canary days are over', async () => {
    const decision = await decideIntent(liveSince(w, w.clock.now() - 8 * DAY), intentFor(BTC, 'entry', latestClose(w.clock.now())));
    expect(decision).toMatchObject({ approved: true, quantity: '0.004' });
  });
});
