import { StratusError } from '../domain/errors.js';
import { limitPriceFor } from '../domain/fill-model.js';
import { effectiveStatus } from '../domain/kill-switch.js';
import type { MarketInfo } from '../domain/market.js';
import { money } from '../domain/money.js';
import { isTerminal, newOrderRecord, transitionOrder, type OrderRecord, type OrderRequest, type TradingMode } from '../domain/order.js';
import type { Policy } from '../domain/policy.js';
import type { Alerts, Clock, Exchange, PolicyStore, StateStore, Versioned } from '../ports.js';
import { bookExchangeFills, followUpAttempt, type MarketOf } from './book-fills.js';
import { submit } from './send-order.js';
import { watched } from './watch-exchange.js';
import { admissionRefusal, refuseOrder } from './admit-order.js';
import { workSliced } from './execute-sliced.js';
import { isSlicedParent } from '../domain/slicing.js';

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
  let current = await deps.state.createOrder(newOrderRecord(request, deps.clock.now()));
  // The stored record decides the venue and market, never a redelivered message's copy of its fields.
  const { mode, symbol } = current.value;
  const exchange = deps.exchangeFor(policy, mode);
  let loaded: Promise<MarketInfo> | undefined;
  const marketOf: MarketOf = () => (loaded ??= watched(deps, policy, 'read', () => exchange.loadMarket(symbol)));
  let claimed = false; // this delivery wrote the SUBMITTING state it is working on, so it may send
  for (let step = 0; step < 10; step++) {
    const order = current.value;
    if (isTerminal(order.status) || order.status === 'OPEN' || order.status === 'PARTIALLY_FILLED') return order;
    const next: OrderRecord = order.status === 'NEW'
      ? await admit(deps, order, policy, marketOf)
      : isSlicedParent(order) ? await workSliced(deps, current, policy, executeOrder)
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
  if (policy.execution.orderType !== 'limit' || order.type !== 'market' || order.limitPrice !== undefined || urgent || followUpAttempt(order) > 0
    || isSlicedParent(order) || order.parentOrderId !== undefined) {
    return transitionOrder(order, 'SUBMITTING', now);
  }
  const offset = policy.execution.limitOffsetBps;
  const limitPrice = money(limitPriceFor(order.side, order.referencePrice, offset, (await marketOf()).priceStep));
  return transitionOrder({ ...order, type: 'limit', limitPrice }, 'SUBMITTING', now, {}, `limit ${limitPrice}: ${offset} bps from ${order.referencePrice}`);
}

export { SUBMIT_LEASE_MS } from './send-order.js';
export { watched } from './watch-exchange.js';
export { applyExchangeState, type ApplyDeps } from './book-fills.js';
