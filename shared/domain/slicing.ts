/**
 * Order slicing: a decision's order larger than execution.slicing.thresholdPctOfRecentVolume % of the recent
 * volume per candle becomes a parent with a slice plan (its child quantities and their spacing), decided with the
 * order and stored in the decision, so execution can only send what risk approved. The parent is never sent: each
 * child is its own order (client order id derived from the parent's id and its index) through the same
 * exactly-once send path, and the parent's reservation covers them all until the parent is final.
 */
import { createHash } from 'node:crypto';
import type { MarketInfo } from './market.js';
import { Decimal, dec, floorToStep, money, ZERO, type DecimalLike } from './money.js';
import { clientOrderIdFor, type OrderRecord, type OrderRequest } from './order.js';

/** The policy's slicing settings (execution.slicing). */
export interface SlicingConfig {
  readonly enabled: boolean;
  /** Slice an order whose quantity exceeds this % of the mean volume of the last volumeCandles closed candles. */
  readonly thresholdPctOfRecentVolume: number;
  /** twap: `slices` equal children; participation: as many equal children as keep each ≤ maxParticipationPct % of that volume. */
  readonly mode: 'twap' | 'participation';
  readonly slices: number;
  /** Child i is due intervalSeconds × i after the parent was decided. */
  readonly intervalSeconds: number;
  readonly maxParticipationPct: number;
  readonly volumeCandles: number;
}

/** Most children one parent may have (2 hex digits of the child id, and a bounded loop per delivery). */
export const MAX_SLICES = 100;

/**
 * Each child's notional at the decision price must clear the exchange's minNotional by this factor: the price may move
 * before a later child is sent, and a child the exchange then refuses stops the parent (for an exit, it can leave a
 * remainder too small to sell at all).
 */
export const SLICE_MIN_NOTIONAL_MARGIN = '1.1';

/** Mean base volume of the candles (0 when there are none). */
export function meanVolume(candles: readonly { readonly volume: number }[]): Decimal {
  if (candles.length === 0) return ZERO;
  return candles.reduce((s, c) => s.add(c.volume), ZERO).div(candles.length);
}

/**
 * The child quantities (decimal strings, multiples of the amount step, summing to `quantity`) for an order of
 * `quantity` at `price` against a recent volume per candle, or undefined when it is not sliced: slicing off, the
 * order within the threshold, no volume, or no split of at least two non-zero children each passing the exchange
 * minimums, minNotional with SLICE_MIN_NOTIONAL_MARGIN (fewer children are tried before giving up).
 */
export function slicePlan(config: SlicingConfig, quantity: DecimalLike, price: DecimalLike, recentVolume: DecimalLike, market: MarketInfo): string[] | undefined {
  const q = dec(quantity);
  const v = dec(recentVolume);
  if (!config.enabled || v.lte(0) || q.lte(v.mul(config.thresholdPctOfRecentVolume).div(100))) return undefined;
  let n = config.slices;
  if (config.mode === 'participation') {
    const cap = v.mul(config.maxParticipationPct).div(100);
    n = cap.gt(0) ? q.div(cap).ceil().toNumber() : MAX_SLICES;
  }
  for (n = Math.min(Math.max(n, 2), MAX_SLICES); n >= 2; n--) {
    const each = floorToStep(q.div(n), market.amountStep);
    if (each.gt(0) && each.gte(market.minAmount) && each.mul(price).gte(dec(market.minNotional).mul(SLICE_MIN_NOTIONAL_MARGIN))) {
      return [...Array.from({ length: n - 1 }, () => money(each)), money(q.sub(each.mul(n - 1)))];
    }
  }
  return undefined;
}

/** Order id of a parent's index-th child: 30 hex chars of a hash of both, then the index as 2 hex digits. */
export function sliceOrderId(parentOrderId: string, index: number): string {
  if (!(Number.isInteger(index) && index >= 0 && index < MAX_SLICES)) throw new RangeError(`slice index must be 0..${MAX_SLICES - 1}, got ${index}`);
  return `${createHash('sha256').update(`slice|${parentOrderId}|${index}`).digest('hex').slice(0, 30)}${index.toString(16).padStart(2, '0')}`;
}

/** True for a parent: an order with a slice plan, never sent itself. */
export function isSlicedParent(order: Pick<OrderRequest, 'slices'>): boolean {
  return order.slices !== undefined && order.slices.length > 0;
}

/** When the index-th child of `parent` is due (ms). */
export function sliceDueAt(parent: Pick<OrderRequest, 'createdAt' | 'sliceIntervalSeconds'>, index: number): number {
  return parent.createdAt + index * (parent.sliceIntervalSeconds ?? 0) * 1000;
}

/** The index-th child's request: the parent's fields, its own ids and quantity, a market order, no reservation of its own. */
export function childRequest(parent: OrderRequest, index: number, executedBefore: DecimalLike, at: number): OrderRequest {
  const { slices: _plan, sliceIntervalSeconds: _interval, limitPrice: _limit, ...rest } = parent;
  const orderId = sliceOrderId(parent.orderId, index);
  return {
    ...rest, orderId, clientOrderId: clientOrderIdFor(orderId),
    type: 'market', quantity: parent.slices![index]!, reservedNotional: '0', createdAt: at,
    parentOrderId: parent.orderId, sliceIndex: index, executedBefore: money(dec(executedBefore)),
  };
}

/** What the children did, summed for their parent: filled quantity, volume-weighted average price, fees. */
export function aggregateChildren(children: readonly OrderRecord[]): { filledQuantity: Decimal; averagePrice?: Decimal; fees: Decimal } {
  let filled = ZERO;
  let notional = ZERO;
  let fees = ZERO;
  for (const c of children) {
    filled = filled.add(c.filledQuantity);
    notional = notional.add(dec(c.filledQuantity).mul(c.averagePrice ?? 0));
    fees = fees.add(c.fees);
  }
  return filled.gt(0) ? { filledQuantity: filled, averagePrice: notional.div(filled).toDecimalPlaces(12, Decimal.ROUND_HALF_EVEN), fees } : { filledQuantity: filled, fees };
}
