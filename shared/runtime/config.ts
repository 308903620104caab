import * as z from 'zod';
import { parseAlertOverrides, type AlertOverrides } from '../domain/alert-catalog.js';
import { ALERT_ENV, ENV } from '../resources.js';
import { ConfigError } from './errors.js';
import { declareUserStrategies } from './user-strategies.js';

const required = z.string().min(1);

const ConfigSchema = z.object({
  marketTable: required,
  stateTable: required,
  policyTable: required,
  idempotencyTable: required,
  signalsQueueUrl: required,
  ordersQueueUrl: required,
  alertTopicArn: required,
  exchangeSecretArn: z.string().min(1).optional(),
  policyCacheTtlSeconds: z.coerce.number().int().min(0).default(15),
  policyMaxAgeSeconds: z.coerce.number().int().positive().default(300),
  alertOverrides: z.string().optional(),
  readsExchangeSecret: z.enum(['true', 'false']).optional(),
});

const TUNABLES = {
  policyCacheTtlSeconds: 'POLICY_CACHE_TTL_SECONDS', policyMaxAgeSeconds: 'POLICY_MAX_AGE_SECONDS', alertOverrides: ALERT_ENV.overrides,
  readsExchangeSecret: 'READS_EXCHANGE_SECRET',
} as const;

/** Resource names and tunables of a Stratus function, parsed once at cold start. Resource names have no defaults. */
export interface StratusConfig {
  readonly tables: { readonly market: string; readonly state: string; readonly policy: string; readonly idempotency: string };
  readonly queues: { readonly signals: string; readonly orders: string };
  readonly alertTopicArn: string;
  readonly exchangeSecretArn?: string;
  /**
   * Whether this function may read the exchange secret (READS_EXCHANGE_SECRET=true, set by the stack only where
   * IAM grants it). Functions that may not leave LIVE_WITHOUT_KEYS to those that hold the keys (execution, reconcile).
   */
  readonly readsExchangeSecret: boolean;
  readonly policyCacheTtlMs: number;
  readonly policyMaxAgeMs: number;
  /** Per-kind dedup/escalation windows over the alert catalogue's defaults (ALERT_OVERRIDES, JSON). */
  readonly alertOverrides: AlertOverrides;
}

/** Parses the environment into a frozen config (and registers the user strategies it declares); throws ConfigError naming every missing variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): StratusConfig {
  declareUserStrategies(env);
  const names: Record<string, string> = { ...ENV, ...TUNABLES };
  const raw = Object.fromEntries(Object.entries(names).map(([key, variable]) => [key, env[variable] || undefined]));
  const parsed = ConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${names[String(i.path[0])] ?? String(i.path[0])}: ${i.message}`).join('; ');
    throw new ConfigError(`invalid function environment: ${problems}`);
  }
  const e = parsed.data;
  const alerts = parseAlertOverrides(e.alertOverrides);
  if ('problem' in alerts) throw new ConfigError(`invalid function environment: ${TUNABLES.alertOverrides}: ${alerts.problem}`);
  return Object.freeze({
    tables: Object.freeze({
      market: e.marketTable, state: e.stateTable, policy: e.policyTable, idempotency: e.idempotencyTable,
    }),
    queues: Object.freeze({ signals: e.signalsQueueUrl, orders: e.ordersQueueUrl }),
    alertTopicArn: e.alertTopicArn,
    ...(e.exchangeSecretArn ? { exchangeSecretArn: e.exchangeSecretArn } : {}),
    readsExchangeSecret: e.readsExchangeSecret === 'true',
    policyCacheTtlMs: e.policyCacheTtlSeconds * 1000,
    policyMaxAgeMs: e.policyMaxAgeSeconds * 1000,
    alertOverrides: alerts.overrides,
  });
}
