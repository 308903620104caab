import { processPartialResponse, SqsFifoPartialProcessorAsync } from '@aws-lambda-powertools/batch';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { METRICS as M } from '../../shared/metrics-catalog.js';
import { lambdaDeps, type Deps } from '../../shared/runtime/deps.js';
import { emitMetric } from '../../shared/runtime/emit-metrics.js';
import { idempotentPerOrder } from '../../shared/runtime/idempotency.js';
import { parseOrderRequest, parseOrdersMessage } from '../../shared/runtime/messages.js';
import { withObservability } from '../../shared/runtime/middleware.js';
import { logger } from '../../shared/runtime/observability.js';
import { cancelRequestedEntry } from '../../shared/services/cancel-entries.js';
import { executeOrder } from '../../shared/services/execute-order.js';
import { orderFigures } from '../../shared/services/order-figures.js';

/** orders.fifo consumer: places each order exactly once and books its fills; cancels the entries a kill-switch trip names. */
export function createExecutionHandler(deps: Deps) {
  const processor = new SqsFifoPartialProcessorAsync();
  const execute = idempotentPerOrder(deps, async function executeRecord(record: SQSRecord) {
    const request = parseOrderRequest(record);
    const order = await executeOrder(deps, request);
    const f = orderFigures(order);
    emitMetric(M.ordersSent, f.sent);
    emitMetric(M.fills, f.filled);
    emitMetric(M.orderRejections, f.rejected);
    if (f.fillRatio !== undefined) emitMetric(M.fillRatio, f.fillRatio);
    logger.info('order', {
      clientOrderId: order.clientOrderId, symbol: order.symbol, side: order.side, status: order.status,
      quantity: order.quantity, filled: order.filledQuantity, averagePrice: order.averagePrice, policyHash: order.policyHash,
    });
    return { orderId: order.orderId, status: order.status };
  });
  // A cancel is idempotent by itself (the order state machine) and must not share the order's idempotency key.
  async function processRecord(record: SQSRecord) {
    const message = parseOrdersMessage(record);
    if (!('instruction' in message)) return execute(record);
    const result = await cancelRequestedEntry(deps, message);
    logger.info('cancel-entry', { clientOrderId: message.clientOrderId, symbol: message.symbol, tripCount: message.tripCount, result });
    return { orderId: message.orderId, status: result };
  }
  return withObservability('execution', (event: SQSEvent, context) => {
    execute.registerLambdaContext(context);
    return processPartialResponse(event, processRecord, processor, { context, skipGroupOnError: true, throwOnFullBatchFailure: false });
  });
}

export const handler = createExecutionHandler(lambdaDeps());
