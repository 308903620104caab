import { keylessPorts, once, type StorePorts } from '../../shared/runtime/deps-parts.js';

/** The report function's ports, built once: the stores and alerts only (no queue, no venue, no ccxt in this bundle). */
export const reportDeps = once((): Omit<StorePorts, 'client'> => {
  const { client: _client, ...ports } = keylessPorts();
  return ports;
});
