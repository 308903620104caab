/**
 * The send of a SUBMITTING order (executeOrder's second half): exactly once, also when the exchange is slow
 * to show an order it accepted. See shared/domain/placement.ts for the send states.
 */
import { StratusError } from '../domain/errors.js';
import { effectiveStatus } from '../domain/kill-switch.js';
import { transitionOrder, type OrderRecord } from '../domain/order.js';
import { afterNotFound, SEND_NOTE, sendState, type SendState, type SettlePolicy } from '../domain/placement.js';
import type { Policy } from '../domain/policy.js';
import type { Alerts, Clock, Exchange, ExchangeOrder, StateStore, Versioned } from '../ports.js';
import { QUEUES } from '../resources.js';
import { applyExchangeState, bookExchangeFills, type MarketOf } from './book-fills.js';
import type { ExecutionDeps } from './execute-order.js';
import { watched } from './watch-exchange.js';

/**
 * How long a send belongs to the delivery that claimed it (wrote SUBMITTING): longer than a delivery can
 * live (the execution function's timeout) plus a margin for the exchange's recvWindow, after which a
 * request signed by that delivery can no longer be executed. Shorter than the queue's visibility timeout.
 */
export const SUBMIT_LEASE_MS = (QUEUES.orders.consumerTimeoutSeconds + 60) * 1000;

/**
 * SUBMITTING → exchange outcome. Asks the exchange about the client order id first. Only the delivery that
 * claimed the send places the order, and only after re-reading the kill switch (an entry, or an exit the
 * policy holds while halted, is CANCELED instead, its reservation released). Another delivery that finds the
 * order SUBMITTING and unknown to the exchange claims it (a conditional write, so one wins) only when the
 * last send is known not to have been made; while the claimant's lease runs it throws ORDER_IN_FLIGHT, and
 * once the send's outcome is unknown it records the not-found answer and throws ORDER_UNRESOLVED (both
 * retryable) until policy.execution.settleNotFoundChecks answers span settleWindowSeconds (see sendState).
 */
export async function submit(
  deps: ExecutionDeps, exchange: Exchange, current: Versioned<OrderRecord>, policy: Policy, marketOf: MarketOf, claimed: boolean,
): Promise<OrderRecord> {
  const order = current.value;
  const lookUp = () => watched(deps, policy, 'read', () => exchange.fetchOrderByClientId(order.symbol, order.clientOrderId));
  let placed: ExchangeOrder | undefined = await lookUp();
  if (placed) {
    await clearUnresolved(deps, order);
    return applyExchangeState(deps, order, await cancelIfHaltedSince(deps, exchange, order, policy, placed), marketOf);
  }
  if (!claimed) return claimOrWait(deps, current, policy.execution);
  let halted: boolean;
  try {
    halted = await heldBySwitch(deps, order, policy);
  } catch (error) {
    await noteSend(deps, current, SEND_NOTE.notSent, error instanceof StratusError ? error.code : 'KILL_SWITCH_UNREAD');
    throw error;
  }
  if (halted) {
    await bookExchangeFills(deps, order, [], true);
    return transitionOrder(order, 'CANCELED', deps.clock.now(), { rejectReason: 'KILL_SWITCH_NOT_ARMED' }, 'kill switch not armed at the send');
  }
  try {
    placed = await watched(deps, policy, 'order', () => exchange.placeOrder(order));
  } catch (error) {
    if (!(error instanceof StratusError) || error.retryable) {
      if (error instanceof StratusError) await noteSend(deps, current, outcomeUnknown(error) ? SEND_NOTE.outcomeUnknown : SEND_NOTE.notSent, error.code);
      throw error;
    }
    placed = await lookUp();
    if (!placed && error.code === 'DUPLICATE_ORDER') {
      // The exchange holds an order with this client id that it does not show yet: this order was placed.
      await noteSend(deps, current, SEND_NOTE.outcomeUnknown, error.code);
      throw new StratusError('ORDER_UNRESOLVED', `order ${order.clientOrderId}: the exchange reports it placed but does not show it yet; retry later`, true, { cause: error });
    }
    if (!placed) {
      await bookExchangeFills(deps, order, [], true);
      await deps.alerts.publish({
        severity: 'warning', kind: 'ORDER_REJECTED', at: deps.clock.now(),
        title: `Order ${order.clientOrderId} rejected`, message: error.message, details: { symbol: order.symbol, code: error.code },
      });
      return transitionOrder(order, 'REJECTED', deps.clock.now(), { rejectReason: `${error.code}: ${error.message}` });
    }
  }
  return applyExchangeState(deps, order, await cancelIfHaltedSince(deps, exchange, order, policy, placed), marketOf);
}

/**
 * A trip while an entry's send was on its way (or before a redelivery finds a lagging send on the exchange) finds it
 * SUBMITTING and not shown, so its sweep cannot cancel it: the sender, reading the switch again once the exchange
 * answered, cancels an entry that rests. Best effort: if this fails the order is booked as it is and the sweep,
 * repeated while TRIPPED, cancels it.
 */
async function cancelIfHaltedSince(
  deps: ExecutionDeps, exchange: Exchange, order: OrderRecord, policy: Policy, placed: ExchangeOrder,
): Promise<ExchangeOrder> {
  if (placed.status !== 'open' || order.side !== 'buy') return placed;
  try {
    if (!(await heldBySwitch(deps, order, policy))) return placed;
    return await watched(deps, policy, 'order', () => exchange.cancelOrder(order.symbol, order.clientOrderId));
  } catch {
    return placed;
  }
}

