import { processPartialResponse, SqsFifoPartialProcessorAsync } from '@aws-lambda-powertools/batch';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { lambdaDeps, type Deps } from '../../shared/runtime/deps.js';
import { idempotentPerOrder } from '../../shared/runtime/idempotency.js';
import { parseOrderRequest } from '../../shared/runtime/messages.js';
import { withObservability } from '../../shared/runtime/middleware.js';
import { logger, metrics } from '../../shared/runtime/observability.js';
import { executeOrder } from '../../shared/services/execute-order.js';

/** orders.fifo consumer: places each order exactly once and books its fills. */
export function createExecutionHandler(deps: Deps) {
  const processor = new SqsFifoPartialProcessorAsync();
  const execute = idempotentPerOrder(deps, async function executeRecord(record: SQSRecord) {
    const request = parseOrderRequest(record);
    const order = await executeOrder(deps, request);
    metrics.addMetric(`orders${order.status === 'FILLED' ? 'Filled' : order.status === 'REJECTED' ? 'Rejected' : 'Settled'}`, MetricUnit.Count, 1);
    logger.info('order', {
      clientOrderId: order.clientOrderId, symbol: order.symbol, side: order.side, status: order.status,
      quantity: order.quantity, filled: order.filledQuantity, averagePrice: order.averagePrice, policyHash: order.policyHash,
    });
    return { orderId: order.orderId, status: order.status };
  });
  return withObservability('execution', (event: SQSEvent, context) =>
    processPartialResponse(event, execute, processor, { context, skipGroupOnError: true, throwOnFullBatchFailure: false }));
}

export const handler = createExecutionHandler(lambdaDeps());
