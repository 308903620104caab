import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EXCHANGE_ERROR, ExchangeApiError } from '../../../shared/adapters/ccxt-errors.js';
import { CcxtExchange, createCcxtClient, type CcxtExchangeOptions, type CcxtOperation } from '../../../shared/adapters/ccxt-exchange.js';
import { StratusError } from '../../../shared/domain/errors.js';
import type { OrderRequest } from '../../../shared/domain/order.js';
import { FakeBinance, fault } from '../../support/fake-binance.js';

const ORDER = 'POST /api/v3/order';
const QUERY = 'GET /api/v3/order';
const CANCEL = 'DELETE /api/v3/order';
const ACCOUNT = 'GET /api/v3/account';
const INFO = 'GET /api/v3/exchangeInfo';
/** ccxt's request timeout in these tests; a 'slow after' fault longer than this times the call out. */
const TIMEOUT_MS = 250;

let fake: FakeBinance;
let sleeps: number[];
let n = 0;

function venue(options: CcxtExchangeOptions = {}): CcxtExchange {
  const client = createCcxtClient('binance', { apiKey: 'k', secret: 's' }, { restOrigin: fake.origin, rateLimit: false, timeoutMs: TIMEOUT_MS });
  return new CcxtExchange(client, {
    retry: { maxRetries: 3, retryBaseDelayMs: 100, retryMaxDelayMs: 1_000 }, retryBudgetMs: 10_000,
    sleep: async (ms) => { sleeps.push(ms); }, random: () => 0.5, ...options,
  });
}

