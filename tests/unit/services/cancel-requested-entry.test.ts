import { beforeEach, describe, expect, it } from 'vitest';
import type { EntryCancelRequest } from '../../../shared/domain/decision.js';
import { resetKillSwitch, tripKillSwitch, type KillSwitchState } from '../../../shared/domain/kill-switch.js';
import { newOrderRecord, type OrderRequest } from '../../../shared/domain/order.js';
import { cancelRequestedEntry } from '../../../shared/services/cancel-entries.js';
import { approve, buildWorld, intentFor, latestClose, M, seedMarket, setPolicy, UNPACED, type World } from './support.js';

const BTC = 'BTC/USDT';
let w: World;

beforeEach(async () => {
  w = buildWorld();
  await setPolicy(w, { ...UNPACED, symbols: [BTC] });
  await seedMarket(w, BTC, '49999.99', '50000');
});

async function storedEntry(): Promise<OrderRequest> {
  const request = await approve(w, intentFor(BTC, 'entry', latestClose(w.clock.now())));
  await w.state.createOrder(newOrderRecord(request, w.clock.now()));
  return request;
}

function cancelOf(o: OrderRequest, tripCount: number): EntryCancelRequest {
  return { instruction: 'cancel-entry', orderId: o.orderId, clientOrderId: o.clientOrderId, symbol: o.symbol, tripCount, requestedAt: w.clock.now() };
}

async function edit(change: (s: KillSwitchState | undefined) => KillSwitchState) {
  const ks = await w.state.getKillSwitch();
  await w.state.putKillSwitch(change(ks?.value), ks?.version ?? 0);
}

describe('a routed cancel-entry instruction', () => {
  it('ignores a cancel naming trip 0 while the switch has never tripped: the entry stays NEW', async () => {
    const entry = await storedEntry();
    expect(await cancelRequestedEntry(w, cancelOf(entry, 0))).toBe('IGNORED');
    expect((await w.state.getOrder(entry.orderId))?.value.status).toBe('NEW');
  });

  it('ignores an old trip\'s cancel for an entry decided after the switch was re-armed', async () => {
    await edit((s) => tripKillSwitch(s, { reason: 'test', by: 'operator', at: w.clock.now() }));
    await edit((s) => resetKillSwitch(s, { reason: 'fixed', by: 'operator', at: w.clock.now(), cooldownSeconds: 0 }));
    w.clock.advance(M);
    const entry = await storedEntry();
    expect(await cancelRequestedEntry(w, cancelOf(entry, 1))).toBe('IGNORED');
    expect((await w.state.getOrder(entry.orderId))?.value.status).toBe('NEW');
  });

  it('still cancels an entry the named trip covers', async () => {
    const entry = await storedEntry();
    await edit((s) => tripKillSwitch(s, { reason: 'test', by: 'operator', at: w.clock.now() }));
    expect(await cancelRequestedEntry(w, cancelOf(entry, 1))).toBe('CANCELED');
  });
});
