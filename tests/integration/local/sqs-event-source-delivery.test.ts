import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventSourceConfigError, SqsEventSource } from '../../../shared/local/sqs-event-source.js';
import { failBodies, recordingSource, sendAll, startHarness, type Harness } from './sqs-fixtures.js';

let h: Harness;
beforeAll(async () => { h = await startHarness('esm-delivery'); });
afterAll(async () => { await h?.stop(); });

const signals = async () => {
  const p = await h.stack();
  return { p, q: { url: p.queues.signals.url, arn: p.queues.signals.arn } };
};

describe('SqsEventSource delivers like Lambda', () => {
  it('builds the SQSEvent Lambda builds: system attributes, lowercase message attributes, md5, source and ARN', async () => {
    const { q } = await signals();
    const body = JSON.stringify({ intentId: 'i-1', symbol: 'BTC/USDT' });
    await sendAll(h.sqs, q.url, [{
      body, group: 'BTC/USDT', dedup: 'intent-1',
      attributes: {
        kind: { DataType: 'String', StringValue: 'intent' },
        n: { DataType: 'Number', StringValue: '42' },
        bin: { DataType: 'Binary', BinaryValue: new Uint8Array([1, 2, 3]) },
      },
    }]);
    const { source, invocations } = recordingSource(h, q, () => undefined);

    expect(await source.pollOnce()).toEqual({ received: 1, deleted: 1, failed: 0 });

    const [record, ...rest] = invocations[0]!.event.Records;
    expect(rest).toEqual([]);
    expect(record).toMatchObject({
      body, eventSource: 'aws:sqs', eventSourceARN: q.arn, awsRegion: h.e.region,
      md5OfBody: createHash('md5').update(body).digest('hex'),
      attributes: { ApproximateReceiveCount: '1', MessageGroupId: 'BTC/USDT', MessageDeduplicationId: 'intent-1' },
      messageAttributes: {
        kind: { stringValue: 'intent', stringListValues: [], binaryListValues: [], dataType: 'String' },
        n: { stringValue: '42', stringListValues: [], binaryListValues: [], dataType: 'Number' },
        bin: { binaryValue: 'AQID', stringListValues: [], binaryListValues: [], dataType: 'Binary' },
      },
    });
    expect(record!.messageId).toMatch(/\S/);
    expect(record!.receiptHandle).toMatch(/\S/);
    expect(record!.md5OfMessageAttributes).toMatch(/^[0-9a-f]{32}$/);
    expect(record!.attributes.SentTimestamp).toMatch(/^\d{13}$/);
    expect(record!.attributes.ApproximateFirstReceiveTimestamp).toMatch(/^\d{13}$/);
    expect(record!.attributes.SenderId).toMatch(/\S/);
    expect(record!.attributes.SequenceNumber).toMatch(/^\d+$/);
  });

  it('passes a Lambda context for the function with a fresh awsRequestId per invocation', async () => {
    const { q } = await signals();
    await sendAll(h.sqs, q.url, [{ body: '1', group: 'a' }, { body: '2', group: 'a' }]);
    const { source, invocations } = recordingSource(h, q, () => undefined, { timeoutSeconds: 30 });

    await source.drain({ maxWaitMs: 10_000 });

    expect(invocations).toHaveLength(2);
    const [c1, c2] = invocations.map((i) => i.context);
    expect(c1).toMatchObject({ functionName: 'risk', functionVersion: '$LATEST', invokedFunctionArn: `arn:aws:lambda:${h.e.region}:000000000000:function:risk` });
    expect(c1!.getRemainingTimeInMillis()).toBeLessThanOrEqual(30_000);
    expect(c1!.getRemainingTimeInMillis()).toBeGreaterThan(0);
    expect(c1!.awsRequestId).not.toBe(c2!.awsRequestId);
  });

  it('keeps each message group in send order across batches, while other groups go on', async () => {
    const { q } = await signals();
    const sent = ['A1', 'B1', 'A2', 'B2', 'C1', 'A3', 'B3', 'A4', 'C2', 'A5', 'B4', 'A6'];
    await sendAll(h.sqs, q.url, sent.map((body) => ({ body, group: body[0]! })));
    const { source, invocations } = recordingSource(h, q, () => undefined);

    expect((await source.drain({ maxWaitMs: 10_000 })).drained).toBe(true);

    const order = invocations.flatMap((i) => i.event.Records.map((r) => r.body));
    expect(order.toSorted()).toEqual(sent.toSorted());
    for (const g of ['A', 'B', 'C']) expect(order.filter((b) => b.startsWith(g))).toEqual(sent.filter((b) => b.startsWith(g)));
    for (const inv of invocations) {
      const seqByGroup = new Map<string, bigint>();
      for (const r of inv.event.Records) {
        const seq = BigInt(r.attributes.SequenceNumber!);
        expect(seq > (seqByGroup.get(r.attributes.MessageGroupId!) ?? -1n)).toBe(true);
        seqByGroup.set(r.attributes.MessageGroupId!, seq);
      }
    }
  });

  it('holds back the rest of a group until its failed record succeeds', async () => {
    const { q } = await signals();
    await sendAll(h.sqs, q.url, ['A1', 'B1', 'A2', 'B2', 'A3'].map((body) => ({ body, group: body[0]! })));
    const { source, deliveries } = recordingSource(h, q, (records) =>
      failBodies(records.filter((r) => r.attributes.ApproximateReceiveCount === '1'), ['A2']));

    expect((await source.drain({ maxWaitMs: 15_000 })).drained).toBe(true);

    expect(deliveries().filter((d) => d.startsWith('A'))).toEqual(['A1#1', 'A2#1', 'A2#2', 'A3#1']);
    expect(deliveries().filter((d) => d.startsWith('B'))).toEqual(['B1#1', 'B2#1']);
  });

  it('never invokes the function for an empty queue, and drain() returns at once', async () => {
    const { q } = await signals();
    const { source, invocations } = recordingSource(h, q, () => undefined);

    expect(await source.pollOnce()).toEqual({ received: 0, deleted: 0, failed: 0 });
    expect(await source.drain({ maxWaitMs: 5_000 })).toEqual({ drained: true, polls: 1, invocations: 0 });
    expect(invocations).toEqual([]);
    expect(source.stats()).toEqual({ invocations: 0, records: 0, failures: 0, errors: 0 });
  });

  it.each([0, 11, 2.5])('refuses batchSize %s, which Lambda does not allow for a FIFO queue', (batchSize) => {
    expect(() => new SqsEventSource({
      sqs: h.sqs, queueUrl: 'http://127.0.0.1/q.fifo', queueArn: 'arn:aws:sqs:us-east-1:000000000000:q.fifo',
      batchSize, functionName: 'risk', region: 'us-east-1', handler: async () => undefined,
    })).toThrow(EventSourceConfigError);
  });
});
