import { recordFailure, recordSuccess, type CircuitPolicy } from '../domain/circuit-breaker.js';
import { StratusError } from '../domain/errors.js';
import type { ExchangeHealth } from '../domain/exchange-health.js';
import { effectiveStatus } from '../domain/kill-switch.js';
import { newOrderRecord, transitionOrder, type Fill, type OrderRecord, type OrderRequest, type TradingMode } from '../domain/order.js';
import { isTerminal, statusFromExchange } from '../domain/order.js';
import type { Policy } from '../domain/policy.js';
import type { Alerts, Clock, Exchange, ExchangeOrder, PolicyStore, StateStore, Versioned } from '../ports.js';
import { bookExchangeFills } from './book-fills.js';

/** Ports order execution needs. */
export interface ExecutionDeps {
  readonly clock: Clock;
  readonly state: StateStore;
  readonly policies: PolicyStore;
  readonly alerts: Alerts;
  readonly exchangeFor: (policy: Policy, mode?: TradingMode) => Exchange;
}

/**
 * Places one approved order exactly once. The order record moves NEW → SUBMITTING → result with
 * conditional writes; a crash or redelivery resumes from the stored status, and a SUBMITTING
 * order is first looked up on the exchange by its client order id before anything is sent
 * again. Fills are booked idempotently (keyed by trade id) before the status is written.
 */
export async function executeOrder(deps: ExecutionDeps, request: OrderRequest): Promise<OrderRecord> {
  const { policy } = await deps.policies.load();
  const exchange = deps.exchangeFor(policy, request.mode);
  let current = await deps.state.createOrder(newOrderRecord(request, deps.clock.now()));
  for (let step = 0; step < 10; step++) {
    const order = current.value;
    if (isTerminal(order.status) || order.status === 'OPEN' || order.status === 'PARTIALLY_FILLED') return order;
    const next = order.status === 'NEW'
      ? await admit(deps, order, policy)
      : await submit(deps, exchange, order, policy);
    if (await deps.state.updateOrder(next, current.version)) {
      current = { value: next, version: current.version + 1 };
    } else {
      current = (await deps.state.getOrder(order.orderId)) as Versioned<OrderRecord>;
    }
  }
  throw new StratusError('ORDER_STUCK', `order ${request.orderId} did not settle`, true);
}

/**
 * NEW → SUBMITTING; or CANCELED when the kill switch halted trading after approval (entries always,
 * exits unless the policy lets risk-reducing exits out), or when the
 * policy's mode changed since (an order approved for PAPER never goes LIVE, and vice versa).
 */
async function admit(deps: ExecutionDeps, order: OrderRecord, policy: Policy): Promise<OrderRecord> {
  const now = deps.clock.now();
  const mode = policy.mode;
  if (order.mode !== mode) {
    await bookExchangeFills(deps, order, [], true);
    return transitionOrder(order, 'CANCELED', now, { rejectReason: 'MODE_CHANGED' }, `approved for ${order.mode}, policy now ${mode}`);
  }
  const ks = await deps.state.getKillSwitch();
  const halted = effectiveStatus(ks?.value, now) !== 'ARMED';
  if (halted && (order.kind === 'entry' || !policy.risk.allowExitsWhenHalted)) {
    await bookExchangeFills(deps, order, [], true);
    return transitionOrder(order, 'CANCELED', now, { rejectReason: 'KILL_SWITCH_NOT_ARMED' }, 'kill switch not armed');
  }
  return transitionOrder(order, 'SUBMITTING', now);
}

/** SUBMITTING → exchange outcome. Asks the exchange about the client order id before placing. */
async function submit(deps: ExecutionDeps, exchange: Exchange, order: OrderRecord, policy: Policy): Promise<OrderRecord> {
  const lookUp = () => watched(deps, policy, 'read', () => exchange.fetchOrderByClientId(order.symbol, order.clientOrderId));
  let placed: ExchangeOrder | undefined = await lookUp();
  if (!placed) {
    try {
      placed = await watched(deps, policy, 'order', () => exchange.placeOrder(order));
    } catch (error) {
      if (!(error instanceof StratusError) || error.retryable) throw error;
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
  return applyExchangeState(deps, order, placed);
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
    if (!(error instanceof StratusError) || error.retryable) await noteHealth(deps, (h, now) => recordFailure(h, now, policy));
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

/** Books the exchange's fills, then returns the order moved to the exchange's status. */
export async function applyExchangeState(deps: Pick<ExecutionDeps, 'clock' | 'state' | 'policies'>, order: OrderRecord, ex: ExchangeOrder): Promise<OrderRecord> {
  const status = statusFromExchange(ex.status, ex.filledQuantity);
  const fills: Fill[] = ex.trades.map((t) => ({
    tradeId: t.tradeId, orderId: order.orderId, clientOrderId: order.clientOrderId, symbol: order.symbol, side: order.side,
    quantity: t.quantity, price: t.price, fee: t.fee, feeCurrency: t.feeCurrency, liquidity: t.liquidity, time: t.time,
    policyHash: order.policyHash, strategy: order.strategy, ...(order.exitReason ? { exitReason: order.exitReason } : {}),
  }));
  const fees = await bookExchangeFills(deps, order, fills, isTerminal(status));
  if (status === order.status && ex.filledQuantity === order.filledQuantity) return order;
  return transitionOrder(order, status, deps.clock.now(), {
    filledQuantity: ex.filledQuantity, fees, exchangeOrderId: ex.exchangeOrderId,
    ...(ex.averagePrice ? { averagePrice: ex.averagePrice } : {}),
  });
}
