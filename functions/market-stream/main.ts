/**
 * The market-stream container (Fargate): ccxt.pro websocket → DynamoDB market table, GET /health on 8080,
 * graceful stop on SIGTERM/SIGINT. Symbols come from SYMBOLS or else the policy, re-read every minute.
 */
import { createServer } from 'node:http';
import { z } from 'zod';
import { CcxtMarketSource, createProExchange } from '../../shared/adapters/ccxt-market-source.js';
import { DynamoMarketStore } from '../../shared/adapters/dynamo-market-store.js';
import { DynamoPolicyStore } from '../../shared/adapters/dynamo-policy-store.js';
import type { Timeframe } from '../../shared/domain/candle.js';
import { ENV } from '../../shared/resources.js';
import { logger } from '../../shared/runtime/observability.js';
import { createMarketStream, isStreamFresh } from '../../shared/services/stream-market.js';

const HEARTBEAT_MS = 5_000;
const STALE_AFTER_MS = 30_000;
const POLICY_REFRESH_MS = 60_000;
const HEALTH_PORT = 8080;

const env = z.object({
  marketTable: z.string().min(1),
  policyTable: z.string().min(1).optional(),
  exchangeId: z.string().min(1).default('binance'),
  symbols: z.string().transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean)).optional(),
}).refine((e) => e.policyTable || e.symbols?.length, { message: `set ${ENV.policyTable} or SYMBOLS` }).parse({
  marketTable: process.env[ENV.marketTable], policyTable: process.env[ENV.policyTable] || undefined,
  exchangeId: process.env[ENV.exchangeId] || undefined, symbols: process.env['SYMBOLS'] || undefined,
});

const clock = { now: () => Date.now() };
const policies = env.policyTable ? new DynamoPolicyStore({ tableName: env.policyTable }) : undefined;
const wanted = async (): Promise<{ symbols: readonly string[]; timeframe: Timeframe }> => {
  const policy = policies ? (await policies.peek()).policy : undefined;
  return { symbols: env.symbols ?? policy!.symbols, timeframe: (policy?.timeframe ?? '1m') as Timeframe };
};

const initial = await wanted().catch((error: unknown) => {
  logger.error('cannot read the policy', { error: error as Error });
  return process.exit(1);
});
const source = new CcxtMarketSource({
  exchange: createProExchange(env.exchangeId), clock,
  onError: (error, context) => logger.warn('market source error, retrying', { ...context, error: error as Error }),
});
const stream = createMarketStream({
  source, clock, ...initial, heartbeatEveryMs: HEARTBEAT_MS, realTime: true,
  store: new DynamoMarketStore({ tableName: env.marketTable }),
  onError: (error, context) => logger.error('market store write failed', { ...context, error: error as Error }),
});

const health = createServer((req, res) => {
  if (req.method !== 'GET' || req.url !== '/health') { res.writeHead(404).end(); return; }
  const fresh = isStreamFresh(stream.stats(), clock.now(), STALE_AFTER_MS);
  res.writeHead(fresh ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify({ fresh, ...stream.stats() }));
}).listen(HEALTH_PORT);

let current = initial;
const refresh = setInterval(() => void (async () => {
  logger.info('market stream stats', { ...stream.stats(), symbols: current.symbols });
  const next = await wanted();
  if (next.timeframe !== current.timeframe) return shutdown(`policy timeframe changed to ${next.timeframe}`);
  if (next.symbols.join() !== current.symbols.join()) {
    logger.info('symbols changed', { from: current.symbols, to: next.symbols });
    await stream.setSymbols(next.symbols);
    current = next;
  }
})().catch((error) => logger.error('policy refresh failed', { error })), POLICY_REFRESH_MS);

let stopping = false;
async function shutdown(reason: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info('market stream stopping', { reason });
  clearInterval(refresh);
  health.close();
  await stream.stop().catch((error) => logger.error('stop failed', { error }));
  logger.info('market stream stopped', { ...stream.stats() });
  process.exit(0);
}
process.once('SIGTERM', () => void shutdown('SIGTERM'));
process.once('SIGINT', () => void shutdown('SIGINT'));
// ccxt sends a paced (re)subscribe without handling its failure when the socket closed meanwhile; that one is harmless.
process.on('unhandledRejection', (error) => {
  if (String((error as Error)?.message).startsWith('WebSocket is not open')) return logger.warn('late websocket send dropped', { error: error as Error });
  logger.error('unhandled rejection', { error: error as Error });
  process.exit(1);
});

try {
  await stream.start();
  logger.info('market stream started', { exchange: env.exchangeId, ...initial });
} catch (error) {
  logger.error('market stream failed to start', { error: error as Error });
  process.exit(1);
}
