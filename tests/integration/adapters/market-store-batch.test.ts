import { describe, expect, it } from 'vitest';
import { writeBatchFully } from '../../../shared/adapters/dynamo-market-store.js';
import { StoreUnavailableError } from '../../../shared/adapters/errors.js';

/** A batch sender that leaves the given numbers of requests unprocessed on successive calls. */
function sender(unprocessedPerCall: number[]) {
  const calls: number[][] = [];
  const send = async (requests: number[]) => {
    calls.push(requests);
    return requests.slice(0, unprocessedPerCall[calls.length - 1] ?? 0);
  };
  return { send, calls };
}

describe('writeBatchFully (BatchWriteItem UnprocessedItems retry)', () => {
  it('re-sends only the unprocessed requests, backing off exponentially, until none remain', async () => {
    const { send, calls } = sender([3, 1, 0]);
    const delays: number[] = [];
    await writeBatchFully(send, [1, 2, 3, 4, 5], { baseDelayMs: 10, sleep: async (ms) => { delays.push(ms); } });
    expect(calls).toEqual([[1, 2, 3, 4, 5], [1, 2, 3], [1]]);
    expect(delays).toEqual([10, 20]);
  });

  it('gives up with a retryable StoreUnavailableError when items stay unprocessed', async () => {
    const { send, calls } = sender([2, 2, 2, 2]);
    const err = await writeBatchFully(send, [1, 2], { maxAttempts: 3, sleep: async () => undefined }).catch((x: unknown) => x);
    expect(err).toBeInstanceOf(StoreUnavailableError);
    expect((err as StoreUnavailableError).retryable).toBe(true);
    expect(calls).toHaveLength(3);
  });

  it('sends nothing for an empty batch', async () => {
    const { send, calls } = sender([]);
    await writeBatchFully(send, []);
    expect(calls).toEqual([]);
  });
});
