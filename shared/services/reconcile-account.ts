import { ContentionError, StratusError } from '../domain/errors.js';
import { reserve } from '../domain/ledger.js';
import { splitSymbol } from '../domain/market.js';
import { dec, Decimal, money, ZERO } from '../domain/money.js';
import {
  isTerminal, newOrderRecord, statusFromExchange, transitionOrder, type OrderRecord, type OrderRequest, type TradingMode,
} from '../domain/order.js';
import { lastSendActivity, sendState } from '../domain/placement.js';
import type { LoadedPolicy, Policy } from '../domain/policy.js';
import type { Alerts, Clock, Exchange, MarketDataStore, ExchangeOrder, PolicyStore, StateStore, Versioned } from '../ports.js';
import { CLIENT_ORDER_PREFIX } from '../resources.js';
import { bookExchangeFills } from './book-fills.js';
import { applyExchangeState, watched } from './execute-order.js';
import { alertIfUnresolved, clearUnresolved, notFoundAnswer, SUBMIT_LEASE_MS } from './send-order.js';
import { loadLedger } from './portfolio.js';
import { tripKillSwitchNow } from './trip-kill-switch.js';
import { isSlicedParent } from '../domain/slicing.js';

/** Ports reconciliation needs (exchangeFor also serves the kill switch's cancel sweep). */
export interface ReconcileDeps {
  /** Top of book, to value dust allowances; without it only one amount step counts as dust. */
  readonly market?: Pick<MarketDataStore, 'getTopOfBook'>;
  readonly clock: Clock;
  readonly state: StateStore;
  readonly policies: PolicyStore;
  readonly alerts: Alerts;
  readonly exchangeFor: (policy: Policy, mode?: TradingMode) => Exchange;
}

/** What one reconciliation found and fixed; client order ids throughout. */
export interface ReconcileReport {
  readonly at: number;
  /** Non-final orders of the ledger looked up on the exchange. */
  readonly ordersChecked: number;
  readonly ordersUpdated: number;
  /** Exchange trades booked by this run (fills that happened while the pipeline was down or behind). */
  readonly fillsBooked: number;
  /** Orders carrying our prefix the ledger lacked, now recorded from the exchange's view. */
  readonly adoptedOrders: readonly string[];
  /** Open orders carrying our prefix that could not be adopted (see problems). */
  readonly unknownOpenOrders: readonly string[];
  /** SUBMITTING orders whose send may have reached the exchange, which does not show them yet (kept, not re-sent). */
  readonly unresolvedOrders: readonly string[];
  /** Currency → exchange total minus ledger amount, where above reconcile.driftAlertPct. */
  readonly drift: Readonly<Record<string, string>>;
  /** Currency → that difference in % of the ledger amount (of one unit when the ledger holds none). */
  readonly driftPct: Readonly<Record<string, string>>;
  /** True when this run tripped the kill switch (drift above reconcile.driftTripPct). */
  readonly killSwitchTripped: boolean;
  readonly problems: readonly { readonly clientOrderId: string; readonly error: string }[];
}

/**
 * A NEW or SUBMITTING order the exchange has never seen this long after its last send activity will never be
 * sent (its message was dead-lettered): it is expired and its reservation released (a send of unknown outcome
 * only once the settle window resolved it). Well above the orders queue's retry span, so a live retry is never overtaken.
 */
export const STUCK_ORDER_MS = 30 * 60_000;

/** Strategy (and exit reason) recorded on orders adopted from the exchange. */
export const ADOPTED = 'reconcile-adopted';

type Tally = { checked: number; updated: number; booked: number; unresolved: string[]; problems: { clientOrderId: string; error: string }[] };

/**
 * Brings the ledger in line with the exchange: refreshes every non-final order on its venue (booking fills that
 * happened meanwhile, closing what the exchange closed, expiring what never reached it), adopts open
 * orders carrying our prefix that the ledger lacks, then compares balances per currency. Disagreement
 * raises a RECONCILE_DRIFT warning; drift above driftTripPct trips the kill switch (BALANCE_DRIFT). Drift
 * is measured twice before it counts, so a fill landing between the two reads is not mistaken for it.
 * A retryable exchange failure is noted on the health item and thrown; one order's permanent failure is reported.
 */
