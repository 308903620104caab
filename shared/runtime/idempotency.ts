import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { SQSRecord } from 'aws-lambda';
import type { StratusConfig } from './config.js';

/**
 * Outer guard around each orders.fifo record: Powertools idempotency keyed on the order id in
 * the body, stored in the idempotency table. The order state machine is the inner guarantee;
 * this only stops a redelivered record from doing the work twice within the expiry window.
 */
export function idempotentPerOrder<R>(deps: { config: StratusConfig }, fn: (record: SQSRecord) => Promise<R>) {
  const persistenceStore = new DynamoDBPersistenceLayer({ tableName: deps.config.tables.idempotency });
  const config = new IdempotencyConfig({ eventKeyJmesPath: 'powertools_json(body).orderId', expiresAfterSeconds: 3600 });
  return makeIdempotent(fn, { persistenceStore, config });
}
