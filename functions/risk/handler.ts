import { processPartialResponse, SqsFifoPartialProcessorAsync } from '@aws-lambda-powertools/batch';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { METRICS as M } from '../../shared/metrics-catalog.js';
import { riskDeps } from './deps.js';
import { emitMetric, emitPerDimension } from '../../shared/runtime/emit-metrics.js';
import { parseIntent } from '../../shared/runtime/messages.js';
import { withObservability } from '../../shared/runtime/middleware.js';
import { logger } from '../../shared/runtime/observability.js';
import { decideIntent, type RiskDeps } from '../../shared/services/decide-intent.js';

/** signals.fifo consumer: judges each intent, records the decision, sends approved orders on. */
export function createRiskHandler(deps: RiskDeps) {
  const processor = new SqsFifoPartialProcessorAsync();
  async function decideRecord(record: SQSRecord) {
    const intent = parseIntent(record);
    const decision = await decideIntent(deps, intent);
    const counted = decision.approved ? M.decisionsApproved : M.decisionsRejected;
    emitMetric(counted, 1);
    emitPerDimension(counted, 'reason', [...new Set(decision.reasons.map((r) => r.code))]);
    logger.info('decision', {
      intentId: intent.intentId, symbol: intent.symbol, side: intent.side, approved: decision.approved,
      reasons: decision.reasons.map((r) => r.code), policyHash: decision.policyHash, clientOrderId: decision.order?.clientOrderId,
    });
  }
  return withObservability('risk', (event: SQSEvent, context) =>
    processPartialResponse(event, decideRecord, processor, { context, skipGroupOnError: true, throwOnFullBatchFailure: false }));
}

export const handler = createRiskHandler(riskDeps());