export async function reconcileAccount(deps: ReconcileDeps): Promise<ReconcileReport> {
  const now = deps.clock.now();
  const loaded = await deps.policies.load();
  const { policy } = loaded;
  const { driftAlertPct, driftTripPct } = policy.reconcile;
  const exchange = deps.exchangeFor(policy);
  const tally: Tally = { checked: 0, updated: 0, booked: 0, unresolved: [], problems: [] };
  await refreshPending(deps, policy, tally);
  const ordersChecked = tally.checked;
  const { adopted, unknown } = await adoptStrays(deps, exchange, loaded, tally);
  let measured = await balanceDrift(deps, exchange, policy);
  if (measured.some((d) => d.pct.gt(driftAlertPct))) {
    await refreshPending(deps, policy, tally);
    measured = await balanceDrift(deps, exchange, policy);
  }
  const flagged = measured.filter((d) => d.pct.gt(driftAlertPct));
  const drift = Object.fromEntries(flagged.map((d) => [d.currency, money(d.diff)]));
  const driftPct = Object.fromEntries(flagged.map((d) => [d.currency, d.pct.toDecimalPlaces(4).toFixed()]));
  if (adopted.length || unknown.length || flagged.length || tally.problems.length) {
    await deps.alerts.publish({
      severity: 'warning', kind: 'RECONCILE_DRIFT', at: now, title: 'Exchange and ledger disagree',
      message: [`adopted orders: ${adopted.join(', ') || 'none'}`, `unadoptable open orders: ${unknown.join(', ') || 'none'}`,
        `balance drift (exchange - ledger): ${flagged.map((d) => `${d.currency} ${money(d.diff)} (${driftPct[d.currency]}%)`).join(', ') || 'none'}`].join('; '),
      details: { adoptedOrders: adopted, unknownOpenOrders: unknown, drift, driftPct, problems: tally.problems },
    });
  } else await deps.alerts.resolve('RECONCILE_DRIFT', undefined, now);
  const tripping = flagged.filter((d) => d.pct.gt(driftTripPct));
  const trip = tripping.length ? await tripKillSwitchNow(deps, {
    by: 'reconcile', code: 'BALANCE_DRIFT', details: { drift, driftPct },
    reason: `balance drift above ${driftTripPct}%: ${tripping.map((d) => `${d.currency} ${driftPct[d.currency]}%`).join(', ')}`,
  }) : undefined;
  return {
    at: now, ordersChecked, ordersUpdated: tally.updated, fillsBooked: tally.booked, adoptedOrders: adopted, unknownOpenOrders: unknown,
    unresolvedOrders: [...new Set(tally.unresolved)],
    drift, driftPct, killSwitchTripped: trip?.tripped ?? false, problems: tally.problems,
  };
}

async function refreshPending(deps: ReconcileDeps, policy: Policy, tally: Tally): Promise<void> {
  const pending = await deps.state.listOrders({ statuses: ['NEW', 'SUBMITTING', 'OPEN', 'PARTIALLY_FILLED'] });
  tally.checked += pending.length;
  for (const order of pending) await guarded(order.clientOrderId, tally, () => refresh(deps, order.orderId, policy, tally));
}

/** Updates one order from its venue's view of it (looked up by client order id, with its trades). */
async function refresh(deps: ReconcileDeps, orderId: string, policy: Policy, tally: Tally): Promise<void> {
  const stored = await deps.state.getOrder(orderId);
  if (!stored || isTerminal(stored.value.status)) return;
  const order = stored.value;
  if (isSlicedParent(order) && order.status !== 'NEW') return; // never on the exchange: its children are refreshed as orders, the manage loop carries it on
  const exchange = deps.exchangeFor(policy, order.mode);
  let ex: ExchangeOrder | undefined;
  try {
    ex = await watched(deps, policy, 'read', () => exchange.fetchOrderByClientId(order.symbol, order.clientOrderId));
  } catch (error) {
    await alertIfUnresolved(deps, stored, policy.execution); // the operator hears of it even while the exchange cannot be asked
    throw error;
  }
  if (!ex) return settleMissing(deps, stored, policy, tally);
  await clearUnresolved(deps, order);
  const applied = new Set((await deps.state.getLedger())?.value.appliedFillIds ?? []);
  const fresh = ex.trades.filter((t) => !applied.has(`${order.symbol}#${t.tradeId}`)).length;
  const next = await applyExchangeState(deps, order, ex);
  tally.booked += fresh;
  if (next !== order && (await deps.state.updateOrder(next, stored.version))) tally.updated++;
}

