import { dec } from '../domain/money.js';
import type { OrderRecord } from '../domain/order.js';

/** What one executed order adds to the execution metrics; fillRatio only for an order the venue saw. */
export interface OrderFigures {
  readonly sent: 0 | 1;
  readonly filled: 0 | 1;
  readonly rejected: 0 | 1;
  /** Filled / ordered quantity, 0..1; undefined when the order never reached the venue. */
  readonly fillRatio?: number;
}

/**
 * The order's figures: sent when the venue gave it an id or refused it (REJECTED is only the venue's answer),
 * filled when any quantity filled. Cancelled before sending (kill switch, mode change) counts as not sent.
 */
export function orderFigures(order: Pick<OrderRecord, 'status' | 'quantity' | 'filledQuantity' | 'exchangeOrderId'>): OrderFigures {
  const rejected = order.status === 'REJECTED';
  const sent = rejected || order.exchangeOrderId !== undefined;
  const quantity = dec(order.quantity);
  const filledQty = dec(order.filledQuantity);
  const ratio = quantity.gt(0) ? Math.min(1, filledQty.div(quantity).toNumber()) : 0;
  return { sent: sent ? 1 : 0, filled: filledQty.gt(0) ? 1 : 0, rejected: rejected ? 1 : 0, ...(sent ? { fillRatio: ratio } : {}) };
}
