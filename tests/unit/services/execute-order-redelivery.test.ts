import { beforeEach, describe, expect, it } from 'vitest';
import { newOrderRecord } from '../../../shared/domain/order.js';
import { executeOrder } from '../../../shared/services/execute-order.js';
import { approve, buildWorld, intentFor, latestClose, seedMarket, setPolicy, UNPACED, type World } from './support.js';

const BTC = 'BTC/USDT';
const ETH = 'ETH/USDT';
const UNKNOWN = 'NOPE/USDT';
let w: World;

beforeEach(async () => {
  w = buildWorld();
  await setPolicy(w, { ...UNPACED, symbols: [BTC, ETH] });
  await seedMarket(w, BTC, '49999.99', '50000');
  await seedMarket(w, ETH, '2999.99', '3000');
});

describe('executeOrder on a redelivered message that disagrees with the stored order', () => {
  it('sends a stored PAPER order on the paper venue when its redelivery claims mode LIVE', async () => {
    const request = await approve(w, intentFor(BTC, 'entry', latestClose(w.clock.now())));
    await w.state.createOrder(newOrderRecord(request, w.clock.now())); // the first delivery died after the record
    const record = await executeOrder(w, { ...request, mode: 'LIVE' });
    expect(record).toMatchObject({ status: 'FILLED', mode: 'PAPER', symbol: BTC });
    expect(w.placements).toEqual([request.clientOrderId]);
  });

  it('loads the stored order\'s market, not the one a redelivery names, for its limit price', async () => {
    await setPolicy(w, { ...UNPACED, symbols: [BTC, ETH], execution: { orderType: 'limit', limitOffsetBps: 10 } });
    const request = await approve(w, intentFor(BTC, 'entry', latestClose(w.clock.now())));
    await w.state.createOrder(newOrderRecord(request, w.clock.now()));
    const record = await executeOrder(w, { ...request, symbol: UNKNOWN });
    expect(record.symbol).toBe(BTC);
    expect(record.limitPrice).toBe('49950');
  });
});
