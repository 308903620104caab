/** In-memory FIFO MessageQueue that deduplicates like SQS: one message per dedup id per 5 minutes. */
import type { Clock, MessageQueue, QueueMessage } from '../ports.js';

/** SQS FIFO deduplication interval. */
export const FIFO_DEDUP_WINDOW_MS = 5 * 60_000;

/** Records accepted messages in send order; a repeat dedup id inside the window is accepted but dropped. */
export class MemoryMessageQueue<T> implements MessageQueue<T> {
  readonly #accepted: QueueMessage<T>[] = [];
  readonly #seen = new Map<string, number>();

  constructor(private readonly clock: Clock) {}

  /** Messages that were enqueued (after deduplication), oldest first. */
  get sent(): readonly QueueMessage<T>[] {
    return this.#accepted;
  }

  async send(messages: readonly QueueMessage<T>[]): Promise<void> {
    const now = this.clock.now();
    for (const m of messages) {
      const firstSeen = this.#seen.get(m.deduplicationId);
      if (firstSeen !== undefined && now - firstSeen < FIFO_DEDUP_WINDOW_MS) continue;
      this.#seen.set(m.deduplicationId, now);
      // JSON round trip, as on the wire: what SQS could not carry is not carried here either.
      this.#accepted.push(JSON.parse(JSON.stringify(m)) as QueueMessage<T>);
    }
  }

  /** Removes and returns every enqueued message (a consumer's view). */
  drain(): QueueMessage<T>[] {
    return this.#accepted.splice(0);
  }
}
