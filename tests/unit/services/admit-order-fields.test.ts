import { beforeEach, describe, expect, it } from 'vitest';
import type { OrderRequest } from '../../../shared/domain/order.js';
import { executeOrder } from '../../../shared/services/execute-order.js';
import { approve, buildWorld, intentFor, latestClose, seedMarket, setPolicy, UNPACED, type World } from './support.js';

const BTC = 'BTC/USDT';
let w: World;

beforeEach(async () => {
  w = buildWorld();
  await setPolicy(w, { ...UNPACED, symbols: [BTC] });
  await seedMarket(w, BTC, '49999.99', '50000');
});

const altered: [string, (o: OrderRequest) => OrderRequest][] = [
  ['strategy', (o) => ({ ...o, strategy: 'sma-cross' })],
  ['reservedNotional', (o) => ({ ...o, reservedNotional: '1' })],
  ['createdAt', (o) => ({ ...o, createdAt: o.createdAt + 86_400_000 })],
  ['exitReason', (o) => ({ ...o, exitReason: 'stop-loss' })],
];

describe('an order that matches its approved decision in all but one field', () => {
  it.each(altered)('refuses an entry whose %s differs from the decision (DECISION_MISMATCH), never placed', async (field, alter) => {
    const request = await approve(w, intentFor(BTC, 'entry', latestClose(w.clock.now())));
    const record = await executeOrder(w, alter(request));
    expect(record).toMatchObject({ status: 'REJECTED', rejectReason: 'DECISION_MISMATCH' });
    expect(record.history.at(-1)?.note).toContain(field);
    expect(w.placements).toEqual([]);
  });

  it('places the decision\'s own order, its reserved notional written with other trailing zeros', async () => {
    const request = await approve(w, intentFor(BTC, 'entry', latestClose(w.clock.now())));
    expect((await executeOrder(w, { ...request, reservedNotional: `${request.reservedNotional}${request.reservedNotional.includes('.') ? '' : '.'}000` })).status).toBe('FILLED');
  });
});
