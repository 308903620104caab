/**
 * Works a sliced parent (shared/domain/slicing.ts): sends each due child, in order, through executeOrder (the
 * same exactly-once path as any order: its own record, client order id and send lease), and moves the parent to
 * what its children did. Children are sent one after another: child i is created only once child i − 1 is final,
 * so a child whose send is unresolved holds the rest back (its ORDER_UNRESOLVED is rethrown, the delivery retried).
 * A child not yet due is left for a later call: a redelivery, or the manage loop on the reconcile schedule.
 */
import { ContentionError } from '../domain/errors.js';
import { effectiveStatus } from '../domain/kill-switch.js';
import { money } from '../domain/money.js';
import { isTerminal, transitionOrder, type OrderRecord, type OrderRequest, type OrderStatus } from '../domain/order.js';
import type { Policy } from '../domain/policy.js';
import { aggregateChildren, childRequest, sliceDueAt, sliceOrderId } from '../domain/slicing.js';
import type { Versioned } from '../ports.js';
import { bookExchangeFills } from './book-fills.js';
import type { ExecutionDeps } from './execute-order.js';

/** Runs one order (executeOrder, passed in to keep the import graph acyclic). */
export type RunOrder = (deps: ExecutionDeps, request: OrderRequest) => Promise<OrderRecord>;

/**
 * The parent after sending its due children: OPEN / PARTIALLY_FILLED while children remain, else final — FILLED
 * when they filled it all, CANCELED when the kill switch held unsent children back (entries always; exits unless
 * risk.allowExitsWhenHalted) or a child was refused or cancelled (no later child is sent then), EXPIRED otherwise —
 * with the parent's reservation released.
 * Returns `parent` itself when nothing changed.
 */
export async function workSliced(deps: ExecutionDeps, current: Versioned<OrderRecord>, policy: Policy, run: RunOrder): Promise<OrderRecord> {
  const parent = current.value;
  const plan = parent.slices!;
  const children: OrderRecord[] = [];
  let waiting = false;
  let held = false;
  for (let i = 0; i < plan.length; i++) {
    let child = (await deps.state.getOrder(sliceOrderId(parent.orderId, i)))?.value;
    if (!child) {
      const now = deps.clock.now();
      if (await haltedFor(deps, parent, policy)) { held = true; break; }
      if (now < sliceDueAt(parent, i)) { waiting = true; break; }
      child = await run(deps, childRequest(parent, i, aggregateChildren(children).filledQuantity, now));
    } else if (!isTerminal(child.status)) {
      child = await run(deps, child);
    }
    children.push(child);
    if (!isTerminal(child.status)) { waiting = true; break; }
    if (child.status === 'REJECTED' || child.status === 'CANCELED') { held = true; break; } // refused, or held at its admission (kill switch, mode change)
  }
  const sum = aggregateChildren(children);
  const figures = { filledQuantity: money(sum.filledQuantity), fees: money(sum.fees), ...(sum.averagePrice ? { averagePrice: money(sum.averagePrice) } : {}) };
  const now = deps.clock.now();
  if (waiting) {
    const to: OrderStatus = sum.filledQuantity.gt(0) ? 'PARTIALLY_FILLED' : 'OPEN';
    if (to === parent.status && (to === 'OPEN' || figures.filledQuantity === parent.filledQuantity)) return parent;
    return transitionOrder(parent, to, now, figures, `${children.length} of ${plan.length} slices sent`);
  }
  const to: OrderStatus = sum.filledQuantity.eq(parent.quantity) ? 'FILLED' : held ? 'CANCELED' : 'EXPIRED';
  await bookExchangeFills(deps, parent, [], true); // releases the parent's reservation; the children booked their own fills
  const unsent = plan.length - children.length;
  const stopped = children.at(-1)?.status;
  const note = unsent > 0 ? `${unsent} unsent slices canceled (${stopped === 'REJECTED' || stopped === 'CANCELED' ? `a slice was ${stopped}` : 'kill switch not armed'})` : `${plan.length} slices done`;
  return transitionOrder(parent, to, now, { ...figures, ...(to === 'CANCELED' ? { rejectReason: unsent > 0 ? 'SLICES_HELD' : 'SLICE_CANCELED' } : {}) }, note);
}

/** True when the kill switch, read now, holds the parent's unsent children back: a buy or entry, an exit unless allowExitsWhenHalted. */
async function haltedFor(deps: ExecutionDeps, parent: OrderRecord, policy: Policy): Promise<boolean> {
  const ks = await deps.state.getKillSwitch();
  const halted = effectiveStatus(ks?.value, deps.clock.now()) !== 'ARMED';
  return halted && (parent.side === 'buy' || parent.kind === 'entry' || !policy.risk.allowExitsWhenHalted);
}

/**
 * Carries a stored parent on (the manage loop, the kill switch's sweep): workSliced, written with a conditional
 * update (retried on conflict). Returns the parent as stored after, or undefined when there is none.
 */
export async function advanceSliced(deps: ExecutionDeps, policy: Policy, orderId: string, run: RunOrder): Promise<OrderRecord | undefined> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const stored = await deps.state.getOrder(orderId);
    if (!stored || isTerminal(stored.value.status) || stored.value.status === 'NEW') return stored?.value;
    const next = await workSliced(deps, stored, policy, run);
    if (next === stored.value || (await deps.state.updateOrder(next, stored.version))) return next;
  }
  throw new ContentionError(`order ${orderId}`);
}
