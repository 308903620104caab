import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { Context } from 'aws-lambda';
import { logger, metrics } from './observability.js';

/** Wraps a handler with the house middleware: Powertools logger context and EMF metrics flushing. */
export function withObservability<E, R>(name: string, handler: (event: E, context: Context) => Promise<R>) {
  return middy<E, R>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics, { captureColdStartMetric: true }))
    .handler(async function stratusHandler(event, context) {
      logger.appendKeys({ function: name });
      return handler(event, context);
    });
}
