import { ContentionError, StratusError } from '../domain/errors.js';
import { dustOf, limitPriceFor, orderRuleViolation } from '../domain/fill-model.js';
import { release, reserve, type Ledger } from '../domain/ledger.js';
import type { MarketInfo } from '../domain/market.js';
import { Decimal, dec, floorToStep, money, ZERO } from '../domain/money.js';
import { clientOrderIdFor, isTerminal, newOrderRecord, transitionOrder, type OrderRecord, type OrderRequest } from '../domain/order.js';
import type { Policy } from '../domain/policy.js';
import type { ExchangeOrder, MarketDataStore } from '../ports.js';
import { bookExchangeFills, followUpAttempt, followUpChain, followUpOrderId, writeOffDust } from './book-fills.js';
import { applyExchangeState, executeOrder, watched, type ExecutionDeps } from './execute-order.js';
import { loadLedger } from './portfolio.js';
import { advanceSliced } from './execute-sliced.js';
import { isSlicedParent } from '../domain/slicing.js';

/** Ports the manage loop needs: execution's, plus the top of book a replacement is priced from. */
export interface ManageOrdersDeps extends ExecutionDeps {
  readonly market: Pick<MarketDataStore, 'getTopOfBook'>;
}

/** What one pass did; client order ids throughout ('(ledger sweep)' for a failed sweep). */
export interface ManageReport {
  readonly at: number;
  readonly checked: number;
  readonly canceled: readonly string[];
  readonly followUps: readonly { readonly from: string; readonly to: string; readonly action: 'replace' | 'market' }[];
  /** Follow-ups a crashed pass left NEW or SUBMITTING, carried on. */
  readonly resumed: readonly string[];
  /** Reservations of final (or, after ORPHAN_RESERVATION_MS, never created) orders released. */
  readonly released: readonly string[];
  /** Symbols whose position could never be sold and was written off as dust. */
  readonly dust: readonly string[];
  readonly failures: readonly { readonly clientOrderId: string; readonly error: string }[];
}

/** Follow-ups per decision before a timed-out order is only cancelled. */
export const MAX_FOLLOW_UPS = 5;
/** A reservation whose order record still does not exist after this long will never get one. */
export const ORPHAN_RESERVATION_MS = 30 * 60_000;

type Action = 'keep' | 'cancel' | 'replace' | 'market';

/**
 * The working-order loop, run on the reconcile schedule. Carries on follow-ups a crash interrupted, then
 * refreshes every OPEN / PARTIALLY_FILLED order from the exchange (booking fills) and applies the policy:
 * a limit order older than limitTimeoutSeconds → onLimitTimeout (cancel | replace | market); else a
 * partial fill → partialFill (keep | cancel | top-up = market for the rest). A follow-up has a new client
 * order id derived from the old one and the attempt number, and is created and reserved before the old
 * order is cancelled, so every step is idempotent. Finally releases leaked reservations and writes off
 * positions too small to ever sell. One order's failure is reported, not thrown.
 */
export async function manageOpenOrders(deps: ManageOrdersDeps): Promise<ManageReport> {
  const loaded = await deps.policies.load();
  const { policy } = loaded;
  const at = deps.clock.now();
  const r = {
    canceled: [] as string[], followUps: [] as ManageReport['followUps'][number][], resumed: [] as string[],
    released: [] as string[], dust: [] as string[], failures: [] as ManageReport['failures'][number][],
  };
  const guard = async (clientOrderId: string, work: () => Promise<void>) => {
    try { await work(); } catch (error) { r.failures.push({ clientOrderId, error: error instanceof Error ? error.message : String(error) }); }
  };
  for (const f of await deps.state.listOrders({ statuses: ['NEW', 'SUBMITTING'] })) {
    // A sliced parent left SUBMITTING (its message dead-lettered while a child was unresolved) is carried on here too.
    if (isSlicedParent(f) && f.status === 'SUBMITTING') await guard(f.clientOrderId, async () => { await advanceSliced(deps, policy, f.orderId, executeOrder); r.resumed.push(f.clientOrderId); });
    else if (followUpAttempt(f) > 0) await guard(f.clientOrderId, async () => { await finishFollowUp(deps, policy, f.orderId); r.resumed.push(f.clientOrderId); });
  }
  const working = await deps.state.listOrders({ statuses: ['OPEN', 'PARTIALLY_FILLED'] });
  for (const listed of working) {
    await guard(listed.clientOrderId, async () => {
      if (isSlicedParent(listed)) { await advanceSliced(deps, policy, listed.orderId, executeOrder); return; }
      const order = await refresh(deps, policy, listed);
      const action = order && !isTerminal(order.status) ? actionFor(order, policy, deps.clock.now()) : 'keep';
      if (!order || action === 'keep') return;
      if (action === 'cancel') { await cancelAndSettle(deps, policy, order); r.canceled.push(order.clientOrderId); return; }
      const to = await followUp(deps, policy, loaded.hash, order, action);
      r.followUps.push({ from: order.clientOrderId, to, action });
    });
  }
  await guard('(ledger sweep)', async () => { Object.assign(r, await sweepLedger(deps, policy)); });
  return { at, checked: working.length, ...r };
}

