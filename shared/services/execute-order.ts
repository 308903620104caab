import { StratusError } from '../domain/errors.js';
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
      : await submit(deps, exchange, order);
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
async function submit(deps: ExecutionDeps, exchange: Exchange, order: OrderRecord): Promise<OrderRecord> {
  let placed: ExchangeOrder | undefined = await exchange.fetchOrderByClientId(order.symbol, order.clientOrderId);
  if (!placed) {
    try {
      placed = await exchange.placeOrder(order);
    } catch (error) {
      if (!(error instanceof StratusError) || error.retryable) throw error;
      placed = await exchange.fetchOrderByClientId(order.symbol, order.clientOrderId);
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

/** Books the exchange's fills, then returns the order moved to the exchange's status. */
export async function applyExchangeState(deps: Pick<ExecutionDeps, 'clock' | 'state' | 'policies'>, order: OrderRecord, ex: ExchangeOrder): Promise<OrderRecord> {
  const status = statusFromExchange(ex.status, ex.filledQuantity);
  const fills: Fill[] = ex.trades.map((t) => ({
    tradeId: t.tradeId, orderId: order.orderId, clientOrderId: order.clientOrderId, symbol: order.symbol, side: order.side,
    quantity: t.quantity, price: t.price, fee: t.fee, feeCurrency: t.feeCurrency, liquidity: t.liquidity, time: t.time,
    policyHash: order.policyHash,
  }));
  const fees = await bookExchangeFills(deps, order, fills, isTerminal(status));
  if (status === order.status && ex.filledQuantity === order.filledQuantity) return order;
  return transitionOrder(order, status, deps.clock.now(), {
    filledQuantity: ex.filledQuantity, fees, exchangeOrderId: ex.exchangeOrderId,
    ...(ex.averagePrice ? { averagePrice: ex.averagePrice } : {}),
  });
}
