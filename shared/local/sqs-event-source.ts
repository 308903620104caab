/**
 * The embedded stand-in for Lambda's SQS event source mapping: receive a batch, invoke the handler
 * with a real-shaped SQSEvent, delete what succeeded, and leave failures to the queue's visibility
 * timeout and redrive policy (maxReceiveCount → DLQ), exactly as Lambda does on AWS.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import {
  DeleteMessageBatchCommand, GetQueueAttributesCommand, ReceiveMessageCommand,
  type Message, type MessageAttributeValue, type SQSClient,
} from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSMessageAttribute, SQSRecord } from 'aws-lambda';
import { StratusError } from '../domain/errors.js';
import { lambdaContext } from './lambda-context.js';

/** The mapping's configuration (what CDK's SqsEventSource would be given) plus the function. */
export interface SqsEventSourceOptions {
  readonly sqs: SQSClient;
  readonly queueUrl: string;
  readonly queueArn: string;
  /** Records per invocation, 1–10 (Lambda's limit for FIFO queues). */
  readonly batchSize: number;
  readonly functionName: string;
  readonly handler: (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | void>;
  readonly region: string;
  /** FunctionResponseTypes: ['ReportBatchItemFailures']; when false a returned response is ignored. Default true. */
  readonly reportBatchItemFailures?: boolean;
  /** Function timeout for the invocation context. Default 30. */
  readonly timeoutSeconds?: number;
  /** Pause between polls while messages are in flight, wall-clock ms. Default 20. */
  readonly idlePollMs?: number;
}

/** What one poll did. Counts are records. */
export interface PollResult {
  readonly received: number;
  /** Records deleted after the invocation. */
  readonly deleted: number;
  /** Records left on the queue to come back after the visibility timeout. */
  readonly failed: number;
  /** The handler threw (the whole batch is left on the queue). */
  readonly error?: unknown;
}

/** Running totals: invocations, records delivered, records left to retry, invocations that threw. */
export interface SqsEventSourceStats {
  readonly invocations: number;
  readonly records: number;
  readonly failures: number;
  readonly errors: number;
  readonly lastError?: string;
}

/** Requests this mapping sent to its queue: ReceiveMessage calls, and GetQueueAttributes calls by pending(). */
export interface SqsEventSourceRequests {
  readonly receives: number;
  readonly depthChecks: number;
}

/** The result of drain(): drained is false when maxWaitMs ran out with messages still queued or in flight. */
export interface DrainResult {
  readonly drained: boolean;
  readonly polls: number;
  readonly invocations: number;
}

/** The mapping was configured in a way Lambda would refuse. */
export class EventSourceConfigError extends StratusError {
  override readonly name = 'EventSourceConfigError';
  constructor(message: string) {
    super('EVENT_SOURCE_CONFIG_INVALID', message, false);
  }
}

/** The queue returned a message without an attribute Lambda always includes (an emulator defect). */
export class MalformedSqsMessageError extends StratusError {
  override readonly name = 'MalformedSqsMessageError';
  constructor(messageId: string | undefined, attribute: string) {
    super('SQS_MESSAGE_MALFORMED', `message ${messageId ?? '?'} has no ${attribute}`, false);
  }
}

/** Lambda's SQS poller for one queue and one function; one invocation at a time. */
export class SqsEventSource {
  private counts = { invocations: 0, records: 0, failures: 0, errors: 0 };
  private sent = { receives: 0, depthChecks: 0 };
  private lastError: string | undefined;

  constructor(private readonly opts: SqsEventSourceOptions) {
    if (!Number.isInteger(opts.batchSize) || opts.batchSize < 1 || opts.batchSize > 10) {
      throw new EventSourceConfigError(`${opts.functionName}: batchSize must be 1–10, got ${opts.batchSize}`);
    }
    if (!opts.queueUrl || !opts.queueArn) throw new EventSourceConfigError(`${opts.functionName}: queueUrl and queueArn are required`);
  }

  /** Receives one batch and, if it is not empty, invokes the handler once and settles the batch. */
  async pollOnce(): Promise<PollResult> {
    const { sqs, queueUrl } = this.opts;
    this.sent.receives++;
    const received = await sqs.send(new ReceiveMessageCommand({
      QueueUrl: queueUrl, MaxNumberOfMessages: this.opts.batchSize, WaitTimeSeconds: 0,
      AttributeNames: ['All'], MessageSystemAttributeNames: ['All'], MessageAttributeNames: ['All'],
    }));
    const messages = received.Messages ?? [];
    if (messages.length === 0) return { received: 0, deleted: 0, failed: 0 };
    const event: SQSEvent = { Records: messages.map((m) => this.toRecord(m)) };
    this.counts.invocations++;
    this.counts.records += messages.length;

    let failedIds: ReadonlySet<string>;
    let error: unknown;
    try {
      const response = await this.opts.handler(event, lambdaContext(this.opts.functionName, {
        region: this.opts.region, timeoutSeconds: this.opts.timeoutSeconds ?? 30,
      }));
      failedIds = this.failedIds(event, response);
    } catch (e) {
      error = e;
      this.counts.errors++;
      this.lastError = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
      failedIds = new Set(event.Records.map((r) => r.messageId));
    }
    const done = event.Records.filter((r) => !failedIds.has(r.messageId));
    if (done.length > 0) {
      const del = await sqs.send(new DeleteMessageBatchCommand({
        QueueUrl: queueUrl, Entries: done.map((r, i) => ({ Id: String(i), ReceiptHandle: r.receiptHandle })),
      }));
      if (del.Failed?.length) this.lastError = `DeleteMessageBatch failed for ${del.Failed.length} record(s): ${del.Failed[0]?.Message ?? ''}`;
    }
    this.counts.failures += failedIds.size;
    return { received: messages.length, deleted: done.length, failed: failedIds.size, ...(error !== undefined ? { error } : {}) };
  }

