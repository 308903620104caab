/**
 * The go-live commands' ports on a deployment, from the functions' environment: the policy table's GOLIVE records
 * (POLICY_TABLE), the state and market tables, the alert topic (ALERT_TOPIC_ARN) and the exchange keys
 * (EXCHANGE_SECRET_ARN; EXCHANGE_REST_ORIGIN points ccxt elsewhere, e.g. at a local fake exchange).
 */
import { DynamoOpsRecords } from '../adapters/dynamo-ops-records.js';
import { DynamoPolicyStore } from '../adapters/dynamo-policy-store.js';
import { DynamoReadinessStore } from '../adapters/dynamo-readiness-store.js';
import { loadExchangeCredentials } from '../adapters/exchange-credentials.js';
import { keyMayWithdraw } from '../adapters/ccxt-key-permissions.js';
import { alertSubscriptions } from '../adapters/sns-subscriptions.js';
import { ENV } from '../resources.js';
import { loadConfig } from '../runtime/config.js';
import { buildDeps } from '../runtime/deps.js';
import type { ReadinessCheckDeps } from '../services/readiness-check.js';

/** The GOLIVE records of the deployed policy table (POLICY_TABLE). */
export function readinessStoreFromEnv(env: NodeJS.ProcessEnv = process.env): DynamoReadinessStore {
  const table = env[ENV.policyTable];
  if (!table) throw new Error(`set ${ENV.policyTable} to the deployed table name (stack output PolicyTableName)`);
  return new DynamoReadinessStore({ tableName: table });
}

/** Everything `stratus go-live-check` reads, built from the functions' environment. */
export function readinessDepsFromEnv(env: NodeJS.ProcessEnv = process.env): ReadinessCheckDeps {
  const config = loadConfig(env);
  const deps = buildDeps(config);
  // Read-only: a peek never records a rejection nor takes its first-seen flag, which the alerting functions rely on.
  const store = new DynamoPolicyStore({ tableName: config.tables.policy, goLiveGate: true });
  const policies = { load: () => store.peek() };
  return {
    clock: deps.clock, state: deps.state, policies, market: deps.market,
    ops: new DynamoOpsRecords({ tableName: config.tables.state }),
    records: new DynamoReadinessStore({ tableName: config.tables.policy }),
    alertSubscriptions: () => alertSubscriptions(config.alertTopicArn),
    exchangeKeys: async () => {
      const arn = config.exchangeSecretArn;
      if (!arn) return { present: false, why: `${ENV.exchangeSecretArn} is not set` };
      const exchange = (await policies.load()).policy.exchange.id;
      const credentials = await loadExchangeCredentials(arn).catch((err: unknown) => err as Error);
      if (credentials instanceof Error) return { present: false, why: credentials.message };
      const { createCcxtClient } = await import('../adapters/ccxt-exchange.js');
      const origin = env.EXCHANGE_REST_ORIGIN;
      const client = createCcxtClient(exchange, credentials, origin ? { restOrigin: origin } : {});
      return { present: true, exchange, withdrawals: await keyMayWithdraw(client) };
    },
  };
}
