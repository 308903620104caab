import { DeleteMessageBatchCommand, GetQueueAttributesCommand, ReceiveMessageCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqsClient } from '../../../shared/adapters/aws-clients.js';
import { FIFO_DEDUP_WINDOW_MS, MemoryMessageQueue } from '../../../shared/adapters/memory-message-queue.js';
import { QueueSendError, SqsMessageQueue } from '../../../shared/adapters/sqs-message-queue.js';
import { startEmulators, type Emulators } from '../../../shared/local/emulators.js';
import { provision } from '../../../shared/local/provision.js';

let e: Emulators;
let sqs: SQSClient;
let n = 0;

beforeAll(async () => {
  e = await startEmulators();
  sqs = sqsClient({ endpoint: e.sqsEndpoint, region: e.region, credentials: e.credentials });
});
afterAll(async () => {
  sqs.destroy();
  await e.stop();
});

/** A fresh signals.fifo (with its DLQ) per test. */
async function freshQueue(): Promise<string> {
  return (await provision(e, `sqsq${++n}`)).queues.signals.url;
}

async function depth(url: string): Promise<number> {
  const r = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages'] }));
  return Number(r.Attributes?.ApproximateNumberOfMessages);
}

/** Receives and deletes until `count` messages arrived (deleting unblocks the next message of each FIFO group). */
async function receive(url: string, count: number): Promise<Message[]> {
  const out: Message[] = [];
  while (out.length < count) {
    const r = await sqs.send(new ReceiveMessageCommand({
      QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, MessageSystemAttributeNames: ['MessageGroupId', 'MessageDeduplicationId'],
    }));
    const batch = r.Messages ?? [];
    if (batch.length) {
      await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: url, Entries: batch.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })) }));
    }
    out.push(...batch);
  }
  return out;
}

describe('SqsMessageQueue', () => {
  it('sends 23 messages in batches of 10 with JSON bodies, group ids and dedup ids', async () => {
    const url = await freshQueue();
    const queue = new SqsMessageQueue<{ i: number; price: string }>({ queueUrl: url, client: sqs });
    const messages = Array.from({ length: 23 }, (_, i) => ({ body: { i, price: `${i}.5` }, groupId: `SYM${i % 3}`, deduplicationId: `d${i}` }));
    await queue.send(messages);

    expect(await depth(url)).toBe(23);
    const got = await receive(url, 23);
    const seen = got.map((m) => ({
      body: JSON.parse(m.Body!), groupId: m.Attributes?.MessageGroupId, deduplicationId: m.Attributes?.MessageDeduplicationId,
    })).sort((a, b) => a.body.i - b.body.i);
    expect(seen).toEqual(messages);
  });

  it('delivers one message when the same dedup id is sent twice, as SQS FIFO deduplicates', async () => {
    const url = await freshQueue();
    const queue = new SqsMessageQueue<{ v: number }>({ queueUrl: url, client: sqs });
    await queue.send([{ body: { v: 1 }, groupId: 'BTC/USDT', deduplicationId: 'intent-abc' }]);
    await queue.send([{ body: { v: 2 }, groupId: 'BTC/USDT', deduplicationId: 'intent-abc' }]);

    expect(await depth(url)).toBe(1);
    const [only] = await receive(url, 1);
    expect(JSON.parse(only!.Body!)).toEqual({ v: 1 });
  });

  it('sends the good entries and throws a retryable QueueSendError naming the failed one', async () => {
    const url = await freshQueue();
    const queue = new SqsMessageQueue<{ text: string }>({ queueUrl: url, client: sqs });
    const error = await queue.send([
      { body: { text: 'fine' }, groupId: 'g', deduplicationId: 'good-1' },
      { body: { text: '\uFFFF' }, groupId: 'g', deduplicationId: 'bad-1' },
    ]).catch((err: unknown) => err);

    expect(error).toBeInstanceOf(QueueSendError);
    const sendError = error as QueueSendError;
    expect(sendError.retryable).toBe(true);
    expect(sendError.code).toBe('QUEUE_SEND_FAILED');
    expect(sendError.failed).toEqual([expect.objectContaining({ deduplicationId: 'bad-1', code: 'InvalidMessageContents' })]);
    expect(sendError.message).toContain('bad-1');
    expect(await depth(url)).toBe(1);
  });

  it('sends nothing for an empty list', async () => {
    const url = await freshQueue();
    await new SqsMessageQueue({ queueUrl: url, client: sqs }).send([]);
    expect(await depth(url)).toBe(0);
  });
});

describe('MemoryMessageQueue (the in-memory twin used by the backtest and unit tests)', () => {
  it('keeps one message per dedup id within 5 minutes of its clock, like SQS FIFO', async () => {
    const clock = { t: 1_000_000, now() { return this.t; } };
    const queue = new MemoryMessageQueue<{ v: number }>(clock);
    await queue.send([{ body: { v: 1 }, groupId: 'g', deduplicationId: 'd' }]);
    clock.t += FIFO_DEDUP_WINDOW_MS - 1;
    await queue.send([{ body: { v: 2 }, groupId: 'g', deduplicationId: 'd' }, { body: { v: 3 }, groupId: 'g', deduplicationId: 'e' }]);
    expect(queue.sent.map((m) => m.body.v)).toEqual([1, 3]);

    clock.t += 1;
    await queue.send([{ body: { v: 4 }, groupId: 'g', deduplicationId: 'd' }]);
    expect(queue.drain().map((m) => m.body.v)).toEqual([1, 3, 4]);
    expect(queue.sent).toEqual([]);
  });
});