/** What the policy does with a working order now: timeout first, then the partial-fill rule. */
export function actionFor(order: OrderRecord, policy: Policy, now: number): Action {
  const e = policy.execution;
  const placedAt = order.history.find((h) => h.status === 'SUBMITTING')?.at ?? order.createdAt;
  let action: Action = 'keep';
  if (order.type === 'limit' && now - placedAt >= e.limitTimeoutSeconds * 1000) action = e.onLimitTimeout;
  else if (order.status === 'PARTIALLY_FILLED') action = e.partialFill === 'top-up' ? 'market' : e.partialFill;
  // A slice child is never followed up (its replacement would not be one of the parent's children): keep or cancel.
  if (order.parentOrderId !== undefined) return action === 'keep' ? 'keep' : 'cancel';
  return action !== 'keep' && action !== 'cancel' && followUpAttempt(order) >= MAX_FOLLOW_UPS ? 'cancel' : action;
}

async function refresh(deps: ManageOrdersDeps, policy: Policy, order: OrderRecord): Promise<OrderRecord | undefined> {
  const exchange = deps.exchangeFor(policy, order.mode);
  const ex = await watched(deps, policy, 'read', () => exchange.fetchOrderByClientId(order.symbol, order.clientOrderId));
  return ex ? settle(deps, order.orderId, ex) : (await deps.state.getOrder(order.orderId))?.value;
}

/** Applies the exchange's view to the stored order (conditional write, retried on conflict). */
async function settle(deps: ManageOrdersDeps, orderId: string, ex: ExchangeOrder): Promise<OrderRecord | undefined> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const stored = await deps.state.getOrder(orderId);
    if (!stored || isTerminal(stored.value.status)) return stored?.value;
    const next = await applyExchangeState(deps, stored.value, ex);
    if (next === stored.value || (await deps.state.updateOrder(next, stored.version))) return next;
  }
  throw new ContentionError(`order ${orderId}`);
}

/**
 * Cancels on the venue, then settles from a fresh lookup (a cancel reply may omit trades); an order already closed
 * just settles. While the venue does not show the order yet (a query lag), a cancel reply reporting fills it
 * carries no trades for is not settled on: the order stays working in the ledger and a later pass books them.
 */
async function cancelAndSettle(deps: ManageOrdersDeps, policy: Policy, order: OrderRecord): Promise<OrderRecord | undefined> {
  const exchange = deps.exchangeFor(policy, order.mode);
  let canceled: ExchangeOrder | undefined;
  try {
    canceled = await watched(deps, policy, 'order', () => exchange.cancelOrder(order.symbol, order.clientOrderId));
  } catch (error) {
    if (!(error instanceof StratusError) || error.retryable) throw error;
  }
  const ex = (await watched(deps, policy, 'read', () => exchange.fetchOrderByClientId(order.symbol, order.clientOrderId))) ?? canceled;
  if (!ex) throw new StratusError('ORDER_NOT_ON_EXCHANGE', `cancel ${order.clientOrderId}: the exchange does not know it`, true);
  if (ex === canceled && !ex.trades.length && dec(ex.filledQuantity).gt(order.filledQuantity)) {
    throw new StratusError('ORDER_NOT_ON_EXCHANGE', `cancel ${order.clientOrderId}: canceled with fills the exchange does not show yet`, true);
  }
  return settle(deps, order.orderId, ex);
}

/** Creates and reserves the follow-up, cancels `order`, then sizes and executes the follow-up; returns its client id. */
async function followUp(deps: ManageOrdersDeps, policy: Policy, policyHash: string, order: OrderRecord, action: 'replace' | 'market'): Promise<string> {
  const orderId = followUpOrderId(order.orderId, followUpAttempt(order) + 1);
  const market = await deps.exchangeFor(policy, order.mode).loadMarket(order.symbol);
  const book = await deps.market.getTopOfBook(order.symbol);
  const ref = book ? (order.side === 'buy' ? book.ask : book.bid) : order.referencePrice;
  const limit = action === 'replace' ? limitPriceFor(order.side, ref, policy.execution.limitOffsetBps, market.priceStep) : undefined;
  const quantity = dec(order.quantity).sub(order.filledQuantity);
  const reserved = order.side === 'buy' ? quantity.mul(limit ?? ref).mul(dec(market.takerFeeRate).add(1)) : ZERO;
  const now = deps.clock.now();
  const request: OrderRequest = {
    orderId, clientOrderId: clientOrderIdFor(orderId), intentId: order.intentId, strategy: order.strategy, symbol: order.symbol,
    side: order.side, kind: order.kind, type: limit ? 'limit' : 'market', quantity: money(quantity), ...(limit ? { limitPrice: money(limit) } : {}),
    referencePrice: money(ref), reservedNotional: money(reserved), mode: order.mode, policyHash, createdAt: now,
    ...(order.exitReason ? { exitReason: order.exitReason } : {}),
  };
  await updateLedger(deps, policy, (l) => reserve(l, { orderId, symbol: order.symbol, side: order.side, notional: reserved, createdAt: now, strategy: order.strategy }));
  const record = newOrderRecord(request, now);
  await deps.state.createOrder({ ...record, history: [{ status: 'NEW', at: now, note: `${action} of ${order.clientOrderId}` }] });
  await cancelAndSettle(deps, policy, order);
  await finishFollowUp(deps, policy, orderId, market);
  return request.clientOrderId;
}

