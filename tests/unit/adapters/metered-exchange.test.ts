import { describe, expect, it } from 'vitest';
import { MeteredExchange, meteredVenues, type ExchangeEndpoint, type ExchangeMeter } from '../../../shared/adapters/metered-exchange.js';
import { StratusError } from '../../../shared/domain/errors.js';
import type { Exchange } from '../../../shared/ports.js';

function recorder() {
  const calls: { endpoint: ExchangeEndpoint; ms: number; fault: boolean }[] = [];
  const meter: ExchangeMeter = { record: (endpoint, ms, fault) => void calls.push({ endpoint, ms, fault }) };
  return { calls, meter };
}

const failing = (error: unknown): Exchange => ({
  id: 'fake',
  loadMarket: async () => { throw error; },
  placeOrder: async () => { throw error; },
  fetchOrderByClientId: async () => undefined,
  fetchOpenOrders: async () => [],
  cancelOrder: async () => { throw error; },
  fetchBalances: async () => ({ USDT: { free: '1', used: '0', total: '1' } }),
});

describe('MeteredExchange', () => {
  it('records each call with its endpoint and wall time, and passes the result through', async () => {
    const { calls, meter } = recorder();
    let t = 100;
    const ex = new MeteredExchange(failing(new Error('x')), meter, () => (t += 7));
    expect(await ex.fetchBalances()).toEqual({ USDT: { free: '1', used: '0', total: '1' } });
    expect(await ex.fetchOpenOrders('BTC/USDT')).toEqual([]);
    expect(calls).toEqual([{ endpoint: 'fetchBalances', ms: 7, fault: false }, { endpoint: 'fetchOpenOrders', ms: 7, fault: false }]);
  });

  it.each([
    ['a foreign error (network)', true, new Error('socket hang up')],
    ['a retryable Stratus error (exchange unavailable)', true, new StratusError('EXCHANGE_UNAVAILABLE', 'down', true)],
    ['a permanent venue refusal', false, new StratusError('INSUFFICIENT_FUNDS', 'no', false)],
    ['our own rate budget running out', false, new StratusError('RATE_BUDGET_EXHAUSTED', 'wait', true)],
  ])('records %s with exchangeFault=%s and rethrows it', async (_label, fault, error) => {
    const { calls, meter } = recorder();
    const ex = new MeteredExchange(failing(error), meter);
    await expect(ex.placeOrder({} as never)).rejects.toBe(error);
    expect(calls).toEqual([{ endpoint: 'placeOrder', ms: expect.any(Number), fault }]);
  });

  it('wraps each venue once, so the same venue always comes back as the same metered exchange', () => {
    const venue = failing(new Error('x'));
    const lookup = meteredVenues(() => venue, recorder().meter);
    expect(lookup()).toBe(lookup());
    expect(lookup()).not.toBe(venue);
  });
});
