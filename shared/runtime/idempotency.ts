import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { Context, SQSRecord } from 'aws-lambda';
import type { StratusConfig } from './config.js';

/**
 * Outer guard around each orders.fifo record: Powertools idempotency keyed on the order id in
 * the body, stored in the idempotency table. The order state machine is the inner guarantee;
 * this only stops a redelivered record from doing the work twice within the expiry window.
 * The handler must call registerLambdaContext on every invocation: without the remaining time, an in-progress record
 * left by a crashed invocation would hold the order's redeliveries off for the whole expiry (an hour) instead of
 * until that invocation's timeout.
 */
export function idempotentPerOrder<R>(deps: { config: StratusConfig }, fn: (record: SQSRecord) => Promise<R>) {
  const persistenceStore = new DynamoDBPersistenceLayer({ tableName: deps.config.tables.idempotency });
  const config = new IdempotencyConfig({ eventKeyJmesPath: 'powertools_json(body).orderId', expiresAfterSeconds: 3600 });
  return Object.assign(makeIdempotent(fn, { persistenceStore, config }), {
    registerLambdaContext: (context: Context) => config.registerLambdaContext(context),
  });
}
