import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EXCHANGE_ERROR, ExchangeApiError } from '../../../shared/adapters/ccxt-errors.js';
import { CcxtExchange, createCcxtClient } from '../../../shared/adapters/ccxt-exchange.js';
import type { OrderRequest } from '../../../shared/domain/order.js';
import { FakeBinance } from '../../support/fake-binance.js';

let fake: FakeBinance;
let exchange: CcxtExchange;
let n = 0;

beforeEach(async () => {
  fake = await FakeBinance.start({ apiKey: 'k', secret: 's', balances: { USDT: '1000', BTC: '0' } });
  exchange = new CcxtExchange(createCcxtClient('binance', { apiKey: 'k', secret: 's' }, { restOrigin: fake.origin, rateLimit: false }));
});
afterEach(async () => {
  await fake.stop();
});

function request(over: Partial<OrderRequest> = {}): OrderRequest {
  const id = `stx${String(++n).padStart(32, '0')}`;
  return {
    orderId: id.slice(3), clientOrderId: id, intentId: `intent-${n}`, strategy: 'momentum', symbol: 'BTC/USDT', side: 'buy',
    kind: 'entry', type: 'market', quantity: '0.002', referencePrice: '50000', reservedNotional: '100', mode: 'LIVE',
    policyHash: 'hash', createdAt: 0, ...over,
  };
}

async function failure(promise: Promise<unknown>): Promise<ExchangeApiError> {
  const err = await promise.then(() => undefined, (x: unknown) => x);
  expect(err).toBeInstanceOf(ExchangeApiError);
  return err as ExchangeApiError;
}

