import type { Policy } from '../../shared/domain/policy.js';
import { emfExchangeMeter } from '../../shared/adapters/metered-exchange.js';
import type { Exchange } from '../../shared/ports.js';
import { cancelQueue, keylessPorts, once, venues } from '../../shared/runtime/deps-parts.js';
import { ConfigError } from '../../shared/runtime/errors.js';
import { metrics } from '../../shared/runtime/observability.js';
import type { MetricsDeps } from '../../shared/services/measure-portfolio.js';

/** The LIVE venue of a function that never calls the exchange: every call rejects (ConfigError); nothing loads ccxt. */
function noExchange(policy: Policy): Exchange {
  const refuse = async (): Promise<never> => {
    throw new ConfigError(`the metrics function does not call ${policy.exchange.id}: LIVE entries are cancelled by execution`);
  };
  return { id: policy.exchange.id, loadMarket: refuse, placeOrder: refuse, fetchOrderByClientId: refuse, fetchOpenOrders: refuse, cancelOrder: refuse, fetchBalances: refuse };
}

/**
 * The metrics function's ports, built once: stores, the paper venues (the kill switch's sweep) and orders.fifo, where
 * the sweep sends LIVE cancels to execution (which holds the keys). No ccxt and no Secrets Manager client in this bundle.
 */
export const metricsDeps = once((): MetricsDeps => {
  const { client, ...ports } = keylessPorts();
  return { ...ports, exchangeFor: venues(ports.config, { client, ...ports }, noExchange, emfExchangeMeter(metrics)), cancels: cancelQueue(ports.config) };
});
