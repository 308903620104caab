import type { EntryCancelRequest } from '../domain/decision.js';
import type { TradingMode } from '../domain/order.js';
import { policyHash, type Policy } from '../domain/policy.js';
import { dynamoDocumentClient, snsClient, sqsClient } from '../adapters/aws-clients.js';
import { CachedPolicyStore } from '../adapters/cached-policy-store.js';
import type { CandleFetcher } from '../services/stream-backfill.js';
import { DynamoMarketStore } from '../adapters/dynamo-market-store.js';
import { DynamoPaperVenueStore } from '../adapters/dynamo-paper-venue-store.js';
import { DynamoPolicyStore } from '../adapters/dynamo-policy-store.js';
import { DynamoStateStore } from '../adapters/dynamo-state-store.js';
import { exchangeKeysValidation, secretsManagerReader, type SecretReader } from '../adapters/exchange-credentials.js';
import { PaperExchange, paperOptionsFor } from '../adapters/paper-exchange.js';
import { paperMarkets } from '../adapters/paper-markets.js';
import { SnsAlerts } from '../adapters/sns-alerts.js';
import { DynamoOpsRecords, recordingAlerts } from '../adapters/dynamo-ops-records.js';
import { DedupingAlerts } from '../adapters/deduping-alerts.js';
import { redactingAlerts } from '../adapters/redaction.js';
import { DynamoAlertStateStore } from '../adapters/dynamo-alert-state-store.js';
import { SqsMessageQueue } from '../adapters/sqs-message-queue.js';
import { emfExchangeMeter, meteredVenues, type ExchangeMeter } from '../adapters/metered-exchange.js';
import { metrics } from './observability.js';
import type { Alerts, Clock, Exchange, MarketDataStore, MessageQueue, OrderQueue, PolicyStore, SignalQueue, StateStore } from '../ports.js';
import { loadConfig, type StratusConfig } from './config.js';
import { systemClock } from './system-clock.js';
import { lazyCandleFetcherFor, liveExchange } from './live-exchange.js';

/** Everything a Stratus function needs, built once per cold start. */
export interface Deps {
  readonly config: StratusConfig;
  readonly clock: Clock;
  readonly market: MarketDataStore;
  readonly state: StateStore;
  readonly policies: PolicyStore;
  readonly signals: SignalQueue;
  readonly orders: OrderQueue;
  /** orders.fifo for the kill switch's cancel-entry instructions: execution cancels LIVE entries with its keys. */
  readonly cancels?: MessageQueue<EntryCancelRequest>;
  readonly alerts: Alerts;
  /** REST candles for the signal function's degraded mode; absent in the embedded runtime (never calls an exchange). */
  readonly candleFetcherFor?: (exchangeId: string) => CandleFetcher;
  /** The venue for a policy: paper unless the policy (or the order being executed) is LIVE. */
  readonly exchangeFor: (policy: Policy, mode?: TradingMode) => Exchange;
}

export { systemClock };

/** Builds the adapters for a config. The embedded runtime passes its virtual clock; a deployed function a meter for exchange calls. */
export function buildDeps(config: StratusConfig, overrides: { clock?: Clock; meter?: ExchangeMeter; secrets?: SecretReader } = {}): Deps {
  const clock = overrides.clock ?? systemClock;
  const client = dynamoDocumentClient();
  const market = new DynamoMarketStore({ tableName: config.tables.market, client });
  const state = new DynamoStateStore({ tableName: config.tables.state, client });
  // LIVE needs keys in the secret, not just its ARN: read (lazily, cached) only when a LIVE policy is validated, and
  // only by a function IAM lets read it. The others leave the check to those (execution, reconcile): nothing LIVE is
  // sent unless execution, which holds the keys, finds them there.
  const validation = config.exchangeSecretArn === undefined ? { exchangeKeysConfigured: false }
    : !config.readsExchangeSecret ? {}
      : exchangeKeysValidation(config.exchangeSecretArn, overrides.secrets ?? secretsManagerReader(), clock);
  const policies = new CachedPolicyStore(new DynamoPolicyStore({ tableName: config.tables.policy, client, clock, validation }), clock, {
    ttlMs: config.policyCacheTtlMs, maxAgeMs: config.policyMaxAgeMs,
  });
  const venue = new DynamoPaperVenueStore({ tableName: config.tables.state, client });
  const paper = new Map<string, Exchange>();
  let live: Exchange | undefined;
  const exchangeFor = (policy: Policy, mode: TradingMode = policy.mode): Exchange => {
    if (mode === 'LIVE') return (live ??= liveExchange(config, policy, { client, clock }));
    const key = policyHash(policy);
    let ex = paper.get(key);
    if (!ex) {
      ex = new PaperExchange({ markets: paperMarkets(), marketData: market, venue, clock, ...paperOptionsFor(policy) });
      paper.set(key, ex);
    }
    return ex;
  };
  return {
    config, clock, market, state, policies, exchangeFor: overrides.meter ? meteredVenues(exchangeFor, overrides.meter) : exchangeFor,
    ...(overrides.clock ? {} : { candleFetcherFor: lazyCandleFetcherFor() }),
    signals: new SqsMessageQueue({ queueUrl: config.queues.signals, client: sqsClient() }),
    orders: new SqsMessageQueue({ queueUrl: config.queues.orders, client: sqsClient() }),
    cancels: new SqsMessageQueue({ queueUrl: config.queues.orders, client: sqsClient() }),
    // Redacted before anything else sees it: dedup episodes and ALERT# records store what they are given.
    alerts: redactingAlerts(new DedupingAlerts({
      inner: recordingAlerts(new SnsAlerts({ topicArn: config.alertTopicArn, client: snsClient() }), new DynamoOpsRecords({ tableName: config.tables.state, client })),
      store: new DynamoAlertStateStore({ tableName: config.tables.state, client }), overrides: config.alertOverrides,
    })),
  };
}

let lambda: Deps | undefined;

/** Deps for a deployed function, from its environment; built on first call and reused. */
export function lambdaDeps(): Deps {
  return (lambda ??= buildDeps(loadConfig(), { meter: emfExchangeMeter(metrics) }));
}
