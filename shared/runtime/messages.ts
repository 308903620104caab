import type { SQSRecord } from 'aws-lambda';
import { z } from 'zod';
import type { Intent } from '../domain/intent.js';
import type { OrderRequest } from '../domain/order.js';
import { SCHEDULES, type ScheduledInvocation } from '../resources.js';
import { MalformedMessageError } from './errors.js';

const decimal = z.string().regex(/^-?\d+(\.\d+)?$/);
const side = z.enum(['buy', 'sell']);
const kind = z.enum(['entry', 'exit']);

// zod drops keys a schema does not name, so a field missing here is silently lost in the queue (an exit's
// reason once was: every exit was booked as 'signal'). `satisfies` makes each shape name every field of its type.
const IntentShape = {
  intentId: z.string().regex(/^[0-9a-f]{64}$/), strategy: z.string().min(1), symbol: z.string().min(3), side, kind,
  candleCloseTime: z.number().int().positive(), referencePrice: decimal, score: z.number(), reason: z.string(),
  createdAt: z.number().int(), policyHash: z.string(), policyVersion: z.number().int().min(0),
} satisfies Record<keyof Intent, z.ZodType>;
const IntentSchema = z.object(IntentShape);

const OrderRequestShape = {
  orderId: z.string().regex(/^[0-9a-f]{32}$/), clientOrderId: z.string().min(1).max(36), intentId: z.string(),
  strategy: z.string(), symbol: z.string().min(3), side, kind, type: z.enum(['market', 'limit']), quantity: decimal,
  limitPrice: decimal.optional(), referencePrice: decimal, reservedNotional: decimal,
  mode: z.enum(['DRY_RUN', 'PAPER', 'LIVE']), policyHash: z.string(), createdAt: z.number().int(), exitReason: z.string().optional(),
} satisfies Record<keyof OrderRequest, z.ZodType>;
const OrderRequestSchema = z.object(OrderRequestShape);

const ScheduledSchema = z.object({
  source: z.literal('stratus.scheduler'), job: z.enum(Object.keys(SCHEDULES) as [keyof typeof SCHEDULES]), scheduledTime: z.string(),
});

function parseBody<T>(record: SQSRecord, schema: z.ZodType<T>): T {
  try {
    return schema.parse(JSON.parse(record.body));
  } catch (cause) {
    throw new MalformedMessageError(record.messageId, { cause });
  }
}

/** The intent carried by a signals.fifo record; MalformedMessageError if it is not one. */
export const parseIntent = (record: SQSRecord): Intent => parseBody(record, IntentSchema) as Intent;

/** The order carried by an orders.fifo record; MalformedMessageError if it is not one. */
export const parseOrderRequest = (record: SQSRecord): OrderRequest => parseBody(record, OrderRequestSchema) as OrderRequest;

/** Validates a scheduler payload; a manual invocation with an empty event is accepted as the given job. */
export function parseScheduled(event: unknown, job: keyof typeof SCHEDULES): ScheduledInvocation {
  if (event === undefined || event === null || (typeof event === 'object' && Object.keys(event).length === 0)) {
    return { source: 'stratus.scheduler', job, scheduledTime: 'manual' };
  }
  const parsed = ScheduledSchema.safeParse(event);
  if (!parsed.success || parsed.data.job !== job) throw new MalformedMessageError(`scheduled ${job} event`, { cause: parsed.error });
  return parsed.data;
}
