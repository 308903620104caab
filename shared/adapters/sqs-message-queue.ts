/** MessageQueue on an SQS FIFO queue: JSON bodies, batches of 10, group and dedup ids from the message. */
import { SendMessageBatchCommand, type BatchResultErrorEntry, type SQSClient } from '@aws-sdk/client-sqs';
import { StratusError } from '../domain/errors.js';
import type { MessageQueue, QueueMessage } from '../ports.js';
import { sqsClient } from './aws-clients.js';
import { translateAwsErrors } from './errors.js';

/** SQS accepts at most this many entries per SendMessageBatch. */
export const SQS_BATCH_LIMIT = 10;

/**
 * One or more messages were not accepted by the queue. Always retryable: a resend is safe (same
 * dedup ids) and a retried-out message reaches a DLQ instead of being dropped.
 */
export class QueueSendError extends StratusError {
  override readonly name = 'QueueSendError';
  constructor(
    readonly queueUrl: string,
    readonly failed: readonly { deduplicationId: string; code: string; message: string; senderFault: boolean }[],
  ) {
    super('QUEUE_SEND_FAILED', `${failed.length} message(s) not sent to ${queueUrl}: ${failed
      .map((f) => `${f.deduplicationId} ${f.code}${f.message ? ` (${f.message})` : ''}`).join('; ')}`, true);
  }
}

/** Sends to one FIFO queue; throws QueueSendError after trying every batch if any entry failed. */
export class SqsMessageQueue<T> implements MessageQueue<T> {
  /** The given client, else the shared one, built on the first send (a cold start that sends nothing never builds it). */
  readonly #client: () => SQSClient;
  readonly #queueUrl: string;

  constructor(props: { readonly queueUrl: string; readonly client?: SQSClient }) {
    const given = props.client;
    this.#client = given ? () => given : () => sqsClient();
    this.#queueUrl = props.queueUrl;
  }

  async send(messages: readonly QueueMessage<T>[]): Promise<void> {
    const failed: QueueSendError['failed'][number][] = [];
    for (let start = 0; start < messages.length; start += SQS_BATCH_LIMIT) {
      const chunk = messages.slice(start, start + SQS_BATCH_LIMIT);
      const out = await translateAwsErrors(`send to ${this.#queueUrl}`, () => this.#client().send(new SendMessageBatchCommand({
        QueueUrl: this.#queueUrl,
        Entries: chunk.map((m, i) => ({
          Id: String(i),
          MessageBody: JSON.stringify(m.body),
          MessageGroupId: m.groupId,
          MessageDeduplicationId: m.deduplicationId,
        })),
      })));
      failed.push(...(out.Failed ?? []).map((f) => describe(f, chunk)));
    }
    if (failed.length) throw new QueueSendError(this.#queueUrl, failed);
  }
}

function describe<T>(f: BatchResultErrorEntry, chunk: readonly QueueMessage<T>[]) {
  const message = chunk[Number(f.Id)];
  return {
    deduplicationId: message?.deduplicationId ?? `entry ${f.Id ?? '?'}`,
    code: f.Code ?? 'Unknown',
    message: f.Message ?? '',
    senderFault: f.SenderFault === true,
  };
}
