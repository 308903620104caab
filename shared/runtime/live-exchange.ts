/**
 * The LIVE venue, with ccxt loaded on first use (`await import()`): risk on PAPER never pays ccxt's module
 * initialisation. Only functions with a LIVE venue import this file (esbuild bundles every import() target of a
 * bundled file, called or not); the REST candle fetcher is in rest-candles.ts.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { MarketInfo } from '../domain/market.js';
import type { OrderRequest } from '../domain/order.js';
import type { Policy } from '../domain/policy.js';
import type { Clock, Exchange } from '../ports.js';
import type { CcxtExchange, createCcxtClient } from '../adapters/ccxt-exchange.js';
import { DynamoRateLimiter } from '../adapters/dynamo-rate-limiter.js';
import { loadExchangeCredentials, type ExchangeCredentials } from '../adapters/exchange-credentials.js';
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
  return ccxtVenue(config, policy, shared, () => loadExchangeCredentials(arn));
}

/**
 * The ccxt venue of a function that holds no API keys (risk): market rules, which are public, and nothing else —
 * every keyed call throws. Its bundle then has no Secrets Manager client.
 */
export function marketRulesExchange(config: StratusConfig, policy: Policy, shared: { client: DynamoDBDocumentClient; clock: Clock }): Exchange {
  return ccxtVenue(config, policy, shared);
}

function ccxtVenue(
  config: StratusConfig, policy: Policy, shared: { client: DynamoDBDocumentClient; clock: Clock }, credentials?: () => Promise<ExchangeCredentials>,
): Exchange {
  let ready: Promise<Exchange> | undefined;
  let publicVenue: Promise<Exchange> | undefined;
  const limiter = new DynamoRateLimiter({
    tableName: config.tables.state, ...shared, key: policy.exchange.id, budget: policy.exchange.rateLimitWeightPerMinute,
  });
  const paced = (ccxt: CcxtModule, client: ReturnType<typeof createCcxtClient>): CcxtExchange => new ccxt.CcxtExchange(client, {
    retry: policy.exchange, beforeRequest: chargeCcxtRequests(limiter, () => client.markets !== undefined),
  });
  const get = async () => {
    if (!credentials) throw new ConfigError(`this function holds no ${policy.exchange.id} API keys: only execution and reconcile trade`);
    return (ready ??= Promise.all([loadCcxt(), credentials()]).then(([ccxt, c]) => paced(ccxt, ccxt.createCcxtClient(policy.exchange.id, c))));
  };
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
