import type { SQSRecord } from 'aws-lambda';
import * as z from 'zod';
import type { EntryCancelRequest } from '../domain/decision.js';
import type { Intent } from '../domain/intent.js';
import type { OrderRequest } from '../domain/order.js';
import { SCHEDULES, type ScheduledInvocation } from '../resources.js';
import { MalformedMessageError } from './errors.js';

/** A plain non-negative decimal string as money() writes it: no sign, no exponent, bounded digits. */
const decimal = z.string().max(64).regex(/^\d{1,30}(\.\d{1,32})?$/);
/** A decimal string above zero (quantities and prices). */
const positive = decimal.refine((s) => /[1-9]/.test(s), 'must be above zero');
/** A BASE/QUOTE market symbol as the policy writes it (no whitespace, no lower case, bounded). */
const symbol = z.string().regex(/^[A-Z0-9]{2,12}\/[A-Z0-9]{2,12}$/);
/** A bounded free-text or identifier field. */
const text = (max: number) => z.string().max(max);
const side = z.enum(['buy', 'sell']);
const kind = z.enum(['entry', 'exit']);
/** Long-only: an entry is a buy and an exit a sell; a message that says otherwise is malformed. */
const kindMatchesSide = (m: { side: string; kind: string }) => (m.side === 'buy') === (m.kind === 'entry');
const KIND_SIDE = { message: 'kind must match side (long-only: entry = buy, exit = sell)', path: ['kind'] };

// zod drops keys a schema does not name, so a field missing here is silently lost in the queue (an exit's
// reason once was: every exit was booked as 'signal'). `satisfies` makes each shape name every field of its type.
const IntentShape = {
  intentId: z.string().regex(/^[0-9a-f]{64}$/), strategy: text(64).regex(/^\S+$/), symbol, side, kind,
  candleCloseTime: z.number().int().positive(), referencePrice: positive, score: z.number(), reason: text(2000),
  createdAt: z.number().int(), policyHash: text(128), policyVersion: z.number().int().min(0),
} satisfies Record<keyof Intent, z.ZodType>;
const IntentSchema = z.object(IntentShape).refine(kindMatchesSide, KIND_SIDE);

const OrderRequestShape = {
  orderId: z.string().regex(/^[0-9a-f]{32}$/), clientOrderId: z.string().min(1).max(36), intentId: z.string().regex(/^[0-9a-f]{64}$/),
  strategy: text(64).regex(/^\S+$/), symbol, side, kind, type: z.enum(['market', 'limit']), quantity: positive,
  limitPrice: positive.optional(), referencePrice: positive, reservedNotional: decimal,
  mode: z.enum(['DRY_RUN', 'PAPER', 'LIVE']), policyHash: text(128), createdAt: z.number().int(), exitReason: text(64).optional(), executedBefore: decimal.optional(),
  slices: z.array(positive).max(100).optional(), sliceIntervalSeconds: z.number().int().min(0).optional(),
  parentOrderId: z.string().regex(/^[0-9a-f]{32}$/).optional(), sliceIndex: z.number().int().min(0).max(99).optional(),
} satisfies Record<keyof OrderRequest, z.ZodType>;
const OrderRequestSchema = z.object(OrderRequestShape).refine(kindMatchesSide, KIND_SIDE)
  .refine((m) => m.side === 'sell' || /[1-9]/.test(m.reservedNotional), { message: 'a buy must reserve its notional', path: ['reservedNotional'] });

const EntryCancelShape = {
  instruction: z.literal('cancel-entry'), orderId: z.string().regex(/^[0-9a-f]{32}$/), clientOrderId: z.string().min(1).max(36),
  symbol, tripCount: z.number().int().min(0), requestedAt: z.number().int(),
} satisfies Record<keyof EntryCancelRequest, z.ZodType>;
const EntryCancelSchema = z.object(EntryCancelShape);

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

/**
 * Whatever an orders.fifo record carries: an order to place, or a kill-switch request to cancel an entry
 * (body field `instruction`: 'cancel-entry'). MalformedMessageError if it is neither.
 */
export function parseOrdersMessage(record: SQSRecord): OrderRequest | EntryCancelRequest {
  let instruction: unknown;
  try {
    instruction = (JSON.parse(record.body) as { instruction?: unknown } | null)?.instruction;
  } catch (cause) {
    throw new MalformedMessageError(record.messageId, { cause });
  }
  return instruction === undefined ? parseOrderRequest(record) : (parseBody(record, EntryCancelSchema) as EntryCancelRequest);
}

/** Validates a scheduler payload; a manual invocation with an empty event is accepted as the given job. */
export function parseScheduled(event: unknown, job: keyof typeof SCHEDULES): ScheduledInvocation {
  if (event === undefined || event === null || (typeof event === 'object' && Object.keys(event).length === 0)) {
    return { source: 'stratus.scheduler', job, scheduledTime: 'manual' };
  }
  const parsed = ScheduledSchema.safeParse(event);
  if (!parsed.success || parsed.data.job !== job) throw new MalformedMessageError(`scheduled ${job} event`, { cause: parsed.error });
  return parsed.data;
}
