import type { EntryCancelRequest } from '../domain/decision.js';
import type { TradingMode } from '../domain/order.js';
import type { Policy } from '../domain/policy.js';
import type { ValidationSource } from '../adapters/policy-codec.js';
import { exchangeKeysValidation, secretsManagerReader, type SecretReader } from '../adapters/exchange-credentials.js';
import { emfExchangeMeter, type ExchangeMeter } from '../adapters/metered-exchange.js';
import type { CandleFetcher } from '../services/stream-backfill.js';
import type { Alerts, Clock, Exchange, MarketDataStore, MessageQueue, OrderQueue, PolicyStore, SignalQueue, StateStore } from '../ports.js';
import { loadConfig, type StratusConfig } from './config.js';
import { cancelQueue, keylessValidation, once, orderQueue, signalQueue, storePorts, venues } from './deps-parts.js';
import { liveExchange } from './live-exchange.js';
import { metrics } from './observability.js';
import { lazyCandleFetcherFor } from './rest-candles.js';
import { systemClock } from './system-clock.js';

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

/**
 * LIVE needs keys in the secret, not just its ARN: read (lazily, cached) only when a LIVE policy is validated, and
 * only by a function IAM lets read it. The others leave the check to those (execution, reconcile): nothing LIVE is
 * sent unless execution, which holds the keys, finds them there.
 */
export function keyValidation(config: StratusConfig, clock: Clock, secrets?: SecretReader): ValidationSource {
  if (config.exchangeSecretArn === undefined || !config.readsExchangeSecret) return keylessValidation(config);
  return exchangeKeysValidation(config.exchangeSecretArn, secrets ?? secretsManagerReader(), clock);
}

/**
 * Every port, for any function (the embedded runtime, the CLI, tests). The embedded runtime passes its virtual clock;
 * a deployed function a meter for exchange calls. Deployed functions other than execution and reconcile build
 * only their own ports (functions/<name>/deps.ts).
 */
export function buildDeps(config: StratusConfig, overrides: { clock?: Clock; meter?: ExchangeMeter; secrets?: SecretReader } = {}): Deps {
  const clock = overrides.clock ?? systemClock;
  const { client, ...ports } = storePorts(config, clock, keyValidation(config, clock, overrides.secrets));
  return {
    ...ports,
    exchangeFor: venues(config, { client, ...ports }, (policy) => liveExchange(config, policy, { client, clock }), overrides.meter),
    ...(overrides.clock ? {} : { candleFetcherFor: lazyCandleFetcherFor() }),
    signals: signalQueue(config), orders: orderQueue(config), cancels: cancelQueue(config),
  };
}

/** Deps for the deployed execution and reconcile functions (every port, LIVE with the keys), from the environment; built once. */
export const lambdaDeps = once((): Deps => buildDeps(loadConfig(), { meter: emfExchangeMeter(metrics) }));
