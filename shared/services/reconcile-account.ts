import { isTerminal, transitionOrder, type OrderRecord } from '../domain/order.js';
import { splitSymbol } from '../domain/market.js';
import { dec, Decimal, ZERO } from '../domain/money.js';
import type { Policy } from '../domain/policy.js';
import type { Alerts, Clock, Exchange, PolicyStore, StateStore } from '../ports.js';
import { CLIENT_ORDER_PREFIX } from '../resources.js';
import { bookExchangeFills } from './book-fills.js';
import { applyExchangeState, watched } from './execute-order.js';
import { loadLedger } from './portfolio.js';

/** Ports reconciliation needs. */
export interface ReconcileDeps {
  readonly clock: Clock;
  readonly state: StateStore;
  readonly policies: PolicyStore;
  readonly alerts: Alerts;
  readonly exchangeFor: (policy: Policy) => Exchange;
}

/** What one reconciliation found and fixed. */
export interface ReconcileReport {
  readonly at: number;
  readonly ordersChecked: number;
  readonly ordersUpdated: number;
  /** Open orders on the exchange carrying our prefix that the ledger does not know. */
  readonly unknownOpenOrders: readonly string[];
  /** Currency → exchange total minus ledger amount, where it exceeds the tolerance. */
  readonly drift: Readonly<Record<string, string>>;
}

/**
 * A NEW or SUBMITTING order the exchange has never seen after this long will never be sent (its
 * message was dead-lettered): it is expired and its reservation released. Well above the orders
 * queue's retry span, so a live retry is never overtaken.
 */
export const STUCK_ORDER_MS = 30 * 60_000;

/** Relative difference tolerated between exchange balances and the ledger before alerting. */
const DRIFT_TOLERANCE = dec('0.0001');

/**
 * Brings non-final orders up to date from the exchange (booking any fills that happened
 * meanwhile), flags our open orders the ledger does not know, and compares balances with the
 * ledger (alert on drift beyond tolerance). Exchange calls are noted on the health item (watched).
 */
export async function reconcileAccount(deps: ReconcileDeps): Promise<ReconcileReport> {
  const now = deps.clock.now();
  const { policy } = await deps.policies.load();
  const exchange = deps.exchangeFor(policy);
  const pending = await deps.state.listOrders({ statuses: ['NEW', 'SUBMITTING', 'OPEN', 'PARTIALLY_FILLED'] });
  let updated = 0;
  for (const order of pending) if (await refresh(deps, exchange, order, policy)) updated++;
  const known = new Set((await deps.state.listOrders()).map((o) => o.clientOrderId));
  const unknownOpenOrders = (await watched(deps, policy, 'read', () => exchange.fetchOpenOrders()))
    .map((o) => o.clientOrderId).filter((id) => id.startsWith(CLIENT_ORDER_PREFIX) && !known.has(id));
  const drift = await balanceDrift(deps, exchange, policy, now);
  if (unknownOpenOrders.length || Object.keys(drift).length) {
    await deps.alerts.publish({
      severity: 'warning', kind: 'RECONCILE_DRIFT', at: now, title: 'Exchange and ledger disagree',
      message: `unknown open orders: ${unknownOpenOrders.join(', ') || 'none'}; balance drift: ${JSON.stringify(drift)}`,
      details: { unknownOpenOrders, drift },
    });
  }
  return { at: now, ordersChecked: pending.length, ordersUpdated: updated, unknownOpenOrders, drift };
}

async function refresh(deps: ReconcileDeps, exchange: Exchange, order: OrderRecord, policy: Policy): Promise<boolean> {
  const stored = await deps.state.getOrder(order.orderId);
  if (!stored || isTerminal(stored.value.status)) return false;
  const ex = await watched(deps, policy, 'read', () => exchange.fetchOrderByClientId(order.symbol, order.clientOrderId));
  if (!ex) {
    const now = deps.clock.now();
    if (!['NEW', 'SUBMITTING'].includes(stored.value.status) || now - stored.value.updatedAt < STUCK_ORDER_MS) return false;
    await bookExchangeFills(deps, stored.value, [], true);
    const expired = transitionOrder(stored.value, stored.value.status === 'NEW' ? 'CANCELED' : 'EXPIRED', now,
      { rejectReason: 'NEVER_REACHED_EXCHANGE' }, `not on the exchange ${Math.round((now - stored.value.updatedAt) / 60_000)} min after ${stored.value.status}`);
    return deps.state.updateOrder(expired, stored.version);
  }
  const next = await applyExchangeState(deps, stored.value, ex);
  return next !== stored.value && deps.state.updateOrder(next, stored.version);
}

async function balanceDrift(deps: ReconcileDeps, exchange: Exchange, policy: Policy, now: number): Promise<Record<string, string>> {
  const ledger = (await loadLedger(deps.state, policy, now)).value;
  const balances = await watched(deps, policy, 'read', () => exchange.fetchBalances());
  const expected = new Map<string, Decimal>();
  for (const symbol of policy.symbols) {
    const { base, quote } = splitSymbol(symbol);
    expected.set(base, ledger.positions[symbol]?.quantity ?? ZERO);
    expected.set(quote, ledger.cash);
  }
  const drift: Record<string, string> = {};
  for (const [currency, want] of expected) {
    const have = dec(balances[currency]?.total ?? '0');
    const diff = have.sub(want);
    const scale = Decimal.max(want.abs(), dec(1));
    if (diff.abs().div(scale).gt(DRIFT_TOLERANCE)) drift[currency] = diff.toFixed();
  }
  return drift;
}