/**
 * Carries a follow-up on: its predecessor is made final first (cancelled if still working); a NEW follow-up is
 * resized to what is really left (for a sell, also no more than the sellable position) or, when nothing
 * sellable is left, cancelled with its reservation released; then it is executed (idempotent).
 */
async function finishFollowUp(deps: ManageOrdersDeps, policy: Policy, orderId: string, known?: MarketInfo): Promise<void> {
  const stored = await deps.state.getOrder(orderId);
  if (!stored || isTerminal(stored.value.status)) return;
  const f = stored.value;
  if (f.status !== 'NEW') { await executeOrder(deps, f); return; }
  const prevId = followUpChain(f).at(-1)!;
  let prev = (await deps.state.getOrder(prevId))?.value;
  if (prev && !isTerminal(prev.status)) prev = await cancelAndSettle(deps, policy, prev);
  const market = known ?? (await deps.exchangeFor(policy, f.mode).loadMarket(f.symbol));
  let left = prev ? dec(prev.quantity).sub(prev.filledQuantity) : dec(f.quantity);
  if (f.side === 'sell') {
    const held = (await loadLedger(deps.state, policy, deps.clock.now())).value.positions[f.symbol]?.quantity ?? ZERO;
    left = Decimal.min(left, floorToStep(held, market.amountStep));
  }
  const problem = orderRuleViolation(market, left, f.limitPrice ?? f.referencePrice);
  if (problem) {
    await bookExchangeFills(deps, f, [], true);
    const canceled = transitionOrder(f, 'CANCELED', deps.clock.now(), { rejectReason: `NOTHING_TO_FOLLOW_UP: ${problem.message}` });
    await deps.state.updateOrder(canceled, stored.version);
    return;
  }
  const sized = left.eq(f.quantity) ? f : { ...f, quantity: money(left) };
  if (sized !== f && !(await deps.state.updateOrder(sized, stored.version))) return finishFollowUp(deps, policy, orderId, market);
  await executeOrder(deps, sized);
}

/** Releases reservations of final orders (and of orders never created), and writes off positions no order can sell. */
async function sweepLedger(deps: ManageOrdersDeps, policy: Policy): Promise<{ released: string[]; dust: string[] }> {
  const now = deps.clock.now();
  const ledger = (await loadLedger(deps.state, policy, now)).value;
  const stale: string[] = [];
  for (const res of Object.values(ledger.reservations)) {
    const order = (await deps.state.getOrder(res.orderId))?.value;
    if (order ? isTerminal(order.status) : now - res.createdAt > ORPHAN_RESERVATION_MS) stale.push(res.orderId);
  }
  const pending = new Set(Object.values(ledger.reservations).filter((x) => !stale.includes(x.orderId)).map((x) => x.symbol));
  const markets = new Map<string, MarketInfo>();
  for (const symbol of Object.keys(ledger.positions)) {
    if (!pending.has(symbol)) markets.set(symbol, await deps.exchangeFor(policy).loadMarket(symbol));
  }
  const dust = [...markets].filter(([s, m]) => dustOf(m, ledger.positions[s]!.quantity) !== undefined).map(([s]) => s);
  if (stale.length || dust.length) {
    await updateLedger(deps, policy, (l) => {
      let next = stale.reduce((acc, id) => release(acc, id, now), l);
      for (const s of dust) next = writeOffDust(next, s, markets.get(s)!, undefined, now)?.ledger ?? next;
      return next;
    });
  }
  return { released: stale.map((id) => clientOrderIdFor(id)), dust };
}

async function updateLedger(deps: ManageOrdersDeps, policy: Policy, change: (l: Ledger) => Ledger): Promise<void> {
  for (let attempt = 0; attempt < 8; attempt++) {
    const stored = await loadLedger(deps.state, policy, deps.clock.now());
    const next = change(stored.value);
    if (next === stored.value || (await deps.state.putLedger(next, stored.version))) return;
  }
  throw new ContentionError('ledger (manage open orders)');
}
