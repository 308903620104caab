import { beforeEach, describe, expect, it } from 'vitest';
import { decideIntent } from '../../../shared/services/decide-intent.js';
import { buildWorld, intentFor, latestClose, seedMarket, setPolicy, UNPACED, type World } from './support.js';

const BTC = 'BTC/USDT';
let w: World;
beforeEach(async () => {
  w = buildWorld();
  await seedMarket(w, BTC, '49999.99', '50000'); // one closed candle of volume 1 BTC
});

describe('the risk decision and execution.slicing', () => {
  it('attaches a slice plan to an approved order above the threshold of the recent volume, stored with the decision', async () => {
    await setPolicy(w, { symbols: [BTC], ...UNPACED, execution: { slicing: { enabled: true, thresholdPctOfRecentVolume: 0.1, slices: 4, intervalSeconds: 30 } } });
    const decision = await decideIntent(w, intentFor(BTC, 'entry', latestClose(w.clock.now())));
    // 0.004 BTC > 0.1 % of 1 BTC: four children of 0.001 (50 USDT each, above the minimum notional)
    expect(decision.order).toMatchObject({ quantity: '0.004', slices: ['0.001', '0.001', '0.001', '0.001'], sliceIntervalSeconds: 30 });
    expect((await w.state.getDecision(decision.intentId))?.order?.slices).toEqual(['0.001', '0.001', '0.001', '0.001']);
  });

  it('leaves an order within the threshold whole', async () => {
    await setPolicy(w, { symbols: [BTC], ...UNPACED, execution: { slicing: { enabled: true, thresholdPctOfRecentVolume: 1 } } });
    const decision = await decideIntent(w, intentFor(BTC, 'entry', latestClose(w.clock.now())));
    expect(decision.approved).toBe(true);
    expect(decision.order?.slices).toBeUndefined();
  });

  it('leaves every order whole with slicing off (the default)', async () => {
    await setPolicy(w, { symbols: [BTC], ...UNPACED, execution: { slicing: { thresholdPctOfRecentVolume: 0.1 } } });
    const decision = await decideIntent(w, intentFor(BTC, 'entry', latestClose(w.clock.now())));
    expect(decision.approved).toBe(true);
    expect(decision.order?.slices).toBeUndefined();
  });
});