/** True when the kill switch, read now, holds this order back: any buy or entry, an exit unless risk.allowExitsWhenHalted. */
async function heldBySwitch(deps: ExecutionDeps, order: OrderRecord, policy: Policy): Promise<boolean> {
  const ks = await deps.state.getKillSwitch();
  const halted = effectiveStatus(ks?.value, deps.clock.now()) !== 'ARMED';
  return halted && (order.side === 'buy' || order.kind === 'entry' || !policy.risk.allowExitsWhenHalted);
}

/** The exchange unknown to us: claim a free send, wait out a running lease, or note one more not-found answer of an unknown send. */
async function claimOrWait(deps: ExecutionDeps, current: Versioned<OrderRecord>, settle: SettlePolicy): Promise<OrderRecord> {
  const order = current.value;
  const now = deps.clock.now();
  const state = sendState(order, now, SUBMIT_LEASE_MS);
  if (state.kind === 'free') return claim(order, now);
  if (state.kind === 'in-flight') {
    throw new StratusError('ORDER_IN_FLIGHT', `order ${order.clientOrderId} is being sent by another delivery since ${state.claimedAt}; retry later`, true);
  }
  const noted = await notFoundAnswer(deps, order, state, settle);
  if (noted.resolved) {
    await clearUnresolved(deps, order);
    return claim(noted.next, now); // the resolution and the new claim in one conditional write
  }
  await deps.state.updateOrder(noted.next, current.version);
  throw new StratusError('ORDER_UNRESOLVED', `order ${order.clientOrderId}: its send at ${state.sentAt} may have reached the exchange, `
    + `which does not show it (${state.checks.length + 1} of ${settle.settleNotFoundChecks} not-found answers over ${settle.settleWindowSeconds} s needed); retry later`, true);
}

function claim(order: OrderRecord, now: number): OrderRecord {
  return { ...order, updatedAt: now, history: [...order.history, { status: 'SUBMITTING', at: now, note: SEND_NOTE.claimed }] };
}

/**
 * One more not-found answer for a send of unknown outcome: the order with it noted (resolved "never placed"
 * once the settle policy is met), for the caller to write. Publishes the critical ORDER_UNRESOLVED alert
 * when due (see alertIfUnresolved).
 */
export async function notFoundAnswer(
  deps: AlertDeps, order: OrderRecord, state: Extract<SendState, { kind: 'unresolved' }>, settle: SettlePolicy,
): Promise<ReturnType<typeof afterNotFound>> {
  const noted = afterNotFound(order, state, deps.clock.now(), settle);
  if (noted.alert) await publishUnresolved(deps, order, state, settle);
  return noted;
}

/**
 * Publishes the critical ORDER_UNRESOLVED alert, once per order (noted on it), when its send of unknown outcome
 * has been unresolved for unresolvedAlertSeconds, whether or not the exchange can be asked now. Returns the order as stored.
 */
export async function alertIfUnresolved(
  deps: AlertDeps & { readonly state: StateStore }, stored: Versioned<OrderRecord>, settle: SettlePolicy,
): Promise<Versioned<OrderRecord>> {
  const now = deps.clock.now();
  const state = stored.value.status === 'SUBMITTING' ? sendState(stored.value, now, SUBMIT_LEASE_MS) : undefined;
  if (state?.kind !== 'unresolved' || state.alerted || now - state.sentAt < settle.unresolvedAlertSeconds * 1000) return stored;
  await publishUnresolved(deps, stored.value, state, settle);
  const o = stored.value;
  const next = { ...o, updatedAt: now, history: [...o.history, { status: o.status, at: now, note: SEND_NOTE.alerted }] };
  return (await deps.state.updateOrder(next, stored.version)) ? { value: next, version: stored.version + 1 } : stored;
}

type AlertDeps = { readonly clock: Clock; readonly alerts: Alerts };

/**
 * Reports the ORDER_UNRESOLVED condition of an order that was alerted as cleared (the exchange shows it, or it was
 * resolved), best effort: a lost RESOLVED notice must not fail the booking it follows.
 */
export async function clearUnresolved(deps: AlertDeps, order: OrderRecord): Promise<void> {
  if (!order.history.some((e) => e.note === SEND_NOTE.alerted)) return;
  await deps.alerts.resolve('ORDER_UNRESOLVED', order.clientOrderId, deps.clock.now()).catch(() => undefined);
}

async function publishUnresolved(deps: AlertDeps, order: OrderRecord, state: Extract<SendState, { kind: 'unresolved' }>, settle: SettlePolicy) {
  const now = deps.clock.now();
  const minutes = Math.round((now - state.sentAt) / 60_000);
  await deps.alerts.publish({
    severity: 'critical', kind: 'ORDER_UNRESOLVED', at: now, title: `Order ${order.clientOrderId} unresolved for ${minutes} min`,
    message: `${order.side} ${order.quantity} ${order.symbol} was sent ${minutes} min ago and the exchange has not shown it `
      + `(${state.checks.length} not-found answers so far). It stays SUBMITTING with its reservation and is not re-sent until `
      + `${settle.settleNotFoundChecks} not-found answers span ${settle.settleWindowSeconds} s. Look the client order id up on the exchange.`,
    details: { symbol: order.symbol, clientOrderId: order.clientOrderId, sentAt: state.sentAt, notFoundAnswers: state.checks.length },
  });
}

/** Notes what became of this delivery's send (not made, or outcome unknown) on the order, best effort. */
async function noteSend(deps: ExecutionDeps, current: Versioned<OrderRecord>, note: string, code: string): Promise<void> {
  const at = deps.clock.now();
  const o = current.value;
  const next = { ...o, updatedAt: at, history: [...o.history, { status: o.status, at, note: `${note}${code}` }] };
  await deps.state.updateOrder(next, current.version).catch(() => false);
}

/** True when err says the request may have been executed (duck-typed: services do not import adapters). */
function outcomeUnknown(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { outcomeUnknown?: unknown }).outcomeUnknown === true;
}
