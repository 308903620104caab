import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUEUES } from '../../../shared/resources.js';
import { failBodies, queueWithoutRedrive, recordingSource, sendAll, startHarness, type Harness } from './sqs-fixtures.js';

let h: Harness;
beforeAll(async () => { h = await startHarness('esm-retry'); });
afterAll(async () => { await h?.stop(); });

const signals = async () => {
  const p = await h.stack();
  return { p, q: { url: p.queues.signals.url, arn: p.queues.signals.arn }, dlqUrl: p.queues.signals.dlqUrl };
};

describe('SqsEventSource retries like Lambda', () => {
  it('deletes the records that succeeded and redelivers only the one reported in batchItemFailures, with receive count 2', async () => {
    const { q, dlqUrl } = await signals();
    await sendAll(h.sqs, q.url, [{ body: 'a', group: 'g1' }, { body: 'b', group: 'g2' }, { body: 'c', group: 'g3' }]);
    const { source, invocations, deliveries } = recordingSource(h, q, (records) =>
      failBodies(records.filter((r) => r.attributes.ApproximateReceiveCount === '1'), ['b']));

    const first = await source.pollOnce();
    expect(first).toEqual({ received: 3, deleted: 2, failed: 1 });
    const drained = await source.drain({ maxWaitMs: 15_000 });

    expect(drained.drained).toBe(true);
    expect(deliveries()).toEqual(['a#1', 'b#1', 'c#1', 'b#2']);
    const firstB = invocations[0]!.event.Records.find((r) => r.body === 'b')!;
    expect(invocations[1]!.event.Records.map((r) => r.messageId)).toEqual([firstB.messageId]);
    expect(source.stats()).toEqual({ invocations: 2, records: 4, failures: 1, errors: 0 });
    expect(await source.dlqDepth(dlqUrl)).toBe(0);
    expect(await source.pending()).toBe(0);
  });

  it('moves a record that always fails to the DLQ after maxReceiveCount receives, and drain() then finishes', async () => {
    const { q, dlqUrl } = await signals();
    await sendAll(h.sqs, q.url, [{ body: 'poison', group: 'p' }, { body: 'fine', group: 'f' }]);
    const { source, deliveries } = recordingSource(h, q, (records) => failBodies(records, ['poison']));

    const drained = await source.drain({ maxWaitMs: 20_000 });

    const max = QUEUES.signals.maxReceiveCount;
    expect(drained.drained).toBe(true);
    expect(deliveries().filter((d) => d.startsWith('poison'))).toEqual(Array.from({ length: max }, (_, i) => `poison#${i + 1}`));
    expect(deliveries().filter((d) => d.startsWith('fine'))).toEqual(['fine#1']);
    expect(await source.dlqDepth(dlqUrl)).toBe(1);
    const dead = await h.sqs.send(new ReceiveMessageCommand({ QueueUrl: dlqUrl, MaxNumberOfMessages: 10 }));
    expect(dead.Messages?.map((m) => m.Body)).toEqual(['poison']);
    expect(source.stats()).toMatchObject({ invocations: max, records: max + 1, failures: max, errors: 0 });
  });

  it('leaves the whole batch on the queue when the handler throws, and redelivers every record', async () => {
    const { q } = await signals();
    await sendAll(h.sqs, q.url, [{ body: 'x', group: 'gx' }, { body: 'y', group: 'gy' }]);
    const { source, invocations, deliveries } = recordingSource(h, q, (_records, n) => {
      if (n === 0) throw new Error('table unavailable');
    });

    const first = await source.pollOnce();
    expect(first).toMatchObject({ received: 2, deleted: 0, failed: 2, error: new Error('table unavailable') });
    await source.drain({ maxWaitMs: 15_000 });

    expect(deliveries()).toEqual(['x#1', 'y#1', 'x#2', 'y#2']);
    expect(invocations.map((i) => i.outcome)).toEqual(['threw', 'ok']);
    expect(source.stats()).toEqual({ invocations: 2, records: 4, failures: 2, errors: 1, lastError: 'Error: table unavailable' });
  });

  it('fails the whole batch when batchItemFailures names a record that is not in it', async () => {
    const { q } = await signals();
    await sendAll(h.sqs, q.url, [{ body: 'm', group: 'gm' }, { body: 'n', group: 'gn' }]);
    const { source, deliveries } = recordingSource(h, q, (_records, n) =>
      (n === 0 ? { batchItemFailures: [{ itemIdentifier: 'not-a-message-id' }] } : undefined));

    expect(await source.pollOnce()).toEqual({ received: 2, deleted: 0, failed: 2 });
    await source.drain({ maxWaitMs: 15_000 });
    expect(deliveries()).toEqual(['m#1', 'n#1', 'm#2', 'n#2']);
  });

  it('ignores a returned batch response when ReportBatchItemFailures is off, deleting the whole batch', async () => {
    const { q } = await signals();
    await sendAll(h.sqs, q.url, [{ body: 'r', group: 'gr' }, { body: 's', group: 'gs' }]);
    const { source, deliveries } = recordingSource(h, q, (records) => failBodies(records, ['r']), { reportBatchItemFailures: false });

    expect(await source.pollOnce()).toEqual({ received: 2, deleted: 2, failed: 0 });
    expect((await source.drain({ maxWaitMs: 15_000 })).drained).toBe(true);
    expect(deliveries()).toEqual(['r#1', 's#1']);
  });

  it('gives up after maxWaitMs and reports drained: false while a record keeps failing on a queue without redrive', async () => {
    const q = await queueWithoutRedrive(h, 'esm-retry-no-redrive');
    await sendAll(h.sqs, q.url, [{ body: 'stuck', group: 'g' }]);
    const { source } = recordingSource(h, q, () => { throw new Error('always'); });

    const drained = await source.drain({ maxWaitMs: 300 });

    expect(drained.drained).toBe(false);
    expect(drained.invocations).toBeGreaterThanOrEqual(1);
    expect(await source.pending()).toBe(1);
  });
});
