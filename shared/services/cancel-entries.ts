import type { EntryCancelRequest } from '../domain/decision.js';
import { ContentionError, StratusError } from '../domain/errors.js';
import { effectiveStatus, lastResetAt, type KillSwitchState } from '../domain/kill-switch.js';
import { isTerminal, transitionOrder, type OrderRecord, type OrderStatus } from '../domain/order.js';
import type { Policy } from '../domain/policy.js';
import type { ExchangeOrder } from '../ports.js';
import { bookExchangeFills } from './book-fills.js';
import { applyExchangeState, executeOrder, watched } from './execute-order.js';
import { advanceSliced } from './execute-sliced.js';
import { isSlicedParent } from '../domain/slicing.js';
import type { KillSwitchDeps } from './trip-kill-switch.js';

/** What one cancel sweep did; client order ids throughout. */
export interface SweepOutcome {
  /** Entry orders this sweep moved to CANCELED. */
  readonly canceled: readonly string[];
  /** LIVE entries whose cancel was handed to execution on orders.fifo (it holds the exchange keys). */
  readonly cancelRequested: readonly string[];
  /** SUBMITTING entries the exchange does not show: left to the submit path, whose pre-send check cancels them. */
  readonly unresolved: readonly string[];
  readonly cancelFailures: readonly { readonly clientOrderId: string; readonly error: string }[];
}

/** What a cancel did to one order: its status after, or 'UNRESOLVED' (SUBMITTING, not on the exchange). */
export type CancelResult = OrderStatus | 'UNRESOLVED';

const SWEPT: readonly OrderStatus[] = ['NEW', 'SUBMITTING', 'OPEN', 'PARTIALLY_FILLED'];
const ATTEMPTS = 5;

/**
 * The kill switch's cancel sweep over every entry (a buy: the side decides, long-only) not yet final. NEW
 * entries are CANCELED (KILL_SWITCH_NOT_ARMED) in the state table, then their reservation released. With
 * `deps.cancels`, a LIVE entry's cancel goes to execution (orders.fifo, group = symbol, dedup id = order id +
 * trip count); otherwise it is cancelled here: a SUBMITTING entry is first asked for on the exchange by client
 * order id (cancelled if open, booked if it already closed, left alone if not found). Exits are never touched.
 */
export async function cancelOpenEntries(deps: KillSwitchDeps, policy: Policy, tripCount: number): Promise<SweepOutcome> {
  const out = { canceled: [] as string[], cancelRequested: [] as string[], unresolved: [] as string[], cancelFailures: [] as SweepOutcome['cancelFailures'][number][] };
  const fail = (o: OrderRecord, error: unknown) => out.cancelFailures.push({ clientOrderId: o.clientOrderId, error: error instanceof Error ? error.message : String(error) });
  const routed: OrderRecord[] = [];
  for (const order of (await deps.state.listOrders({ statuses: SWEPT })).filter((o) => o.side === 'buy')) {
    if (order.status !== 'NEW' && order.mode === 'LIVE' && deps.cancels) { routed.push(order); continue; }
    try {
      const result = await cancelEntry(deps, policy, order);
      if (result === 'CANCELED') out.canceled.push(order.clientOrderId);
      if (result === 'UNRESOLVED') out.unresolved.push(order.clientOrderId);
    } catch (error) {
      fail(order, error);
    }
  }
  if (routed.length) {
    const requestedAt = deps.clock.now();
    try {
      await deps.cancels!.send(routed.map((o) => ({
        body: { instruction: 'cancel-entry', orderId: o.orderId, clientOrderId: o.clientOrderId, symbol: o.symbol, tripCount, requestedAt },
        groupId: o.symbol, deduplicationId: `${o.orderId}-trip-${tripCount}`,
      })));
      out.cancelRequested.push(...routed.map((o) => o.clientOrderId));
    } catch (error) {
      for (const o of routed) fail(o, error);
    }
  }
  return out;
}

/**
 * Execution's side of a routed cancel: cancels the named entry as the sweep would (see cancelEntry). A request
 * for an order that is not one of our entries, or for a trip that has not happened, changes nothing.
 */
