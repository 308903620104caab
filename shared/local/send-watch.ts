/**
 * Lambda's SQS event source mapping long-polls without cost to the function; the local stand-in
 * polls only when something may be waiting. A SendWatch wraps the queue ports the functions send
 * through (the real SqsMessageQueue adapters stay underneath) and counts send calls per queue, so
 * the embedded loop asks a queue for messages only after a send since the last complete drain.
 */
import type { MessageQueue } from '../ports.js';

/** Send calls per queue id; a call that threw counts too (part of its batch may have been accepted). */
export class SendWatch<Id extends string> {
  readonly #sends = new Map<Id, number>();

  /** The number of send calls made to queue `id` through wrap(). */
  sends(id: Id): number {
    return this.#sends.get(id) ?? 0;
  }

  /** A MessageQueue that delegates to `inner` and counts each call against `id`. */
  wrap<T>(id: Id, inner: MessageQueue<T>): MessageQueue<T> {
    return {
      send: async (messages) => {
        try {
          await inner.send(messages);
        } finally {
          this.#sends.set(id, this.sends(id) + 1);
        }
      },
    };
  }
}
