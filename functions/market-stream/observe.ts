/** The market stream's structured logs and EMF metrics (Powertools), kept out of main.ts. */
import type { CcxtMarketSourceStats } from '../../shared/adapters/ccxt-market-source.js';
import { logger, metrics } from '../../shared/runtime/observability.js';
import type { MarketStreamStats, StreamEvent } from '../../shared/services/stream-market.js';
import { streamMetrics, type StreamCounters } from '../../shared/services/stream-metrics.js';

/** Logs what the guard and the backfill did: duplicates at debug, other drops and suspects as warnings. */
export function logStreamEvent(event: StreamEvent): void {
  if (event.kind === 'backfilled') {
    (event.truncated > 0 ? logger.warn : logger.info).call(logger, 'candles backfilled', { ...event });
  } else if (event.rule === 'duplicate' || event.rule === 'out-of-order') {
    logger.debug('candle dropped', { ...event });
  } else {
    (event.kind === 'dropped' || event.kind === 'held' ? logger.warn : logger.info).call(logger, `candle ${event.kind}`, { ...event });
  }
}

/** Publishes one EMF document per call with the counts since the previous call (wall-clock interval). */
export function emfReporter(stream: () => MarketStreamStats, source: () => CcxtMarketSourceStats | undefined) {
  let previous: StreamCounters | undefined;
  let last = performance.now();
  return function publishStreamMetrics(): void {
    const s = stream();
    const src = source();
    const current: StreamCounters = { ...s, sourceMessages: src?.messages ?? s.messages, reconnects: src?.reconnects ?? 0, stalls: src?.stalls ?? 0 };
    const now = performance.now();
    for (const m of streamMetrics(previous, current, now - last)) metrics.addMetric(m.name, m.unit, m.value);
    metrics.publishStoredMetrics();
    previous = current;
    last = now;
  };
}
