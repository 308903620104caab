import { recordFailure, recordSuccess, type CircuitPolicy } from '../domain/circuit-breaker.js';
import { StratusError } from '../domain/errors.js';
import type { ExchangeHealth } from '../domain/exchange-health.js';
import { limitPriceFor } from '../domain/fill-model.js';
import { effectiveStatus } from '../domain/kill-switch.js';
import type { MarketInfo } from '../domain/market.js';
import { money } from '../domain/money.js';
import { isTerminal, newOrderRecord, transitionOrder, type OrderRecord, type OrderRequest, type TradingMode } from '../domain/order.js';
import type { Policy } from '../domain/policy.js';
import type { Alerts, Clock, Exchange, ExchangeOrder, PolicyStore, StateStore, Versioned } from '../ports.js';
import { QUEUES } from '../resources.js';
import { applyExchangeState, bookExchangeFills, followUpAttempt, type MarketOf } from './book-fills.js';
import { admissionRefusal, refuseOrder } from './admit-order.js';

/** Ports order execution needs. */
export interface ExecutionDeps {
  readonly clock: Clock;
  readonly state: StateStore;
  readonly policies: PolicyStore;
  readonly alerts: Alerts;
  readonly exchangeFor: (policy: Policy, mode?: TradingMode) => Exchange;
}

/** Exits that never wait on a resting limit order: they go at market whatever execution.orderType says. */
export const URGENT_EXIT_REASONS: readonly string[] = ['stop-loss', 'trailing-stop'];

/**
 * Places one approved order exactly once. The order record moves NEW → SUBMITTING → result with
 * conditional writes; a crash or redelivery resumes from the stored status, and a SUBMITTING
 * order is first looked up on the exchange by its client order id before anything is sent
 * again, and only by the delivery holding the send's lease (see submit). Fills are booked
 * idempotently (keyed by trade id) before the status is written.
 * Under execution.orderType 'limit' a decision's market order is placed as a limit order (see admit).
 */
export async function executeOrder(deps: ExecutionDeps, request: OrderRequest): Promise<OrderRecord> {
  const { policy } = await deps.policies.load();
  const exchange = deps.exchangeFor(policy, request.mode);
  let loaded: Promise<MarketInfo> | undefined;
  const marketOf: MarketOf = () => (loaded ??= watched(deps, policy, 'read', () => exchange.loadMarket(request.symbol)));
  let current = await deps.state.createOrder(newOrderRecord(request, deps.clock.now()));
  let claimed = false; // this delivery wrote the SUBMITTING state it is working on, so it may send
  for (let step = 0; step < 10; step++) {
    const order = current.value;
    if (isTerminal(order.status) || order.status === 'OPEN' || order.status === 'PARTIALLY_FILLED') return order;
    const next: OrderRecord = order.status === 'NEW'
      ? await admit(deps, order, policy, marketOf)
      : await submit(deps, exchange, current, policy, marketOf, claimed);
    if (await deps.state.updateOrder(next, current.version)) {
      claimed ||= next.status === 'SUBMITTING';
      current = { value: next, version: current.version + 1 };
    } else {
      claimed = false; // someone else wrote since: whatever we claimed may have been taken over
      current = (await deps.state.getOrder(order.orderId)) as Versioned<OrderRecord>;
    }
  }
  throw new StratusError('ORDER_STUCK', `order ${request.orderId} did not settle`, true);
}

/**
 * NEW → REJECTED (NO_APPROVED_DECISION / DECISION_MISMATCH, alerted) unless the order matches a stored approved
 * decision or is a follow-up made of one (see admissionRefusal). NEW → SUBMITTING; or CANCELED when the kill
 * switch halted trading after approval (entries, by side, always; exits unless the policy lets risk-reducing
 * exits out), or when the
 * policy's mode changed since (an order approved for PAPER never goes LIVE, and vice versa).
 * Under execution.orderType 'limit', a decision's own market order without a limit price (not a
 * follow-up, not an urgent or halted exit) is stored as a limit order at the decision price
 * ∓ limitOffsetBps rounded to the tick, before anything is sent.
 */
async function admit(deps: ExecutionDeps, order: OrderRecord, policy: Policy, marketOf: MarketOf): Promise<OrderRecord> {
  const refusal = await admissionRefusal(deps, order, policy);
  if (refusal) return refuseOrder(deps, order, refusal);
  const now = deps.clock.now();
  const mode = policy.mode;
  if (order.mode !== mode) {
    await bookExchangeFills(deps, order, [], true);
    return transitionOrder(order, 'CANCELED', now, { rejectReason: 'MODE_CHANGED' }, `approved for ${order.mode}, policy now ${mode}`);
  }
  const ks = await deps.state.getKillSwitch();
  const halted = effectiveStatus(ks?.value, now) !== 'ARMED';
  if (halted && (order.side === 'buy' || order.kind === 'entry' || !policy.risk.allowExitsWhenHalted)) {
    await bookExchangeFills(deps, order, [], true);
    return transitionOrder(order, 'CANCELED', now, { rejectReason: 'KILL_SWITCH_NOT_ARMED' }, 'kill switch not armed');
  }
  const urgent = order.kind === 'exit' && (halted || URGENT_EXIT_REASONS.includes(order.exitReason ?? ''));
  if (policy.execution.orderType !== 'limit' || order.type !== 'market' || order.limitPrice !== undefined || urgent || followUpAttempt(order) > 0) {
    return transitionOrder(order, 'SUBMITTING', now);
  }
  const offset = policy.execution.limitOffsetBps;
  const limitPrice = money(limitPriceFor(order.side, order.referencePrice, offset, (await marketOf()).priceStep));
  return transitionOrder({ ...order, type: 'limit', limitPrice }, 'SUBMITTING', now, {}, `limit ${limitPrice}: ${offset} bps from ${order.referencePrice}`);
}

