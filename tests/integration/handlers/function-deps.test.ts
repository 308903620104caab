/**
 * The deployed functions' own wiring (functions/<name>/deps.ts): risk and metrics may not read the exchange secret,
 * and their LIVE venues never ask Secrets Manager for it, whatever call reaches them; signal has no venue at all.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultPolicy, type Policy } from '../../../shared/domain/policy.js';
import type { OrderRequest } from '../../../shared/domain/order.js';
import { ENV } from '../../../shared/resources.js';

let server: Server;
const secretRequests: string[] = [];
const saved = { ...process.env };
const live: Policy = { ...defaultPolicy(), mode: 'LIVE' };
const order: OrderRequest = {
  orderId: 'd'.repeat(32), clientOrderId: `stx${'d'.repeat(32)}`, intentId: 'intent-d', strategy: 'momentum', symbol: 'BTC/USDT',
  side: 'buy', kind: 'entry', type: 'market', quantity: '0.001', referencePrice: '50000', reservedNotional: '50', mode: 'LIVE',
  policyHash: 'hash', createdAt: 0,
};

beforeAll(async () => {
  // Stands where Secrets Manager would be: it records every request and answers with the keys.
  server = createServer((req, res) => {
    secretRequests.push(String(req.headers['x-amz-target']));
    res.setHeader('content-type', 'application/x-amz-json-1.1');
    res.end(JSON.stringify({ SecretString: JSON.stringify({ apiKey: 'k', secret: 's' }) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const loopback = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  Object.assign(process.env, {
    [ENV.marketTable]: 't-market', [ENV.stateTable]: 't-state', [ENV.policyTable]: 't-policy', [ENV.idempotencyTable]: 't-idem',
    [ENV.signalsQueueUrl]: 'http://127.0.0.1:9/q/signals.fifo', [ENV.ordersQueueUrl]: 'http://127.0.0.1:9/q/orders.fifo',
    [ENV.alertTopicArn]: 'arn:aws:sns:us-east-1:000000000000:alerts', [ENV.exchangeSecretArn]: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:exchange',
    AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_ENDPOINT_URL_SECRETS_MANAGER: loopback,
  });
});

afterAll(async () => {
  for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
  Object.assign(process.env, saved);
  await new Promise((resolve) => server?.close(resolve));
});

describe('the deployed functions build only their own ports', () => {
  it('risk refuses a keyed call on its LIVE venue without reading the exchange secret', async () => {
    const { riskDeps } = await import('../../../functions/risk/deps.js');
    const venue = riskDeps().exchangeFor(live);
    await expect(venue.placeOrder(order)).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
    await expect(venue.fetchBalances()).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
    expect(secretRequests).toEqual([]);
  });

  it('metrics refuses every call on its LIVE venue (LIVE cancels go to execution) without reading the exchange secret', async () => {
    const { metricsDeps } = await import('../../../functions/metrics/deps.js');
    const venue = metricsDeps().exchangeFor(live, 'LIVE');
    await expect(venue.cancelOrder('BTC/USDT', order.clientOrderId)).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
    await expect(venue.fetchOrderByClientId('BTC/USDT', order.clientOrderId)).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
    expect(metricsDeps().cancels).toBeDefined();
    expect(secretRequests).toEqual([]);
  });

  it('signal has no venue, only the REST candle fetcher of degraded mode', async () => {
    const { signalDeps } = await import('../../../functions/signal/deps.js');
    expect('exchangeFor' in signalDeps()).toBe(false);
    expect(signalDeps().candleFetcherFor).toBeTypeOf('function');
  });
});
