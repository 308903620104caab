import type { AdmissionRefusal, Decision } from '../domain/decision.js';
import { dec } from '../domain/money.js';
import { isTerminal, transitionOrder, type OrderRecord, type OrderRequest } from '../domain/order.js';
import type { Policy } from '../domain/policy.js';
import type { Alerts, Clock, StateStore } from '../ports.js';
import { followUpAttempt, followUpChain } from './book-fills.js';
import { sliceDueAt, sliceOrderId } from '../domain/slicing.js';
import { loadLedger } from './portfolio.js';

/** Why an order may not be sent, with a human-readable explanation. */
export interface Refusal {
  readonly code: AdmissionRefusal;
  readonly message: string;
}

/** Fields of a decision's own order that must reach execution unchanged. */
const DECIDED: readonly (keyof OrderRequest)[] = [
  'orderId', 'clientOrderId', 'intentId', 'strategy', 'symbol', 'side', 'kind', 'type', 'limitPrice', 'referencePrice', 'mode',
  'policyHash', 'createdAt', 'exitReason', 'sliceIntervalSeconds', 'parentOrderId', 'sliceIndex',
];

/**
 * Why execution must not send `order`, or undefined when it may. An order is sent only when it is the stored
 * approved decision's own order (every field it was decided with: ids, strategy, symbol, side, kind, type, quantity,
 * prices, reserved notional, mode, policy hash, time, exit reason),
 * or a follow-up the manage loop made of one: on that decision's followUpOrderId chain, same symbol, side,
 * kind and mode, its predecessor on record and final, no more than the predecessor left unfilled, and its own
 * reservation in the ledger (the manage loop reserves before it creates the follow-up; a message cannot).
 */
export async function admissionRefusal(
  deps: { state: StateStore; clock: Clock }, order: OrderRecord, policy: Policy,
): Promise<Refusal | undefined> {
  const decision = await deps.state.getDecision(order.intentId);
  if (!decision?.approved || !decision.order) {
    return { code: 'NO_APPROVED_DECISION', message: `no approved decision for intent ${order.intentId}` };
  }
  if (order.parentOrderId !== undefined) {
    const mismatch = await sliceMismatch(deps.state, decision, order, deps.clock.now());
    return mismatch ? { code: 'DECISION_MISMATCH', message: mismatch } : undefined;
  }
  if (followUpAttempt(order) === 0) {
    const mismatch = ownOrderMismatch(decision, order);
    return mismatch ? { code: 'DECISION_MISMATCH', message: mismatch } : undefined;
  }
  const mismatch = await followUpMismatch(deps.state, decision, order);
  if (mismatch) return { code: 'DECISION_MISMATCH', message: mismatch };
  const ledger = (await loadLedger(deps.state, policy, deps.clock.now())).value;
  return ledger.reservations[order.orderId]
    ? undefined : { code: 'DECISION_MISMATCH', message: `follow-up ${order.orderId} has no reservation in the ledger` };
}

function ownOrderMismatch(decision: Decision, order: OrderRecord): string | undefined {
  const decided = decision.order!;
  const differs = DECIDED.filter((k) => decided[k] !== order[k]);
  if (!dec(decided.quantity).eq(order.quantity)) differs.push('quantity');
  if (!dec(decided.reservedNotional).eq(order.reservedNotional)) differs.push('reservedNotional');
  if ((decided.slices ?? []).join() !== (order.slices ?? []).join()) differs.push('slices');
  return differs.length ? `order ${order.orderId} differs from its decision in ${differs.join(', ')}` : undefined;
}

async function followUpMismatch(state: StateStore, decision: Decision, order: OrderRecord): Promise<string | undefined> {
  const decided = decision.order!;
  const chain = followUpChain(order);
  if (chain[0] !== decided.orderId) return `follow-up ${order.orderId} does not descend from order ${decided.orderId}`;
  const differs = (['strategy', 'symbol', 'side', 'kind', 'mode'] as const).filter((k) => decided[k] !== order[k]);
  if (differs.length) return `follow-up ${order.orderId} differs from its decision in ${differs.join(', ')}`;
  const prev = (await state.getOrder(chain.at(-1)!))?.value;
  if (!prev || prev.symbol !== order.symbol || prev.side !== order.side) return `follow-up ${order.orderId}: its predecessor is not on record`;
  if (!isTerminal(prev.status)) return `follow-up ${order.orderId}: its predecessor ${prev.orderId} is still ${prev.status}`;
  const left = dec(prev.quantity).sub(prev.filledQuantity);
  return dec(order.quantity).gt(left) ? `follow-up ${order.orderId} asks ${order.quantity}, its predecessor left ${left.toFixed()}` : undefined;
}

/**
 * A slice child is sent only as the decision's own sliced order's index-th child: the id derived from the parent's
 * and the index, the plan's quantity, a market order, the parent's symbol, side, kind and mode, the parent on record and
 * not final, the child due, and every earlier child on record and final and not refused or cancelled (as workSliced sends them).
 */
async function sliceMismatch(state: StateStore, decision: Decision, order: OrderRecord, now: number): Promise<string | undefined> {
  const decided = decision.order!;
  const index = order.sliceIndex ?? -1;
  const planned = decided.slices?.[index];
  if (order.parentOrderId !== decided.orderId || planned === undefined || order.orderId !== sliceOrderId(decided.orderId, index)) {
    return `slice ${order.orderId} is not a child of order ${decided.orderId}`;
  }
  const differs: string[] = (['strategy', 'symbol', 'side', 'kind', 'mode'] as const).filter((k) => decided[k] !== order[k]);
  if (!dec(planned).eq(order.quantity)) differs.push('quantity');
  if (order.type !== 'market' || order.limitPrice !== undefined) differs.push('type');
  if (differs.length) return `slice ${order.orderId} differs from its parent in ${differs.join(', ')}`;
  const parent = (await state.getOrder(decided.orderId))?.value;
  if (!parent || isTerminal(parent.status)) return `slice ${order.orderId}: its parent is ${parent ? parent.status : 'not on record'}`;
  if (now < sliceDueAt(parent, index)) return `slice ${order.orderId} is not due until ${new Date(sliceDueAt(parent, index)).toISOString()}`;
  for (let i = 0; i < index; i++) {
    const earlier = (await state.getOrder(sliceOrderId(decided.orderId, i)))?.value;
    if (!earlier || !isTerminal(earlier.status) || earlier.status === 'REJECTED' || earlier.status === 'CANCELED') {
      return `slice ${order.orderId}: earlier slice ${i} is ${earlier ? earlier.status : 'not sent yet'}`;
    }
  }
  return undefined;
}

/** NEW → REJECTED with the refusal's code, after a critical ORDER_REFUSED alert; nothing is sent or released. */
export async function refuseOrder(deps: { alerts: Alerts; clock: Clock }, order: OrderRecord, refusal: Refusal): Promise<OrderRecord> {
  const now = deps.clock.now();
  await deps.alerts.publish({
    severity: 'critical', kind: 'ORDER_REFUSED', at: now, title: `Order ${order.clientOrderId} refused: ${refusal.code}`,
    message: `${refusal.message}. Execution sends only orders that match a stored approved decision.`,
    details: { code: refusal.code, symbol: order.symbol, side: order.side, quantity: order.quantity, intentId: order.intentId, clientOrderId: order.clientOrderId },
  });
  return transitionOrder(order, 'REJECTED', now, { rejectReason: refusal.code }, refusal.message);
}
