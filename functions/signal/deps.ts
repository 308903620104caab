import { keylessPorts, once, signalQueue } from '../../shared/runtime/deps-parts.js';
import { lazyCandleFetcherFor } from '../../shared/runtime/rest-candles.js';
import type { SignalDeps } from '../../shared/services/evaluate-signals.js';

/**
 * The signal function's ports, built once: stores, signals.fifo and degraded mode's REST candle fetcher (ccxt
 * behind import()). No venue and no Secrets Manager client, so esbuild leaves them out of this bundle.
 */
export const signalDeps = once((): SignalDeps => {
  const { client: _client, ...ports } = keylessPorts();
  return { ...ports, signals: signalQueue(ports.config), candleFetcherFor: lazyCandleFetcherFor() };
});
