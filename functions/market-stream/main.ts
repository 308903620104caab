/**
 * The market-stream container (Fargate): ccxt.pro websocket → bad-tick guard → DynamoDB market table, REST
 * backfill at start, after every reconnect and over any hole; GET /health; EMF metrics; on SIGTERM/SIGINT it
 * stops the websocket, flushes candles, books, a last heartbeat and metrics, then exits 0. Symbols come from
 * SYMBOLS or else the policy, plus every symbol the ledger holds (STATE_TABLE), re-read every minute.
 */
import type { AddressInfo } from 'node:net';
import { CcxtCandleFetcher } from '../../shared/adapters/ccxt-backfill.js';
import { CcxtMarketSource, createProExchange, pointProExchange } from '../../shared/adapters/ccxt-market-source.js';
import { DynamoMarketStore } from '../../shared/adapters/dynamo-market-store.js';
import { DynamoPolicyStore } from '../../shared/adapters/dynamo-policy-store.js';
import { DynamoStateStore } from '../../shared/adapters/dynamo-state-store.js';
import { logger } from '../../shared/runtime/observability.js';
import { createMarketStream, isStreamFresh } from '../../shared/services/stream-market.js';
import { streamSelection, type StreamSelection } from '../../shared/services/stream-symbols.js';
import { loadStreamConfig } from './config.js';
import { serveHealth } from './health.js';
import { emfReporter, logStreamEvent } from './observe.js';

/** Health turns 503 when no heartbeat was written for this long (ECS then replaces the task). */
const STALE_AFTER_MS = 30_000;
/** SIGTERM to exit must fit the task's stopTimeout (lib/market-stream.ts). */
const STOP_DEADLINE_MS = 25_000;

const config = loadStreamConfig();
const clock = { now: () => Date.now() };
// The go-live gate as the functions apply it: a refused LIVE policy does not pick the streamed symbols (peek writes nothing).
const policies = config.policyTable ? new DynamoPolicyStore({ tableName: config.policyTable, goLiveGate: true }) : undefined;
const state = config.stateTable ? new DynamoStateStore({ tableName: config.stateTable }) : undefined;
const wanted = (previous?: StreamSelection): Promise<StreamSelection> => streamSelection({
  policy: async () => (policies ? (await policies.peek()).policy : undefined),
  ...(config.symbols ? { fixed: config.symbols } : {}),
  ...(state ? { ledger: async () => (await state.getLedger())?.value } : {}),
  onLedgerError: (error) => logger.error('cannot read the ledger; keeping the held symbols followed so far', { error: error as Error }),
}, previous);

const initial = await wanted().catch((error: unknown) => {
  logger.error('cannot read the policy', { error: error as Error });
  return process.exit(1);
});
const exchange = createProExchange(config.exchangeId);
await pointProExchange(exchange, { wsUrl: config.wsUrl, restOrigin: config.restOrigin });
/** Set once the stream exists: after a reconnect the followed symbols' gaps are backfilled. */
let afterReconnect: (symbols: readonly string[]) => void = () => undefined;
const source = new CcxtMarketSource({
  exchange, clock, stall: { afterMs: config.stallAfterMs },
  onError: (error, context) => logger.warn('market source error, retrying', { ...context, error: error as Error }),
  onReconnected: (symbols) => afterReconnect(symbols),
  onStall: (context) => logger.warn('silent stream, forcing a reconnect', { ...context }),
});
const stream = createMarketStream({
  source, clock, symbols: initial.symbols, timeframe: initial.timeframe, heartbeatEveryMs: config.heartbeatMs, realTime: true,
  store: new DynamoMarketStore({ tableName: config.marketTable }),
  backfill: { fetcher: new CcxtCandleFetcher(exchange) },
  onError: (error, context) => logger.error('market store or backfill failed', { ...context, error: error as Error }),
  onEvent: logStreamEvent,
});
afterReconnect = (symbols) => {
  logger.info('stream reconnected, backfilling', { symbols });
  void stream.resync(symbols).catch((error) => logger.error('resync failed', { symbols, error }));
};
const publishMetrics = emfReporter(() => stream.stats(), () => source.stats());

const health = await serveHealth(config.healthPort, () => ({
  healthy: isStreamFresh(stream.stats(), clock.now(), STALE_AFTER_MS), body: { ...stream.stats(), source: source.stats() },
}));
const metricsTimer = setInterval(publishMetrics, config.metricsMs);

let current = initial;
const refresh = setInterval(() => void (async () => {
  logger.info('market stream stats', { ...stream.stats(), source: source.stats(), symbols: current.symbols });
  const next = await wanted(current);
  if (next.timeframe !== current.timeframe) return shutdown(`policy timeframe changed to ${next.timeframe}`);
  if (next.symbols.join() !== current.symbols.join()) {
    logger.info('symbols changed', { from: current.symbols, to: next.symbols, heldOnly: next.heldOnly });
    await stream.setSymbols(next.symbols);
    current = next;
  }
})().catch((error) => logger.error('policy refresh failed', { error })), config.policyRefreshMs);

let stopping = false;
async function shutdown(reason: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info('market stream stopping', { reason });
  setTimeout(() => { logger.error('stop deadline passed, exiting'); process.exit(1); }, STOP_DEADLINE_MS).unref();
  clearInterval(refresh);
  clearInterval(metricsTimer);
  health.close();
  await stream.stop().catch((error) => logger.error('stop failed', { error }));
  publishMetrics();
  logger.info('market stream stopped', { ...stream.stats(), source: source.stats() });
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
  logger.info('market stream started', { exchange: config.exchangeId, ...initial, healthPort: (health.address() as AddressInfo).port });
} catch (error) {
  logger.error('market stream failed to start', { error: error as Error });
  process.exit(1);
}