export async function cancelRequestedEntry(deps: KillSwitchDeps, request: EntryCancelRequest): Promise<CancelResult | 'IGNORED'> {
  const stored = (await deps.state.getOrder(request.orderId))?.value;
  const ks = (await deps.state.getKillSwitch())?.value;
  if (!stored || stored.clientOrderId !== request.clientOrderId || stored.symbol !== request.symbol || stored.side !== 'buy') return 'IGNORED';
  if (!tripCovers(ks, request, stored, deps.clock.now())) return 'IGNORED';
  if (isTerminal(stored.status)) return stored.status;
  return cancelEntry(deps, (await deps.policies.load()).policy, stored);
}

/**
 * Whether the trip a request names happened and covers the entry: trip 0 is no trip, a count above the switch's is
 * one that never happened, and an entry decided after the switch was re-armed is not the trip's to cancel.
 */
function tripCovers(ks: KillSwitchState | undefined, request: EntryCancelRequest, order: OrderRecord, now: number): boolean {
  if (request.tripCount < 1 || (ks?.tripCount ?? 0) < request.tripCount) return false;
  const reset = lastResetAt(ks);
  return effectiveStatus(ks, now) !== 'ARMED' || reset === undefined || order.createdAt <= reset;
}

/** Cancels one entry by its status: NEW in the state table; SUBMITTING after a lookup; OPEN/PARTIALLY_FILLED on its venue. */
async function cancelEntry(deps: KillSwitchDeps, policy: Policy, order: OrderRecord): Promise<CancelResult> {
  if (order.status === 'NEW') {
    const moved = await cancelNew(deps, order.orderId);
    if (typeof moved === 'string') return moved;
    return isTerminal(moved.status) ? moved.status : cancelEntry(deps, policy, moved);
  }
  if (isSlicedParent(order)) {
    // Never on the exchange: its unsent children are held back (the switch is not armed), its working ones are swept as entries.
    return (await advanceSliced(deps, policy, order.orderId, executeOrder))?.status ?? 'CANCELED';
  }
  const exchange = deps.exchangeFor(policy, order.mode);
  if (order.status === 'SUBMITTING') {
    const ex = await watched(deps, policy, 'read', () => exchange.fetchOrderByClientId(order.symbol, order.clientOrderId));
    if (!ex) return 'UNRESOLVED';
    if (ex.status !== 'open') return settle(deps, order.orderId, ex);
  }
  let ex: ExchangeOrder | undefined;
  try {
    ex = await watched(deps, policy, 'order', () => exchange.cancelOrder(order.symbol, order.clientOrderId));
  } catch (error) {
    if (!(error instanceof StratusError) || error.retryable) throw error;
    ex = await watched(deps, policy, 'read', () => exchange.fetchOrderByClientId(order.symbol, order.clientOrderId));
    if (!ex) throw error;
  }
  return settle(deps, order.orderId, ex);
}

/**
 * NEW → CANCELED with a conditional write, then releases the reservation (bookFills releases only what is
 * still held, so a replay never releases twice). Returns the record instead when execution moved it on first.
 */
async function cancelNew(deps: KillSwitchDeps, orderId: string): Promise<'CANCELED' | OrderRecord> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const stored = await deps.state.getOrder(orderId);
    if (!stored) return 'CANCELED';
    if (stored.value.status !== 'NEW') return stored.value;
    const canceled = transitionOrder(stored.value, 'CANCELED', deps.clock.now(), { rejectReason: 'KILL_SWITCH_NOT_ARMED' }, 'kill switch tripped before it was sent');
    if (await deps.state.updateOrder(canceled, stored.version)) {
      await bookExchangeFills(deps, canceled, [], true);
      return 'CANCELED';
    }
  }
  throw new ContentionError(`order ${orderId}`);
}

/** Stores the exchange's view of the order (booking its fills): CANCELED, or FILLED if it filled first. */
async function settle(deps: KillSwitchDeps, orderId: string, ex: ExchangeOrder): Promise<CancelResult> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const stored = await deps.state.getOrder(orderId);
    if (!stored || isTerminal(stored.value.status)) return stored?.value.status ?? 'UNRESOLVED';
    const next = await applyExchangeState(deps, stored.value, ex);
    if (next === stored.value || (await deps.state.updateOrder(next, stored.version))) return next.status;
  }
  throw new ContentionError(`order ${orderId}`);
}