beforeEach(async () => {
  fake = await FakeBinance.start({ apiKey: 'k', secret: 's', balances: { USDT: '1000', BTC: '0' } });
  sleeps = [];
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

describe('CcxtExchange retries reads', () => {
  it('retries a read refused with 429 after exactly the Retry-After the exchange gave', async () => {
    const ex = venue();
    await ex.loadMarket('BTC/USDT');
    fake.script(QUERY, fault.rateLimited(2));
    expect(await ex.fetchOrderByClientId('BTC/USDT', 'stx-none')).toBeUndefined();
    expect(fake.calls(QUERY)).toHaveLength(2);
    expect(sleeps).toEqual([2_000]);
  });

  it('gives up at once on a 418 whose ban outlasts the budget, with a retryable IP_BANNED', async () => {
    const ex = venue();
    fake.script(ACCOUNT, fault.ipBanned(120));
    const err = await failure(ex.fetchBalances());
    expect(err).toMatchObject({ code: EXCHANGE_ERROR.ipBanned, retryable: true, retryAfterMs: 120_000 });
    expect(fake.calls(ACCOUNT)).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('retries a read through a 5xx, a connection reset and a response slower than the timeout', async () => {
    const ex = venue();
    fake.script(ACCOUNT, fault.serverError(503), fault.reset(), fault.slow(TIMEOUT_MS * 3, 'after'));
    expect(await ex.fetchBalances()).toEqual({ USDT: { free: '1000', used: '0', total: '1000' } });
    expect(fake.calls(ACCOUNT)).toHaveLength(4);
    expect(sleeps).toEqual([50, 100, 200]);
  });

  it('throws the last retryable error once maxRetries retries have failed', async () => {
    const ex = venue();
    fake.script(ACCOUNT, fault.serverError(500), fault.serverError(500), fault.serverError(500), fault.serverError(503));
    const err = await failure(ex.fetchBalances());
    expect(err).toMatchObject({ retryable: true });
    expect([EXCHANGE_ERROR.unavailable, EXCHANGE_ERROR.operationFailed]).toContain(err.code);
    expect(fake.calls(ACCOUNT)).toHaveLength(4);
  });

  it('loads markets again after a failed load instead of replaying the failure', async () => {
    const ex = venue({ retry: { maxRetries: 0, retryBaseDelayMs: 1, retryMaxDelayMs: 1 } });
    fake.script(INFO, fault.serverError(503));
    await failure(ex.loadMarket('BTC/USDT'));
    expect((await ex.loadMarket('BTC/USDT')).symbol).toBe('BTC/USDT');
    expect(fake.calls(INFO)).toHaveLength(2);
  });

  it('recovers when the failed market load happened inside another call (ccxt would replay it forever)', async () => {
    const ex = venue({ retry: { maxRetries: 0, retryBaseDelayMs: 1, retryMaxDelayMs: 1 } });
    fake.script(INFO, fault.serverError(503));
    await failure(ex.fetchOrderByClientId('BTC/USDT', 'stx-none'));
    expect(await ex.fetchOrderByClientId('BTC/USDT', 'stx-none')).toBeUndefined();
    expect(fake.calls(INFO)).toHaveLength(2);
  });

  it('awaits beforeRequest before every attempt, retries included', async () => {
    const seen: CcxtOperation[] = [];
    const ex = venue({ beforeRequest: async (op) => { seen.push(op); } });
    fake.script(ACCOUNT, fault.rateLimited(1));
    await ex.fetchBalances();
    expect(seen).toEqual(['fetchBalance', 'fetchBalance']);
  });
});

describe('CcxtExchange never re-sends an order blindly', () => {
  it('re-sends an order refused with 429 (nothing executed) and places it exactly once', async () => {
    const ex = venue();
    const req = request();
    fake.script(ORDER, fault.rateLimited(1));
    const order = await ex.placeOrder(req);
    expect(order).toMatchObject({ status: 'closed', filledQuantity: '0.002' });
    expect(fake.calls(ORDER)).toHaveLength(2);
    expect(fake.ordersByClientId(req.clientOrderId)).toHaveLength(1);
    expect(sleeps).toEqual([1_000]);
  });

  it('gives up on a 418 with a retryable IP_BANNED that is not outcome-unknown (the exchange refused it)', async () => {
    const ex = venue();
    const req = request();
    fake.script(ORDER, fault.ipBanned(600));
    const err = await failure(ex.placeOrder(req));
    expect(err).toMatchObject({ code: EXCHANGE_ERROR.ipBanned, retryable: true, outcomeUnknown: false });
    expect(fake.ordersByClientId(req.clientOrderId)).toHaveLength(0);
  });

  it.each([
    { name: 'response lost after the exchange accepted it', f: fault.responseLost(), onExchange: 1 },
    { name: 'a 500 after the exchange executed it', f: fault.serverError(500, true), onExchange: 1 },
    { name: 'a 503 before the exchange executed it', f: fault.serverError(503, false), onExchange: 0 },
    { name: 'a connection reset before the exchange saw it', f: fault.reset(), onExchange: 0 },
    { name: 'a response slower than the timeout', f: fault.slow(TIMEOUT_MS * 3, 'after'), onExchange: 1 },
  ])('throws a retryable outcome-unknown error, sending once, on $name', async ({ f, onExchange }) => {
    const ex = venue();
    const req = request();
    fake.script(ORDER, f);
    const err = await failure(ex.placeOrder(req));
    expect(err).toMatchObject({ retryable: true, outcomeUnknown: true });
    expect(fake.calls(ORDER)).toHaveLength(1);
    expect(fake.ordersByClientId(req.clientOrderId)).toHaveLength(onExchange);
    // The caller resolves it by client id: found (and not sent again) or absent (safe to send).
    const found = await ex.fetchOrderByClientId('BTC/USDT', req.clientOrderId);
    expect(found === undefined ? 0 : 1).toBe(onExchange);
    if (found) {
      expect(found).toMatchObject({ status: 'closed', filledQuantity: '0.002' });
      expect(found.trades.map((t) => t.tradeId)).toEqual(fake.trades().map((t) => String(t.tradeId)));
      await failure(ex.placeOrder(req));
    } else {
      await ex.placeOrder(req);
    }
    expect(fake.ordersByClientId(req.clientOrderId)).toHaveLength(1);
  });

  it('knows a placement stopped by beforeRequest (e.g. the shared rate budget) never left: retries it, and never calls it outcome-unknown', async () => {
    const budget = () => new StratusError('RATE_BUDGET_EXHAUSTED', 'no weight left this minute', true);
    let refusals = 1;
    const ex = venue({ beforeRequest: async (op) => { if (op === 'createOrder' && refusals-- > 0) throw budget(); } });
    const req = request();
    expect(await ex.placeOrder(req)).toMatchObject({ status: 'closed' });
    expect(fake.ordersByClientId(req.clientOrderId)).toHaveLength(1);

    const never = venue({ beforeRequest: async (op) => { if (op === 'createOrder') throw budget(); } });
    const other = request();
    const err = await never.placeOrder(other).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'RATE_BUDGET_EXHAUSTED', retryable: true });
    expect((err as { outcomeUnknown?: boolean }).outcomeUnknown).not.toBe(true);
    expect(fake.ordersByClientId(other.clientOrderId)).toHaveLength(0);
  });

  it('maps a -2010 rejection to a permanent INSUFFICIENT_FUNDS and does not retry it', async () => {
    const ex = venue();
    fake.script(ORDER, fault.reject(-2010, 'Account has insufficient balance for requested action.'));
    const err = await failure(ex.placeOrder(request()));
    expect(err).toMatchObject({ code: EXCHANGE_ERROR.insufficientFunds, retryable: false, outcomeUnknown: false });
    expect(fake.calls(ORDER)).toHaveLength(1);
  });
});

describe('CcxtExchange on partial fills and fills made while the pipeline was down', () => {
  it('reports a partial fill as open with its trade, then the rest filled later by the exchange', async () => {
    const ex = venue();
    const req = request();
    fake.script(ORDER, fault.partialFill('0.4'));
    const placed = await ex.placeOrder(req);
    expect(placed).toMatchObject({ status: 'open', quantity: '0.002', filledQuantity: '0.0008' });
    expect(placed.trades).toHaveLength(1);

    const rest = fake.fillOrder(req.clientOrderId, { price: '50010' });
    const later = await ex.fetchOrderByClientId('BTC/USDT', req.clientOrderId);
    expect(later).toMatchObject({ status: 'closed', filledQuantity: '0.002' });
    expect(later?.trades.map((t) => [t.tradeId, t.quantity, t.price])).toEqual([
      [placed.trades[0]!.tradeId, '0.0008', '50000.1'], [String(rest.tradeId), '0.0012', '50010'],
    ]);
    const balances = await ex.fetchBalances();
    expect(balances.BTC?.total).toBe(fake.totals().BTC);
    expect(balances.USDT?.total).toBe(fake.totals().USDT);
  });

  it('sees a resting limit order that filled on the exchange side: closed, maker trade, balances moved', async () => {
    const ex = venue();
    const req = request({ type: 'limit', limitPrice: '49000', quantity: '0.001' });
    expect(await ex.placeOrder(req)).toMatchObject({ status: 'open', filledQuantity: '0' });
    fake.fillOrder(req.clientOrderId);
    expect(await ex.fetchOpenOrders('BTC/USDT')).toEqual([]);
    const filled = await ex.fetchOrderByClientId('BTC/USDT', req.clientOrderId);
    expect(filled).toMatchObject({ status: 'closed', filledQuantity: '0.001', averagePrice: '49000' });
    expect(filled?.trades[0]).toMatchObject({ liquidity: 'maker', fee: '0.000001', feeCurrency: 'BTC' });
    expect(await ex.fetchBalances()).toEqual({
      USDT: { free: '951', used: '0', total: '951' }, BTC: { free: '0.000999', used: '0', total: '0.000999' },
    });
  });
});

describe('CcxtExchange cancels', () => {
  it('returns the canceled order when a retried cancel finds our first attempt already took effect', async () => {
    const ex = venue();
    const req = request({ type: 'limit', limitPrice: '40000', quantity: '0.001' });
    await ex.placeOrder(req);
    fake.script(CANCEL, fault.responseLost());
    expect(await ex.cancelOrder('BTC/USDT', req.clientOrderId)).toMatchObject({ clientOrderId: req.clientOrderId, status: 'canceled' });
    expect(fake.calls(CANCEL)).toHaveLength(2);
    expect(fake.balance('USDT')).toEqual({ free: '1000', locked: '0' });
  });

  it('refuses to cancel an order that already filled with a permanent ORDER_NOT_FOUND', async () => {
    const ex = venue();
    const req = request();
    await ex.placeOrder(req);
    const err = await failure(ex.cancelOrder('BTC/USDT', req.clientOrderId));
    expect(err).toMatchObject({ code: EXCHANGE_ERROR.orderNotFound, retryable: false });
  });
});

describe('CcxtExchange against a lagging or misanswering exchange', () => {
  const HISTORY = 'GET /api/v3/allOrders';

  it('finds an order the direct query says does not exist in the closed-order history (allOrders), by client order id', async () => {
    const ex = venue();
    const placed = request();
    await ex.placeOrder(placed);
    fake.script(QUERY, fault.reject(-2013, 'Order does not exist.'));
    const found = await ex.fetchOrderByClientId('BTC/USDT', placed.clientOrderId);
    expect(found).toMatchObject({ clientOrderId: placed.clientOrderId, status: 'closed', filledQuantity: '0.002' });
    expect(found?.trades).toHaveLength(1);
    expect(fake.calls(HISTORY).map((r) => [r.params.symbol, r.params.limit])).toEqual([['BTCUSDT', '1000']]);
  });

  it('does not see an accepted order in either the order query or the history while the exchange lags, and sees it after', async () => {
    let now = 1_000_000;
    await fake.stop();
    fake = await FakeBinance.start({ apiKey: 'k', secret: 's', balances: { USDT: '1000', BTC: '0' }, now: () => now });
    fake.setQueryLag(() => 900_000);
    const ex = venue();
    const placed = request();
    expect((await ex.placeOrder(placed)).status).toBe('closed'); // the placement's own answer is not lagged
    now += 899_999;
    expect(await ex.fetchOrderByClientId('BTC/USDT', placed.clientOrderId)).toBeUndefined();
    expect(fake.calls(HISTORY)).toHaveLength(1); // both were asked
    expect(await ex.fetchOpenOrders('BTC/USDT')).toEqual([]);
    now += 1;
    expect(await ex.fetchOrderByClientId('BTC/USDT', placed.clientOrderId)).toMatchObject({ status: 'closed', filledQuantity: '0.002' });
  });

  it.each([
    ['a placement', ORDER],
    ['an order query', QUERY],
    ['a balance read', ACCOUNT],
  ])('maps Binance -1021 (timestamp outside recvWindow) on %s to a retryable EXCHANGE_CLOCK_SKEW, never a rejection', async (_what, route) => {
    const ex = venue({ retry: { maxRetries: 0, retryBaseDelayMs: 1, retryMaxDelayMs: 1 } });
    await ex.loadMarket('BTC/USDT');
    fake.script(route, fault.timestampOutsideRecvWindow());
    const call = route === ORDER ? ex.placeOrder(request()) : route === QUERY ? ex.fetchOrderByClientId('BTC/USDT', 'stx-none') : ex.fetchBalances();
    const err = await failure(call);
    expect(err).toMatchObject({ code: EXCHANGE_ERROR.clockSkew, retryable: true, outcomeUnknown: false });
  });

  it('re-sends a placement refused with -1021 at once (nothing was executed) and places it once', async () => {
    const ex = venue();
    const placed = request();
    fake.script(ORDER, fault.timestampOutsideRecvWindow());
    expect((await ex.placeOrder(placed)).status).toBe('closed');
    expect(fake.calls(ORDER)).toHaveLength(2);
    expect(fake.ordersByClientId(placed.clientOrderId)).toHaveLength(1);
  });

  it('never takes a placement answer that names another client order id as our order: outcome unknown, retryable', async () => {
    const ex = venue();
    const placed = request();
    fake.script(ORDER, fault.foreignClientOrderId('web_someone_else'));
    const err = await failure(ex.placeOrder(placed));
    expect(err).toMatchObject({ code: EXCHANGE_ERROR.unexpected, retryable: true, outcomeUnknown: true });
    expect(err.message).toMatch(/web_someone_else/);
    expect(fake.calls(ORDER)).toHaveLength(1); // not re-sent: it may have been placed (it was)
    expect(await ex.fetchOrderByClientId('BTC/USDT', placed.clientOrderId)).toMatchObject({ clientOrderId: placed.clientOrderId, status: 'closed' });
  });

  it('never takes an order query answer that names another client order id as our order', async () => {
    const ex = venue({ retry: { maxRetries: 0, retryBaseDelayMs: 1, retryMaxDelayMs: 1 } });
    const placed = request();
    await ex.placeOrder(placed);
    fake.script(QUERY, fault.foreignClientOrderId('web_someone_else'));
    expect(await failure(ex.fetchOrderByClientId('BTC/USDT', placed.clientOrderId))).toMatchObject({ code: EXCHANGE_ERROR.unexpected, retryable: true });
  });
});
