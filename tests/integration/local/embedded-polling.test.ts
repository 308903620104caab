import { describe, expect, it } from 'vitest';
import { readCandleDir, replayDataDir } from '../../../shared/local/candle-files.js';
import { runEmbedded } from '../../../shared/local/embedded.js';
import type { SqsEventSourceRequests, SqsEventSourceStats } from '../../../shared/local/sqs-event-source.js';

const SYMBOLS = ['BTC/USDT', 'ETH/USDT', 'SOL/USDT'];
const FROM = Date.UTC(2021, 4, 19, 0, 0);

async function replay(minutes: number) {
  const candles = await readCandleDir(replayDataDir(), SYMBOLS, '1m', { from: FROM, to: FROM + minutes * 60_000 });
  let pollers: Readonly<Record<'signals' | 'orders', SqsEventSourceStats & SqsEventSourceRequests>> | undefined;
  const summary = await runEmbedded({ candles, policy: { symbols: SYMBOLS }, onFinished: async (_deps, p) => { pollers = p; } });
  return { summary, pollers: pollers! };
}

// One replay per process: the SDK clients are built once per process, on the first run's emulators.
describe('the embedded event source mappings poll only after a send', () => {
  it('delivers every intent and order sent, with a few requests per send rather than a depth check per scheduled offset', async () => {
    const { summary, pollers } = await replay(70); // no intent in the first 31 minutes: momentum needs 31 closed candles
    expect(summary.intents).toBeGreaterThan(0);
    expect(summary.orders.total).toBeGreaterThan(0);
    expect(pollers.signals.records).toBe(summary.intents);
    expect(pollers.orders.records).toBe(summary.orders.total);
    expect(summary.runtime).toEqual({ scheduledErrors: 0, handlerErrors: 0, undrainedPolls: 0 });
    // Polling every scheduled offset would be 69 minutes × 4 offsets = 276 depth checks per queue; a drain
    // after a send is a receive with the messages, an empty receive and one depth check.
    for (const p of Object.values(pollers)) expect(p.receives + p.depthChecks).toBeLessThanOrEqual(3 * p.invocations);
  }, 90_000);
});