  /**
   * Polls until the queue has nothing visible, in flight or delayed, or until maxWaitMs (wall clock)
   * has passed. Records that failed come back after the queue's visibility timeout and are retried.
   */
  async drain(opts: { maxWaitMs: number }): Promise<DrainResult> {
    const deadline = Date.now() + opts.maxWaitMs;
    const before = this.counts.invocations;
    let polls = 0;
    for (;;) {
      polls++;
      const r = await this.pollOnce();
      if (r.received === 0 && (await this.pending()) === 0) return { drained: true, polls, invocations: this.counts.invocations - before };
      if (Date.now() >= deadline) return { drained: false, polls, invocations: this.counts.invocations - before };
      if (r.received === 0) await sleep(this.opts.idlePollMs ?? 20);
    }
  }

  /** Messages visible, in flight or delayed on this mapping's queue. */
  pending(): Promise<number> {
    this.sent.depthChecks++;
    return queueDepth(this.opts.sqs, this.opts.queueUrl, true);
  }

  /** Messages in a dead-letter queue (visible plus in flight). */
  dlqDepth(dlqUrl: string): Promise<number> {
    return queueDepth(this.opts.sqs, dlqUrl);
  }

  /** Running totals since construction. */
  stats(): SqsEventSourceStats {
    return { ...this.counts, ...(this.lastError ? { lastError: this.lastError } : {}) };
  }

  /** Requests sent to the queue since construction. */
  requests(): SqsEventSourceRequests {
    return { ...this.sent };
  }

  /** Lambda's rule: an identifier that is empty or not in the batch fails the whole batch. */
  private failedIds(event: SQSEvent, response: SQSBatchResponse | void): ReadonlySet<string> {
    if (this.opts.reportBatchItemFailures === false || !response || !Array.isArray(response.batchItemFailures)) return new Set();
    const inBatch = new Set(event.Records.map((r) => r.messageId));
    const ids = response.batchItemFailures.map((f) => f?.itemIdentifier);
    if (ids.some((id) => typeof id !== 'string' || !inBatch.has(id))) return inBatch;
    return new Set(ids as string[]);
  }

  private toRecord(m: Message): SQSRecord {
    const a = m.Attributes ?? {};
    const need = (name: string): string => {
      const v = a[name as keyof typeof a];
      if (v === undefined) throw new MalformedSqsMessageError(m.MessageId, name);
      return v;
    };
    const optional = ['AWSTraceHeader', 'SequenceNumber', 'MessageGroupId', 'MessageDeduplicationId', 'DeadLetterQueueSourceArn'] as const;
    return {
      messageId: m.MessageId ?? need('MessageId'),
      receiptHandle: m.ReceiptHandle ?? need('ReceiptHandle'),
      body: m.Body ?? '',
      attributes: {
        ApproximateReceiveCount: need('ApproximateReceiveCount'),
        SentTimestamp: need('SentTimestamp'),
        SenderId: need('SenderId'),
        ApproximateFirstReceiveTimestamp: need('ApproximateFirstReceiveTimestamp'),
        ...Object.fromEntries(optional.filter((k) => a[k as keyof typeof a] !== undefined).map((k) => [k, a[k as keyof typeof a]])),
      },
      messageAttributes: Object.fromEntries(Object.entries(m.MessageAttributes ?? {}).map(([k, v]) => [k, toLambdaAttribute(v)])),
      md5OfBody: m.MD5OfBody ?? need('MD5OfBody'),
      ...(m.MD5OfMessageAttributes ? { md5OfMessageAttributes: m.MD5OfMessageAttributes } : {}),
      eventSource: 'aws:sqs',
      eventSourceARN: this.opts.queueArn,
      awsRegion: this.opts.region,
    };
  }
}

/** SQS's message attribute (SDK shape) in the lowercase shape Lambda puts in the event; binary as base64. */
function toLambdaAttribute(v: MessageAttributeValue): SQSMessageAttribute {
  return {
    ...(v.StringValue !== undefined ? { stringValue: v.StringValue } : {}),
    ...(v.BinaryValue !== undefined ? { binaryValue: Buffer.from(v.BinaryValue).toString('base64') } : {}),
    stringListValues: v.StringListValues ?? [],
    binaryListValues: (v.BinaryListValues ?? []).map((b) => Buffer.from(b).toString('base64')),
    dataType: v.DataType ?? 'String',
  };
}

/** Approximate depth of a queue: visible + in flight (+ delayed when asked). */
export async function queueDepth(sqs: SQSClient, queueUrl: string, includeDelayed = false): Promise<number> {
  const r = await sqs.send(new GetQueueAttributesCommand({
    QueueUrl: queueUrl,
    AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', ...(includeDelayed ? ['ApproximateNumberOfMessagesDelayed' as const] : [])],
  }));
  const at = r.Attributes ?? {};
  return Number(at.ApproximateNumberOfMessages ?? 0) + Number(at.ApproximateNumberOfMessagesNotVisible ?? 0)
    + Number(at.ApproximateNumberOfMessagesDelayed ?? 0);
}
