/**
 * What a live session does at start with the work a previous one left in its in-memory queues: DynamoDB is the
 * source of truth. An approved decision whose order record does not exist had its order message in flight when
 * the process died; if it is recent, the order is delivered again (execution creates the record conditionally
 * and admits only an order matching its approved decision, so a redelivery can never place it twice). Older
 * ones are left alone: a late entry at a price minutes old is worse than none (reconcile releases their
 * reservations after ORPHAN_RESERVATION_MS). Orders already recorded (NEW, SUBMITTING, OPEN) are reconcile's.
 */
import type { OrderRequest } from '../domain/order.js';
import type { OrderQueue, StateStore } from '../ports.js';

/** Decisions at most this old (ms) get their lost order delivered again: two signal cadences. */
export const REDELIVER_WITHIN_MS = 120_000;

/** Sends again the orders of approved decisions since `now - withinMs` that never got an order record; returns them. */
export async function redeliverLostOrders(
  deps: { readonly state: Pick<StateStore, 'listDecisions' | 'getOrder'>; readonly orders: OrderQueue },
  now: number, withinMs = REDELIVER_WITHIN_MS,
): Promise<OrderRequest[]> {
  const lost: OrderRequest[] = [];
  for (const d of await deps.state.listDecisions({ since: now - withinMs })) {
    if (d.approved && d.order && d.decidedAt >= now - withinMs && !(await deps.state.getOrder(d.order.orderId))) lost.push(d.order);
  }
  if (lost.length) await deps.orders.send(lost.map((o) => ({ body: o, groupId: o.symbol, deduplicationId: o.orderId })));
  return lost;
}
