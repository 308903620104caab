/** The market-stream container's environment, parsed once at start into a frozen object (fails fast). */
import * as z from 'zod';
import { ENV } from '../../shared/resources.js';
import { declareUserStrategies } from '../../shared/runtime/user-strategies.js';

const seconds = (fallback: number) => z.coerce.number().positive().default(fallback).transform((s) => s * 1000);

const Schema = z.object({
  marketTable: z.string().min(1),
  policyTable: z.string().min(1).optional(),
  /** The state table: held symbols are followed too, so a position the policy dropped keeps its data. */
  stateTable: z.string().min(1).optional(),
  exchangeId: z.string().min(1).default('binance'),
  symbols: z.string().transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean)).optional(),
  /** Loopback or proxy endpoints instead of the exchange's own (tests, local runs). */
  wsUrl: z.string().url().optional(),
  restOrigin: z.string().url().optional(),
  healthPort: z.coerce.number().int().min(0).max(65535).default(8080),
  heartbeatMs: seconds(5),
  metricsMs: seconds(15),
  stallAfterMs: seconds(30),
  policyRefreshMs: seconds(60),
}).refine((e) => e.policyTable || e.symbols?.length, { message: `set ${ENV.policyTable} or SYMBOLS` });

/** What main.ts runs with. Times are milliseconds. */
export type StreamConfig = Readonly<z.infer<typeof Schema>>;

/** Variable names beyond ENV: all optional. */
export const STREAM_ENV = {
  symbols: 'SYMBOLS', wsUrl: 'EXCHANGE_WS_URL', restOrigin: 'EXCHANGE_REST_ORIGIN', healthPort: 'HEALTH_PORT',
  heartbeatSeconds: 'HEARTBEAT_SECONDS', metricsSeconds: 'METRICS_SECONDS', stallAfterSeconds: 'STALL_AFTER_SECONDS',
  policyRefreshSeconds: 'POLICY_REFRESH_SECONDS',
} as const;

/** Parses the environment (and registers the user strategies it declares); throws a ZodError naming what is missing or malformed. */
export function loadStreamConfig(env: NodeJS.ProcessEnv = process.env): StreamConfig {
  declareUserStrategies(env);
  const v = (name: string) => env[name] || undefined;
  return Object.freeze(Schema.parse({
    marketTable: v(ENV.marketTable), policyTable: v(ENV.policyTable), stateTable: v(ENV.stateTable), exchangeId: v(ENV.exchangeId),
    symbols: v(STREAM_ENV.symbols), wsUrl: v(STREAM_ENV.wsUrl), restOrigin: v(STREAM_ENV.restOrigin),
    healthPort: v(STREAM_ENV.healthPort), heartbeatMs: v(STREAM_ENV.heartbeatSeconds), metricsMs: v(STREAM_ENV.metricsSeconds),
    stallAfterMs: v(STREAM_ENV.stallAfterSeconds), policyRefreshMs: v(STREAM_ENV.policyRefreshSeconds),
  }));
}
