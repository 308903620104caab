/** Shared set-up for the SqsEventSource integration tests: emulators, a provisioned stack, a recording handler. */
import { CreateQueueCommand, GetQueueAttributesCommand, SendMessageBatchCommand, SQSClient, type MessageAttributeValue } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { startEmulators, type Emulators } from '../../../shared/local/emulators.js';
import { provision, type Provisioned } from '../../../shared/local/provision.js';
import { SqsEventSource, type SqsEventSourceOptions } from '../../../shared/local/sqs-event-source.js';
import { QUEUES } from '../../../shared/resources.js';

/** Emulators plus one SQS client, started once per test file. */
export interface Harness {
  readonly e: Emulators;
  readonly sqs: SQSClient;
  /** Provisions a fresh stack (its own queues) under a unique prefix. */
  stack(): Promise<Provisioned>;
  stop(): Promise<void>;
}

/** Starts the emulators; stacks get `${prefix}-${n}` so every test has empty queues. */
export async function startHarness(prefix: string): Promise<Harness> {
  const e = await startEmulators();
  const sqs = new SQSClient({ region: e.region, credentials: e.credentials, endpoint: e.sqsEndpoint });
  let n = 0;
  return {
    e, sqs,
    stack: () => provision(e, `${prefix}-${++n}`),
    async stop() { sqs.destroy(); await e.stop(); },
  };
}

/** One FIFO message to send. */
export interface Outgoing {
  readonly body: string;
  readonly group: string;
  readonly dedup?: string;
  readonly attributes?: Record<string, MessageAttributeValue>;
}

/** Sends in order, in batches of 10 (SendMessageBatch keeps order within a request). */
export async function sendAll(sqs: SQSClient, queueUrl: string, messages: readonly Outgoing[]): Promise<void> {
  for (let i = 0; i < messages.length; i += 10) {
    const r = await sqs.send(new SendMessageBatchCommand({
      QueueUrl: queueUrl,
      Entries: messages.slice(i, i + 10).map((m, j) => ({
        Id: `m${i + j}`, MessageBody: m.body, MessageGroupId: m.group, MessageDeduplicationId: m.dedup ?? `${m.group}-${m.body}`,
        MessageAttributes: m.attributes,
      })),
    }));
    if (r.Failed?.length) throw new Error(`send failed: ${JSON.stringify(r.Failed)}`);
  }
}

/** A FIFO queue with a short visibility timeout and no redrive policy (messages never leave by themselves). */
export async function queueWithoutRedrive(h: Harness, name: string): Promise<{ url: string; arn: string }> {
  const q = await h.sqs.send(new CreateQueueCommand({ QueueName: `${name}.fifo`, Attributes: { FifoQueue: 'true', VisibilityTimeout: '1' } }));
  const a = await h.sqs.send(new GetQueueAttributesCommand({ QueueUrl: q.QueueUrl!, AttributeNames: ['QueueArn'] }));
  return { url: q.QueueUrl!, arn: a.Attributes!.QueueArn! };
}

/** What the handler saw in one invocation. */
export interface Invocation {
  readonly event: SQSEvent;
  readonly context: Context;
  readonly outcome: 'ok' | 'partial' | 'threw';
}

/** Decides per invocation: return a batch response / undefined, or throw. */
export type Behaviour = (records: SQSRecord[], invocation: number) => SQSBatchResponse | void;

/** An event source on the signals queue of `p` (or another queue) whose handler records every invocation. */
export function recordingSource(
  h: Harness, target: { url: string; arn: string }, behaviour: Behaviour,
  extra: Partial<SqsEventSourceOptions> = {},
): { source: SqsEventSource; invocations: Invocation[]; deliveries: () => string[] } {
  const invocations: Invocation[] = [];
  const source = new SqsEventSource({
    sqs: h.sqs, queueUrl: target.url, queueArn: target.arn, batchSize: QUEUES.signals.batchSize,
    functionName: 'risk', region: h.e.region,
    handler: async (event, context) => {
      try {
        const out = behaviour(event.Records, invocations.length);
        invocations.push({ event, context, outcome: out?.batchItemFailures.length ? 'partial' : 'ok' });
        return out;
      } catch (e) {
        invocations.push({ event, context, outcome: 'threw' });
        throw e;
      }
    },
    ...extra,
  });
  /** Every delivery as `body#receiveCount`, in invocation order. */
  const deliveries = () => invocations.flatMap((i) => i.event.Records.map((r) => `${r.body}#${r.attributes.ApproximateReceiveCount}`));
  return { source, invocations, deliveries };
}

/** A batch response failing the records whose body is in `bodies`. */
export function failBodies(records: SQSRecord[], bodies: readonly string[]): SQSBatchResponse {
  return { batchItemFailures: records.filter((r) => bodies.includes(r.body)).map((r) => ({ itemIdentifier: r.messageId })) };
}
