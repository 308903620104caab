import { isTerminal, type OrderRecord } from '../domain/order.js';
import { splitSymbol } from '../domain/market.js';
import { dec, Decimal, ZERO } from '../domain/money.js';
import type { Policy } from '../domain/policy.js';
import type { Alerts, Clock, Exchange, PolicyStore, StateStore } from '../ports.js';
import { CLIENT_ORDER_PREFIX } from '../resources.js';
import { applyExchangeState } from './execute-order.js';
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

/** Relative difference tolerated between exchange balances and the ledger before alerting. */
const DRIFT_TOLERANCE = dec('0.0001');

/**
 * Brings non-final orders up to date from the exchange (booking any fills that happened
 * meanwhile), flags our open orders the ledger does not know, and compares balances with the
 * ledger (alert on drift beyond tolerance).
 */
export async function reconcileAccount(deps: ReconcileDeps): Promise<ReconcileReport> {
  const now = deps.clock.now();
  const { policy } = await deps.policies.load();
  const exchange = deps.exchangeFor(policy);
  const pending = await deps.state.listOrders({ statuses: ['SUBMITTING', 'OPEN', 'PARTIALLY_FILLED'] });
  let updated = 0;
  for (const order of pending) if (await refresh(deps, exchange, order)) updated++;
  const known = new Set((await deps.state.listOrders()).map((o) => o.clientOrderId));
  const unknownOpenOrders = (await exchange.fetchOpenOrders())
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

async function refresh(deps: ReconcileDeps, exchange: Exchange, order: OrderRecord): Promise<boolean> {
  const stored = await deps.state.getOrder(order.orderId);
  if (!stored || isTerminal(stored.value.status)) return false;
  const ex = await exchange.fetchOrderByClientId(order.symbol, order.clientOrderId);
  if (!ex) return false;
  const next = await applyExchangeState(deps, stored.value, ex);
  return next !== stored.value && deps.state.updateOrder(next, stored.version);
}

async function balanceDrift(deps: ReconcileDeps, exchange: Exchange, policy: Policy, now: number): Promise<Record<string, string>> {
  const ledger = (await loadLedger(deps.state, policy, now)).value;
  const balances = await exchange.fetchBalances();
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

