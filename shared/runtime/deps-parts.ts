/**
 * The pieces the functions' ports are built from. Each deployed function composes only the pieces it uses
 * (lambda-deps.ts), so esbuild leaves out of its bundle what it never calls; buildDeps (deps.ts) composes them all.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { EntryCancelRequest } from '../domain/decision.js';
import type { TradingMode } from '../domain/order.js';
import { policyHash, type Policy } from '../domain/policy.js';
import { dynamoDocumentClient } from '../adapters/aws-clients.js';
import { CachedPolicyStore } from '../adapters/cached-policy-store.js';
import { DedupingAlerts } from '../adapters/deduping-alerts.js';
import { DynamoAlertStateStore } from '../adapters/dynamo-alert-state-store.js';
import { DynamoMarketStore } from '../adapters/dynamo-market-store.js';
import { DynamoOpsRecords, recordingAlerts } from '../adapters/dynamo-ops-records.js';
import { DynamoPaperVenueStore } from '../adapters/dynamo-paper-venue-store.js';
import { DynamoPolicyStore } from '../adapters/dynamo-policy-store.js';
import { DynamoStateStore } from '../adapters/dynamo-state-store.js';
import { meteredVenues, type ExchangeMeter } from '../adapters/metered-exchange.js';
import { PaperExchange, paperOptionsFor } from '../adapters/paper-exchange.js';
import { paperMarkets } from '../adapters/paper-markets.js';
import type { ValidationSource } from '../adapters/policy-codec.js';
import { redactingAlerts } from '../adapters/redaction.js';
import { SnsAlerts } from '../adapters/sns-alerts.js';
import { SqsMessageQueue } from '../adapters/sqs-message-queue.js';
import type { Alerts, Clock, Exchange, MarketDataStore, MessageQueue, OrderQueue, PolicyStore, SignalQueue, StateStore } from '../ports.js';
import { loadConfig, type StratusConfig } from './config.js';
import { systemClock } from './system-clock.js';

/** The ports every trading function has: the tables, the policy, alerts; with the shared DynamoDB client. */
export interface StorePorts {
  readonly config: StratusConfig;
  readonly clock: Clock;
  readonly client: DynamoDBDocumentClient;
  readonly market: MarketDataStore;
  readonly state: StateStore;
  readonly policies: PolicyStore;
  readonly alerts: Alerts;
}

/** What a function that may not read the exchange secret checks LIVE policies against: keys absent only without a secret. */
export function keylessValidation(config: StratusConfig): ValidationSource {
  return config.exchangeSecretArn === undefined ? { exchangeKeysConfigured: false } : {};
}

/** `build()` on the first call, then the same value: a deployed function's ports are built once per cold start. */
export function once<T>(build: () => T): () => T {
  let built: T | undefined;
  return () => (built ??= build());
}

/** The store ports of a deployed function that may not read the exchange secret, from its environment. */
export function keylessPorts(): StorePorts {
  const config = loadConfig();
  return storePorts(config, systemClock, keylessValidation(config));
}

/** Market, state and (cached) policy stores and the alert chain, for a config; the SNS client is built on the first alert. */
export function storePorts(config: StratusConfig, clock: Clock, validation: ValidationSource): StorePorts {
  const client = dynamoDocumentClient();
  const policies = new CachedPolicyStore(new DynamoPolicyStore({ tableName: config.tables.policy, client, clock, validation, goLiveGate: true }), clock, {
    ttlMs: config.policyCacheTtlMs, maxAgeMs: config.policyMaxAgeMs,
  });
  return {
    config, clock, client, policies,
    market: new DynamoMarketStore({ tableName: config.tables.market, client }),
    state: new DynamoStateStore({ tableName: config.tables.state, client }),
    // Redacted before anything else sees it: dedup episodes and ALERT# records store what they are given.
    alerts: redactingAlerts(new DedupingAlerts({
      inner: recordingAlerts(new SnsAlerts({ topicArn: config.alertTopicArn }), new DynamoOpsRecords({ tableName: config.tables.state, client })),
      store: new DynamoAlertStateStore({ tableName: config.tables.state, client }), overrides: config.alertOverrides,
    })),
  };
}

/**
 * The venue for a policy: a paper venue per policy (by hash) unless the policy, or the order being handled, is LIVE;
 * then `live`, built once. Every call metered when a meter is given.
 */
export function venues(
  config: StratusConfig, ports: Pick<StorePorts, 'client' | 'clock' | 'market'>, live: (policy: Policy) => Exchange, meter?: ExchangeMeter,
): (policy: Policy, mode?: TradingMode) => Exchange {
  const venue = new DynamoPaperVenueStore({ tableName: config.tables.state, client: ports.client });
  const paper = new Map<string, Exchange>();
  let liveVenue: Exchange | undefined;
  const exchangeFor = (policy: Policy, mode: TradingMode = policy.mode): Exchange => {
    if (mode === 'LIVE') return (liveVenue ??= live(policy));
    const key = policyHash(policy);
    let ex = paper.get(key);
    if (!ex) {
      ex = new PaperExchange({ markets: paperMarkets(), marketData: ports.market, venue, clock: ports.clock, ...paperOptionsFor(policy) });
      paper.set(key, ex);
    }
    return ex;
  };
  return meter ? meteredVenues(exchangeFor, meter) : exchangeFor;
}

/** signals.fifo (the shared SQS client, built on the first send). */
export function signalQueue(config: StratusConfig): SignalQueue {
  return new SqsMessageQueue({ queueUrl: config.queues.signals });
}

/** orders.fifo, for approved orders. */
export function orderQueue(config: StratusConfig): OrderQueue {
  return new SqsMessageQueue({ queueUrl: config.queues.orders });
}

/** orders.fifo, for the kill switch's cancel-entry instructions (execution cancels LIVE entries with its keys). */
export function cancelQueue(config: StratusConfig): MessageQueue<EntryCancelRequest> {
  return new SqsMessageQueue({ queueUrl: config.queues.orders });
}
