import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { Context } from 'aws-lambda';
import { logger, metrics } from './observability.js';
import { runMarker } from './run-marker.js';

/** Wraps a handler with the house middleware: Powertools logger context, EMF metrics flushing, and the RUN# marker of scheduled runs. */
export function withObservability<E, R>(name: string, handler: (event: E, context: Context) => Promise<R>) {
  return middy<E, R>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics, { captureColdStartMetric: true }))
    .use(runMarker())
    .handler(async function stratusHandler(event, context) {
      logger.appendKeys({ function: name });
      return handler(event, context);
    });
}