/**
 * An order its venue does not show. NEW: cancelled STUCK_ORDER_MS after it was created (nothing was sent).
 * SUBMITTING with a send of unknown outcome: one more not-found answer is recorded (and the critical
 * ORDER_UNRESOLVED alert once it is due); it is expired only once resolved "never placed" by the settle
 * window (sendState) and STUCK_ORDER_MS after its last send activity, so no live retry is overtaken. The
 * order is written before its reservation is released: a lost race releases nothing.
 */
async function settleMissing(deps: ReconcileDeps, stored: Versioned<OrderRecord>, policy: Policy, tally: Tally): Promise<void> {
  let order = stored.value;
  const now = deps.clock.now();
  if (order.status !== 'NEW' && order.status !== 'SUBMITTING') return;
  const state = order.status === 'SUBMITTING' ? sendState(order, now, SUBMIT_LEASE_MS) : { kind: 'free' as const };
  if (state.kind === 'in-flight') return;
  if (state.kind === 'unresolved') {
    const noted = await notFoundAnswer(deps, order, state, policy.execution);
    if (!noted.resolved) tally.unresolved.push(order.clientOrderId);
    if (!noted.resolved || now - lastSendActivity(order) < STUCK_ORDER_MS) {
      await deps.state.updateOrder(noted.next, stored.version);
      return;
    }
    order = noted.next;
  }
  const idle = now - lastSendActivity(order);
  if (idle < STUCK_ORDER_MS) return;
  const expired = transitionOrder(order, order.status === 'NEW' ? 'CANCELED' : 'EXPIRED', now,
    { rejectReason: 'NEVER_REACHED_EXCHANGE' }, `not on the exchange ${Math.round(idle / 60_000)} min after ${order.status}`);
  if (!(await deps.state.updateOrder(expired, stored.version))) return;
  tally.updated++;
  await clearUnresolved(deps, order);
  await bookExchangeFills(deps, order, [], true);
}

/** Adopts every open order carrying our prefix that the ledger lacks; finishes adoptions a crash cut short (reservation). */
async function adoptStrays(deps: ReconcileDeps, exchange: Exchange, loaded: LoadedPolicy, tally: Tally) {
  const adopted: string[] = [];
  const unknown: string[] = [];
  const open = await watched(deps, loaded.policy, 'read', () => exchange.fetchOpenOrders());
  for (const ex of open.filter((o) => o.clientOrderId.startsWith(CLIENT_ORDER_PREFIX))) {
    const stored = await deps.state.getOrder(ex.clientOrderId.slice(CLIENT_ORDER_PREFIX.length));
    if (stored && isTerminal(stored.value.status)) {
      unknown.push(ex.clientOrderId);
      tally.problems.push({ clientOrderId: ex.clientOrderId, error: `open on the exchange but ${stored.value.status} in the ledger` });
    } else if (!stored) {
      if (await guarded(ex.clientOrderId, tally, () => adopt(deps, loaded, ex, tally))) adopted.push(ex.clientOrderId);
      else unknown.push(ex.clientOrderId);
    } else if (stored.value.strategy === ADOPTED) {
      await guarded(ex.clientOrderId, tally, () => reserveFor(deps, loaded.policy, stored.value)); // an adoption a crash cut short
    }
  }
  return { adopted, unknown };
}

/**
 * Records the exchange's order as ours (a buy is an entry, a sell an exit), record first so a crash
 * leaves nothing unowned; reserves what is still to fill; then books its fills and moves it to the exchange's status.
 */
