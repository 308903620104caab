import { ContentionError } from '../domain/errors.js';
import { applyFill, release, type Ledger } from '../domain/ledger.js';
import { splitSymbol } from '../domain/market.js';
import { dec, money, sum } from '../domain/money.js';
import type { Fill, OrderRecord } from '../domain/order.js';
import type { Clock, PolicyStore, StateStore } from '../ports.js';
import { loadLedger } from './portfolio.js';

/**
 * Applies an order's fills to the ledger in one conditional write (idempotent per trade id,
 * so a replay never books a fill twice), releasing the order's reservation when it is final,
 * then records each fill. `order` is the record before these fills: fills after its first (stored
 * filledQuantity > 0, or not first in the list) continue the order (one add, one closed trade).
 * Returns the order's total fees as a decimal string.
 */
export async function bookExchangeFills(
  deps: { clock: Clock; state: StateStore; policies: PolicyStore },
  order: OrderRecord, fills: readonly Fill[], final: boolean,
): Promise<string> {
  const { policy } = await deps.policies.load();
  const { base, quote } = splitSymbol(order.symbol);
  for (let attempt = 0; attempt < 8; attempt++) {
    const stored = await loadLedger(deps.state, policy, deps.clock.now());
    let next: Ledger = stored.value;
    let changed = false;
    for (const [i, fill] of fills.entries()) {
      const continuesOrder = i > 0 || dec(order.filledQuantity).gt(0);
      const r = applyFill(next, fill, base, quote, { continuesOrder });
      next = r.ledger;
      changed ||= r.applied;
    }
    if (final && next.reservations[order.orderId]) { next = release(next, order.orderId); changed = true; }
    if (!changed || (await deps.state.putLedger({ ...next, updatedAt: deps.clock.now() }, stored.version))) {
      for (const fill of fills) await deps.state.putFill(fill);
      return money(sum(fills.map((f) => f.fee)));
    }
  }
  throw new ContentionError(`ledger (order ${order.orderId})`);
}
