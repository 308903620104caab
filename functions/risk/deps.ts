import { emfExchangeMeter } from '../../shared/adapters/metered-exchange.js';
import { cancelQueue, keylessPorts, once, orderQueue, venues } from '../../shared/runtime/deps-parts.js';
import { marketRulesExchange } from '../../shared/runtime/live-exchange.js';
import { metrics } from '../../shared/runtime/observability.js';
import type { RiskDeps } from '../../shared/services/decide-intent.js';

/**
 * The risk function's ports, built once: stores, orders.fifo and the venues' market rules (LIVE: public ccxt calls
 * behind import(), never the API keys, so no Secrets Manager client in this bundle).
 */
export const riskDeps = once((): RiskDeps => {
  const { client, ...ports } = keylessPorts();
  const live = (policy: Parameters<typeof marketRulesExchange>[1]) => marketRulesExchange(ports.config, policy, { client, clock: ports.clock });
  return {
    ...ports, exchangeFor: venues(ports.config, { client, ...ports }, live, emfExchangeMeter(metrics)),
    orders: orderQueue(ports.config), cancels: cancelQueue(ports.config),
  };
});