describe('CcxtExchange against the fake Binance', () => {
  it('loads market rules from exchangeInfo filters as decimal strings', async () => {
    expect(await exchange.loadMarket('BTC/USDT')).toEqual({
      symbol: 'BTC/USDT', base: 'BTC', quote: 'USDT', amountStep: '0.00001', priceStep: '0.01', minAmount: '0.00001',
      minNotional: '5', takerFeeRate: '0.001', makerFeeRate: '0.001',
    });
    expect(fake.calls('GET /api/v3/exchangeInfo')).toHaveLength(1);
    expect(fake.requests.map((r) => r.route)).toEqual(['GET /api/v3/exchangeInfo']);
  });

  it('refuses a symbol the exchange does not list with a permanent BAD_SYMBOL', async () => {
    const err = await failure(exchange.loadMarket('DOGE/USDT'));
    expect(err.code).toBe(EXCHANGE_ERROR.badSymbol);
    expect(err.retryable).toBe(false);
  });

  it('places a market order with our client id and maps the FULL response fills', async () => {
    const req = request();
    const order = await exchange.placeOrder(req);

    const [sent] = fake.calls('POST /api/v3/order');
    expect(sent?.params).toMatchObject({
      symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: '0.002', newClientOrderId: req.clientOrderId, newOrderRespType: 'FULL',
    });
    expect(sent?.params).not.toHaveProperty('quoteOrderQty');
    // Fake fills at the ask, 50000.10; commission 0.1% of the BTC received.
    expect(order).toMatchObject({
      clientOrderId: req.clientOrderId, symbol: 'BTC/USDT', side: 'buy', type: 'market', status: 'closed',
      quantity: '0.002', filledQuantity: '0.002', averagePrice: '50000.1',
    });
    expect(order.trades).toEqual([{
      tradeId: '5000', price: '50000.1', quantity: '0.002', fee: '0.000002', feeCurrency: 'BTC', liquidity: 'taker', time: order.time,
    }]);
    expect(fake.balance('BTC').free).toBe('0.001998');
  });

  it('fetches an order by client id with its trades', async () => {
    const req = request();
    const placed = await exchange.placeOrder(req);
    const fetched = await exchange.fetchOrderByClientId('BTC/USDT', req.clientOrderId);

    expect(fake.calls('GET /api/v3/order').at(-1)?.params.origClientOrderId).toBe(req.clientOrderId);
    expect(fetched).toMatchObject({
      exchangeOrderId: placed.exchangeOrderId, clientOrderId: req.clientOrderId, status: 'closed', filledQuantity: '0.002',
      averagePrice: '50000.1',
    });
    expect(fetched?.trades.map(({ tradeId, price, quantity, fee, feeCurrency }) => ({ tradeId, price, quantity, fee, feeCurrency })))
      .toEqual([{ tradeId: '5000', price: '50000.1', quantity: '0.002', fee: '0.000002', feeCurrency: 'BTC' }]);
  });

  it('returns undefined for a client id the exchange never saw', async () => {
    expect(await exchange.fetchOrderByClientId('BTC/USDT', 'stx-never-sent')).toBeUndefined();
  });

  it("maps Binance's -2010 for the client id of an OPEN order to a permanent DUPLICATE_ORDER", async () => {
    const req = request({ type: 'limit', limitPrice: '40000.00', quantity: '0.001' });
    await exchange.placeOrder(req);
    // As in a race with a concurrent placement: our look-up does not see the first order yet.
    fake.faults['GET /api/v3/order'] = () => ({ kind: 'respond', status: 400, body: { code: -2013, msg: 'Order does not exist.' } });
    const err = await failure(exchange.placeOrder(req));

    expect(fake.calls('POST /api/v3/order')).toHaveLength(2);
    expect(err.code).toBe(EXCHANGE_ERROR.duplicateOrder);
    expect(err.retryable).toBe(false);
    expect(fake.orders).toHaveLength(1);
  });

  it('refuses to re-send the client id of a FILLED order, which Binance itself would accept', async () => {
    const req = request();
    await exchange.placeOrder(req);
    const err = await failure(exchange.placeOrder(req));
    expect(err.code).toBe(EXCHANGE_ERROR.duplicateOrder);
    expect(err.retryable).toBe(false);
    expect(fake.calls('POST /api/v3/order')).toHaveLength(1);
  });

  it('maps an insufficient balance to a permanent INSUFFICIENT_FUNDS', async () => {
    const err = await failure(exchange.placeOrder(request({ quantity: '0.05' })));
    expect(err.code).toBe(EXCHANGE_ERROR.insufficientFunds);
    expect(err.retryable).toBe(false);
  });

  it('refuses an order under the market minimum notional before sending it', async () => {
    // 0.00009 x 50000 = 4.5 < 5
    const err = await failure(exchange.placeOrder(request({ quantity: '0.00009' })));
    expect(err.code).toBe(EXCHANGE_ERROR.belowMinimum);
    expect(fake.calls('POST /api/v3/order')).toHaveLength(0);
  });

  it('lists, then cancels, a resting limit order by client id', async () => {
    const req = request({ type: 'limit', limitPrice: '40000.00', quantity: '0.001' });
    const placed = await exchange.placeOrder(req);
    expect(placed).toMatchObject({ status: 'open', limitPrice: '40000', filledQuantity: '0', trades: [] });
    expect((await exchange.fetchOpenOrders('BTC/USDT')).map((o) => o.clientOrderId)).toEqual([req.clientOrderId]);
    expect(await exchange.fetchBalances()).toEqual({ USDT: { free: '960', used: '40', total: '1000' } });

    const canceled = await exchange.cancelOrder('BTC/USDT', req.clientOrderId);
    expect(canceled).toMatchObject({ clientOrderId: req.clientOrderId, status: 'canceled' });
    expect(await exchange.fetchOpenOrders()).toEqual([]);
  });

  it('maps a wrong API key to a permanent EXCHANGE_AUTH_FAILED', async () => {
    const wrong = new CcxtExchange(createCcxtClient('binance', { apiKey: 'nope', secret: 's' }, { restOrigin: fake.origin, rateLimit: false }));
    const err = await failure(wrong.fetchBalances());
    expect(err.code).toBe(EXCHANGE_ERROR.authFailed);
    expect(err.retryable).toBe(false);
  });
});
