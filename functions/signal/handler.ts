import { METRICS as M } from '../../shared/metrics-catalog.js';
import { signalDeps } from './deps.js';
import { emitMetric } from '../../shared/runtime/emit-metrics.js';
import { parseScheduled } from '../../shared/runtime/messages.js';
import { settle } from '../../shared/runtime/settle.js';
import { withObservability } from '../../shared/runtime/middleware.js';
import { logger } from '../../shared/runtime/observability.js';
import { evaluateSignals, type SignalDeps } from '../../shared/services/evaluate-signals.js';

/** Scheduled each candle close: runs the policy's strategies and sends intents to signals.fifo. */
export function createSignalHandler(deps: SignalDeps) {
  return withObservability('signal', async function signal(event: unknown) {
    const invocation = parseScheduled(event, 'signal');
    await settle(invocation, deps.clock);
    const cycle = await evaluateSignals(deps);
    emitMetric(M.intentsEmitted, cycle.intents.length);
    emitMetric(M.symbolsEvaluated, cycle.evaluated);
    emitMetric(M.symbolsSkipped, cycle.skipped.length);
    emitMetric(M.intentsDropped, cycle.dropped.length);
    emitMetric(M.riskExitsEmitted, cycle.riskExits.length);
    emitMetric(M.marketDataStale, cycle.marketStale ? 1 : 0);
    emitMetric(M.marketDataDegraded, cycle.degraded ? 1 : 0);
    logger.info('signal cycle', {
      scheduledTime: invocation.scheduledTime, policyHash: cycle.policyHash, evaluated: cycle.evaluated, candleSource: cycle.candleSource,
      intents: cycle.intents.map((i) => ({ intentId: i.intentId, symbol: i.symbol, side: i.side, reason: i.reason })),
      skipped: cycle.skipped, dropped: cycle.dropped,
    });
    return {
      intents: cycle.intents.length, exits: cycle.intents.filter((i) => i.kind === 'exit').length,
      evaluated: cycle.evaluated, skipped: cycle.skipped.length, dropped: cycle.dropped.length,
    };
  });
}

export const handler = createSignalHandler(signalDeps());
