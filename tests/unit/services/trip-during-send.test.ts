import { beforeEach, describe, expect, it } from 'vitest';
import { tripKillSwitch } from '../../../shared/domain/kill-switch.js';
import type { Policy } from '../../../shared/domain/policy.js';
import { newOrderRecord, transitionOrder, type TradingMode } from '../../../shared/domain/order.js';
import type { Exchange } from '../../../shared/ports.js';
import { cancelOpenEntries } from '../../../shared/services/cancel-entries.js';
import { executeOrder } from '../../../shared/services/execute-order.js';
import { approve, buildWorld, intentFor, latestClose, seedMarket, setPolicy, storedLedger, UNPACED, type World } from './support.js';

const BTC = 'BTC/USDT';
let w: World;

beforeEach(async () => {
  w = buildWorld();
  await setPolicy(w, { ...UNPACED, symbols: [BTC], execution: { orderType: 'limit', limitOffsetBps: 10 } });
  await seedMarket(w, BTC, '49999.99', '50000');
});

/** The venue, except that the kill switch trips (and its sweep runs) while a placement is on its way. */
function tripDuringPlacement(world: World): World['exchangeFor'] {
  const base = world.exchangeFor;
  return ((policy: Policy, mode?: TradingMode) => {
    const venue = base(policy, mode);
    return new Proxy(venue, {
      get(target, key) {
        if (key === 'placeOrder') {
          return async (...args: Parameters<Exchange['placeOrder']>) => {
            const ks = await world.state.getKillSwitch();
            await world.state.putKillSwitch(tripKillSwitch(ks?.value, { reason: 'test', by: 'operator', at: world.clock.now() }), ks?.version ?? 0);
            const sweep = await cancelOpenEntries(world, policy, 1); // finds the entry SUBMITTING and not shown yet
            expect(sweep.unresolved).toHaveLength(1);
            return target.placeOrder(...args);
          };
        }
        const v = Reflect.get(target, key, target) as unknown;
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
  }) as World['exchangeFor'];
}

describe('a kill-switch trip while an entry is being sent', () => {
  it('cancels a resting limit entry the exchange accepted after the switch tripped, releasing its reservation', async () => {
    const request = await approve(w, intentFor(BTC, 'entry', latestClose(w.clock.now())));
    const record = await executeOrder({ ...w, exchangeFor: tripDuringPlacement(w) }, request);
    expect(record).toMatchObject({ status: 'CANCELED', filledQuantity: '0' });
    expect((await storedLedger(w)).value.reservations).toEqual({});
  });
});

describe('a kill-switch trip before a redelivery finds its entry on the exchange', () => {
  it('cancels a resting entry a redelivery finds placed after the switch tripped (the sweep saw it not shown)', async () => {
    const request = await approve(w, intentFor(BTC, 'entry', latestClose(w.clock.now())));
    const at = w.clock.now();
    await w.state.createOrder(transitionOrder(newOrderRecord(request, at), 'SUBMITTING', at));
    const ks = await w.state.getKillSwitch();
    await w.state.putKillSwitch(tripKillSwitch(ks?.value, { reason: 'test', by: 'operator', at }), ks?.version ?? 0);
    const { policy } = await w.policies.load();
    expect((await cancelOpenEntries(w, policy, 1)).unresolved).toHaveLength(1); // not on the exchange yet
    await w.exchangeFor(policy).placeOrder({ ...request, type: 'limit', limitPrice: '49950' }); // the lagging send lands
    const record = await executeOrder(w, request);
    expect(record).toMatchObject({ status: 'CANCELED', filledQuantity: '0' });
    expect((await storedLedger(w)).value.reservations).toEqual({});
  });
});