async function adopt(deps: ReconcileDeps, { policy, hash }: LoadedPolicy, ex: ExchangeOrder, tally: Tally): Promise<void> {
  const now = deps.clock.now();
  const kind = ex.side === 'buy' ? 'entry' : 'exit';
  const price = ex.limitPrice ?? ex.averagePrice ?? '0';
  const request: OrderRequest = {
    orderId: ex.clientOrderId.slice(CLIENT_ORDER_PREFIX.length), clientOrderId: ex.clientOrderId, intentId: `${ADOPTED}:${ex.clientOrderId}`,
    strategy: ADOPTED, symbol: ex.symbol, side: ex.side, kind, type: ex.type, quantity: ex.quantity,
    ...(ex.limitPrice ? { limitPrice: ex.limitPrice } : {}), referencePrice: price,
    reservedNotional: kind === 'entry' ? money(dec(ex.quantity).sub(ex.filledQuantity).mul(price)) : '0',
    mode: policy.mode, policyHash: hash, createdAt: ex.time || now, ...(kind === 'exit' ? { exitReason: ADOPTED } : {}),
  };
  const record = transitionOrder(newOrderRecord(request, now), 'SUBMITTING', now, {}, 'adopted: on the exchange, missing from the ledger');
  const { value: order } = await deps.state.createOrder(record);
  if (order.strategy === ADOPTED && !isTerminal(statusFromExchange(ex.status, ex.filledQuantity))) await reserveFor(deps, policy, order);
  // Looked up again: an open-orders listing carries no trades (Binance), the lookup does.
  await refresh(deps, order.orderId, policy, tally);
}

async function reserveFor(deps: ReconcileDeps, policy: Policy, order: OrderRecord): Promise<void> {
  for (let attempt = 0; attempt < 8; attempt++) {
    const stored = await loadLedger(deps.state, policy, deps.clock.now());
    if (stored.value.reservations[order.orderId]) return;
    const next = reserve(stored.value, {
      orderId: order.orderId, symbol: order.symbol, side: order.side, notional: dec(order.reservedNotional), createdAt: deps.clock.now(),
      strategy: order.strategy, kind: order.kind,
    });
    if (await deps.state.putLedger(next, stored.version)) return;
  }
  throw new ContentionError(`ledger (adopting ${order.clientOrderId})`);
}

/** Runs one order's work; a permanent failure is reported (false), a retryable one rethrown. */
async function guarded(clientOrderId: string, tally: Tally, work: () => Promise<void>): Promise<boolean> {
  try {
    await work();
    return true;
  } catch (error) {
    if (!(error instanceof StratusError) || error.retryable) throw error;
    tally.problems.push({ clientOrderId, error: error.message });
    return false;
  }
}

/** Per currency of the traded symbols and held positions: exchange total − ledger amount, and that in % of the ledger amount. */
async function balanceDrift(deps: ReconcileDeps, exchange: Exchange, policy: Policy) {
  const ledger = (await loadLedger(deps.state, policy, deps.clock.now())).value;
  const balances = await watched(deps, policy, 'read', () => exchange.fetchBalances());
  const expected = new Map<string, Decimal>();
  const dust = new Map<string, Decimal>();
  for (const symbol of new Set([...policy.symbols, ...Object.keys(ledger.positions)])) {
    const { base, quote } = splitSymbol(symbol);
    expected.set(base, (expected.get(base) ?? ZERO).add(ledger.positions[symbol]?.quantity ?? ZERO));
    expected.set(quote, ledger.cash);
    dust.set(base, await dustAllowance(deps, exchange, symbol));
  }
  return [...expected].map(([currency, want]) => {
    const raw = dec(balances[currency]?.total ?? '0').sub(want);
    // Dust the ledger wrote off (too small to ever sell) stays on the exchange: it is not drift.
    const diff = raw.abs().lte(dust.get(currency) ?? ZERO) ? ZERO : raw;
    return { currency, diff, pct: diff.abs().div(Decimal.max(want.abs(), dec(1))).mul(100) };
  });
}

/**
 * The most base currency a written-off remainder can hold: one amount step (what flooring leaves), or
 * the quantity worth the exchange's minimum notional at the current bid (a position too small to sell).
 */
async function dustAllowance(deps: ReconcileDeps, exchange: Exchange, symbol: string): Promise<Decimal> {
  const rules = await exchange.loadMarket(symbol).catch(() => undefined);
  if (!rules) return ZERO;
  const book = await deps.market?.getTopOfBook(symbol);
  const belowMinimum = book && dec(book.bid).gt(0) ? dec(rules.minNotional).div(dec(book.bid)) : ZERO;
  return Decimal.max(dec(rules.amountStep), dec(rules.minAmount), belowMinimum);
}