/**
 * How long a send belongs to the delivery that claimed it (wrote SUBMITTING): longer than a delivery can
 * live (the execution function's timeout) plus a margin for the exchange's recvWindow, after which a
 * request signed by that delivery can no longer be executed. Shorter than the queue's visibility timeout.
 */
export const SUBMIT_LEASE_MS = (QUEUES.orders.consumerTimeoutSeconds + 60) * 1000;

/** History note of a send that failed before reaching the exchange: the lease is free at once. */
const NOT_SENT = 'not sent: ';

/**
 * SUBMITTING → exchange outcome. Asks the exchange about the client order id first. Only the delivery that
 * claimed the send places the order: another delivery that finds it SUBMITTING and unknown to the exchange
 * claims it (a conditional write, so one wins) once the claimant's lease has run out or its send is known
 * not to have been made, and until then throws a retryable ORDER_IN_FLIGHT. So two deliveries of one
 * message never both send, even where the exchange accepts a reused client id (Binance: once it is closed).
 */
async function submit(
  deps: ExecutionDeps, exchange: Exchange, current: Versioned<OrderRecord>, policy: Policy, marketOf: MarketOf, claimed: boolean,
): Promise<OrderRecord> {
  const order = current.value;
  const lookUp = () => watched(deps, policy, 'read', () => exchange.fetchOrderByClientId(order.symbol, order.clientOrderId));
  let placed: ExchangeOrder | undefined = await lookUp();
  if (!placed && !claimed) return claimSend(order, deps.clock.now());
  if (!placed) {
    try {
      placed = await watched(deps, policy, 'order', () => exchange.placeOrder(order));
    } catch (error) {
      if (!(error instanceof StratusError) || error.retryable) {
        if (error instanceof StratusError && !(error as { outcomeUnknown?: boolean }).outcomeUnknown) await noteNotSent(deps, current, error);
        throw error;
      }
      placed = await lookUp();
      if (!placed) {
        await bookExchangeFills(deps, order, [], true);
        await deps.alerts.publish({
          severity: 'warning', kind: 'ORDER_REJECTED', at: deps.clock.now(),
          title: `Order ${order.clientOrderId} rejected`, message: error.message, details: { symbol: order.symbol, code: error.code },
        });
        return transitionOrder(order, 'REJECTED', deps.clock.now(), { rejectReason: `${error.code}: ${error.message}` });
      }
    }
  }
  return applyExchangeState(deps, order, placed, marketOf);
}

/** The claim of a send another delivery began: allowed once its lease ran out or it noted the send was not made. */
function claimSend(order: OrderRecord, now: number): OrderRecord {
  const last = order.history.at(-1);
  const since = last?.at ?? order.updatedAt;
  if (!last?.note?.startsWith(NOT_SENT) && now - since < SUBMIT_LEASE_MS) {
    throw new StratusError('ORDER_IN_FLIGHT', `order ${order.clientOrderId} is being sent by another delivery since ${since}; retry later`, true);
  }
  return { ...order, updatedAt: now, history: [...order.history, { status: 'SUBMITTING', at: now, note: 'send claimed by a redelivery' }] };
}

/** Records that this delivery's send failed before reaching the exchange, freeing the lease (best effort). */
async function noteNotSent(deps: ExecutionDeps, current: Versioned<OrderRecord>, error: StratusError): Promise<void> {
  const at = deps.clock.now();
  const o = current.value;
  const next = { ...o, updatedAt: at, history: [...o.history, { status: o.status, at, note: `${NOT_SENT}${error.code}` }] };
  await deps.state.updateOrder(next, current.version).catch(() => false);
}

/**
 * Runs one exchange call and notes its outcome on the exchange-health item: a retryable failure (or any
 * non-Stratus error) counts toward the circuit breaker and the error burst, then is rethrown. A success
 * closes the breaker only for `kind` 'order' (place, cancel): the breaker guards the order path, and a
 * lookup that works between failing placements must not reset their count. A permanent error (the
 * venue answered "no") changes nothing.
 */
export async function watched<T>(
  deps: Pick<ExecutionDeps, 'clock' | 'state'>, policy: CircuitPolicy, kind: 'order' | 'read', call: () => Promise<T>,
): Promise<T> {
  let result: T;
  try {
    result = await call();
  } catch (error) {
    // Our own rate budget running out is not the exchange failing: it must not open the breaker.
    const exchangeFault = !(error instanceof StratusError) || (error.retryable && error.code !== 'RATE_BUDGET_EXHAUSTED');
    if (exchangeFault) await noteHealth(deps, (h, now) => recordFailure(h, now, policy));
    throw error;
  }
  if (kind === 'order') await noteHealth(deps, recordSuccess);
  return result;
}

/**
 * Applies `change` to the health item with a conditional write, a few times on conflict, then gives up:
 * the health item is advisory, so losing its race (or failing to read or write it) never fails the caller.
 */
async function noteHealth(
  deps: Pick<ExecutionDeps, 'clock' | 'state'>, change: (h: ExchangeHealth | undefined, now: number) => ExchangeHealth,
): Promise<void> {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const stored = await deps.state.getExchangeHealth();
      const next = change(stored?.value, deps.clock.now());
      if (stored && next === stored.value) return;
      if (!stored && next.consecutiveFailures === 0 && next.recentErrors.length === 0) return;
      if (await deps.state.putExchangeHealth(next, stored?.version ?? 0)) return;
    } catch {
      return;
    }
  }
}

export { applyExchangeState, type ApplyDeps } from './book-fills.js';
