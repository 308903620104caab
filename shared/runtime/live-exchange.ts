/**
 * The LIVE venue and the REST candle fetcher, with ccxt loaded on first use (`await import()`): a function
 * whose normal path never calls the exchange (signal, risk on PAPER, metrics, report) does not pay
 * ccxt's module initialisation at cold start.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { MarketInfo } from '../domain/market.js';
import type { OrderRequest } from '../domain/order.js';
import type { Policy } from '../domain/policy.js';
import type { CandleFetcher } from '../services/stream-backfill.js';
import type { Clock, Exchange } from '../ports.js';
import type { CcxtExchange, createCcxtClient } from '../adapters/ccxt-exchange.js';
import { DynamoRateLimiter } from '../adapters/dynamo-rate-limiter.js';
import { loadExchangeCredentials } from '../adapters/exchange-credentials.js';
import { chargeCcxtRequests } from '../adapters/rate-limited-exchange.js';
import type { StratusConfig } from './config.js';
import { ConfigError } from './errors.js';

type CcxtModule = typeof import('../adapters/ccxt-exchange.js');

let ccxtModule: Promise<CcxtModule> | undefined;

/** ccxt-exchange.ts (and with it ccxt), imported once, on the first call that needs it. */
function loadCcxt(): Promise<CcxtModule> {
  return (ccxtModule ??= import('../adapters/ccxt-exchange.js'));
}

/**
 * The ccxt venue, with API keys fetched from Secrets Manager on first use. Every request attempt (retries
 * included) first takes its weight from the account's per-minute budget in the state table, shared by
 * every invocation (one API key, one egress IP).
 */
export function liveExchange(config: StratusConfig, policy: Policy, shared: { client: DynamoDBDocumentClient; clock: Clock }): Exchange {
  const arn = config.exchangeSecretArn;
  if (!arn) throw new ConfigError('mode LIVE needs EXCHANGE_SECRET_ARN');
  let ready: Promise<Exchange> | undefined;
  let publicVenue: Promise<Exchange> | undefined;
  const limiter = new DynamoRateLimiter({
    tableName: config.tables.state, ...shared, key: policy.exchange.id, budget: policy.exchange.rateLimitWeightPerMinute,
  });
  const paced = (ccxt: CcxtModule, client: ReturnType<typeof createCcxtClient>): CcxtExchange => new ccxt.CcxtExchange(client, {
    retry: policy.exchange, beforeRequest: chargeCcxtRequests(limiter, () => client.markets !== undefined),
  });
  const get = () => (ready ??= Promise.all([loadCcxt(), loadExchangeCredentials(arn)])
    .then(([ccxt, c]) => paced(ccxt, ccxt.createCcxtClient(policy.exchange.id, c))));
  return {
    id: policy.exchange.id,
    // Market rules are public: the risk function sizes orders without ever reading the API keys.
    loadMarket: async (symbol: string): Promise<MarketInfo> =>
      (await (publicVenue ??= loadCcxt().then((ccxt) => paced(ccxt, ccxt.createCcxtClient(policy.exchange.id))))).loadMarket(symbol),
    placeOrder: async (request: OrderRequest) => (await get()).placeOrder(request),
    fetchOrderByClientId: async (symbol: string, id: string) => (await get()).fetchOrderByClientId(symbol, id),
    fetchOpenOrders: async (symbol?: string) => (await get()).fetchOpenOrders(symbol),
    cancelOrder: async (symbol: string, id: string) => (await get()).cancelOrder(symbol, id),
    fetchBalances: async () => (await get()).fetchBalances(),
  };
}

/** REST candle fetchers by exchange id (the signal function's degraded mode); ccxt-backfill.ts loads on the first fetch. */
export function lazyCandleFetcherFor(): (exchangeId: string) => CandleFetcher {
  let fetcherFor: Promise<(exchangeId: string) => CandleFetcher> | undefined;
  return (exchangeId) => ({
    fetchClosedCandles: async (symbol, timeframe, from, to) => {
      fetcherFor ??= import('../adapters/ccxt-backfill.js').then((m) => m.ccxtCandleFetcherFor());
      return (await fetcherFor)(exchangeId).fetchClosedCandles(symbol, timeframe, from, to);
    },
  });
}
