import { Decimal, dec, floorToStep, ZERO } from '../money.js';
import type { Policy } from '../policy.js';
import { regimeVerdict } from '../regime-policy.js';
import type { RiskContext } from './context.js';
import type { PortfolioView } from './portfolio-view.js';

/** How an entry's stake was computed. */
export type SizingMethod = 'fixed-fraction' | 'volatility-target';

/** A sized entry; quantity floored to the market's amount step. */
export interface EntrySize {
  readonly quantity: Decimal;
  readonly notional: Decimal;
  /** notional × (1 + taker fee): what the order reserves. */
  readonly cost: Decimal;
  readonly method: SizingMethod;
  /** True when the stake was shrunk to fit a cap or free cash. */
  readonly shrunk: boolean;
}

/** Cash a buy reserves and spends for `notional` (notional plus taker fee); sells reserve nothing. */
export function costOf(ctx: RiskContext, notional: Decimal): Decimal {
  return ctx.intent.side === 'buy' ? notional.mul(dec(ctx.market.takerFeeRate).add(1)) : ZERO;
}

/**
 * Smallest notional allowed. Entries: max(policy minNotional, (market minNotional + round-trip taker fees
 * on it) × (1 + minNotionalBufferPct / 100)), so the position can still be sold after fees and rounding.
 * Exits: the exchange minimum only, so a position smaller than our entry minimum can still be closed
 * (dust below even the exchange minimum cannot be sold and is reported as BELOW_MIN_NOTIONAL).
 */
export function minNotionalFor(ctx: RiskContext): Decimal {
  if (ctx.intent.side !== 'buy') return dec(ctx.market.minNotional);
  const byPolicy = entryMinimums.get(ctx.market);
  const known = byPolicy?.get(ctx.policy);
  if (known) return known;
  const value = entryMinNotional(ctx);
  if (byPolicy) byPolicy.set(ctx.policy, value);
  else entryMinimums.set(ctx.market, new WeakMap([[ctx.policy, value]]));
  return value;
}

/** minNotionalFor of entries depends on the market's rules and the policy alone: kept per (market, policy) object. */
const entryMinimums = new WeakMap<object, WeakMap<object, Decimal>>();

function entryMinNotional(ctx: RiskContext): Decimal {
  const market = dec(ctx.market.minNotional);
  if (ctx.intent.side !== 'buy') return market;
  const roundTrip = market.mul(dec(ctx.market.takerFeeRate).mul(2).add(1));
  const buffered = roundTrip.mul(dec(ctx.policy.risk.minNotionalBufferPct).div(100).add(1));
  return Decimal.max(buffered, dec(ctx.policy.risk.minNotional));
}

/** The strategy's own budget, % of equity, when the policy gives it one. */
export function strategyBudgetPct(policy: Policy, strategy: string): number | undefined {
  return policy.strategies.find((s) => s.name === strategy)?.riskBudgetPct;
}

/**
 * A first entry's stake, quote. fixed-fraction: equity × stakePct / 100. volatility-target: a quantity of
 * equity × riskPerTradePct / 100 / (atrStopMultiple × atr), so a stop atrStopMultiple ATRs away loses
 * riskPerTradePct of equity; with no usable ATR (too few candles, zero) it falls back to fixed-fraction.
 */
export function stakeFor(ctx: RiskContext, equity: Decimal): { notional: Decimal; method: SizingMethod } {
  const r = ctx.policy.risk;
  const base = Decimal.max(ZERO, equity);
  if (r.sizing === 'volatility-target' && ctx.atr !== undefined && ctx.atr.gt(0) && r.atrStopMultiple > 0) {
    const quantity = base.mul(r.riskPerTradePct).div(100).div(ctx.atr.mul(r.atrStopMultiple));
    return { notional: quantity.mul(ctx.price), method: 'volatility-target' };
  }
  return { notional: base.mul(r.stakePct).div(100), method: 'fixed-fraction' };
}

/**
 * Largest order cost (notional plus fee) the caps leave room for: the per-asset cap (maxPositionPct of
 * equity), maxPositionNotional, the strategy's budget and free cash, each net of what is already held or
 * pending. Total exposure and open positions are not shrunk into: those guards reject.
 */
export function entryRoom(ctx: RiskContext, view: PortfolioView): Decimal {
  const r = ctx.policy.risk;
  const equity = view.valuation.equity;
  const rooms = [equity.mul(r.maxPositionPct).div(100).sub(view.held), dec(r.maxPositionNotional).sub(view.held), view.freeCash];
  const budget = strategyBudgetPct(ctx.policy, ctx.intent.strategy);
  if (budget !== undefined) rooms.push(equity.mul(budget).div(100).sub(view.strategyHeld));
  if (ctx.canaryStakeCap !== undefined) rooms.push(ctx.canaryStakeCap);
  return Decimal.max(ZERO, Decimal.min(...rooms));
}

/**
 * Sizes an entry: the stake (× pyramiding.addStakeFraction for an add when pyramiding is on, i.e. a
 * fraction of what a first entry would stake now; × the regime matrix's fraction when its cell is reduced), shrunk to entryRoom when the shrunk order still meets `minNotional` and the
 * market's minimum amount, floored to the amount step. When shrinking cannot produce a valid order the
 * unshrunk stake is returned, so the guards name the binding cap instead of approving a too-small order.
 */
export function sizeEntry(ctx: RiskContext, view: PortfolioView, minNotional: Decimal): EntrySize {
  const { notional: stake, method } = stakeFor(ctx, view.valuation.equity);
  if (!ctx.price.gt(0)) return { quantity: ZERO, notional: ZERO, cost: ZERO, method, shrunk: false };
  const { pyramiding } = ctx.policy.risk;
  const added = view.isAdd && pyramiding.enabled ? stake.mul(pyramiding.addStakeFraction) : stake;
  const regime = regimeVerdict(ctx.policy.regime, ctx.intent.strategy, ctx.regime);
  const wanted = regime.rule === 'reduced' ? added.mul(regime.fraction) : added;
  const step = ctx.market.amountStep;
  const desired = Decimal.max(ZERO, floorToStep(wanted.div(ctx.price), step));
  const onePlusFee = dec(ctx.market.takerFeeRate).add(1);
  const roomWithFee = entryRoom(ctx, view);
  // The stake fits the room (net of fee) when wanted × (1 + fee) is below it by far more than 40-digit rounding:
  // then min(wanted, room) is wanted and capped = desired, without two more divisions (~4 µs each).
  const clearlyFits = wanted.mul(onePlusFee).mul(CLEAR_MARGIN).lt(roomWithFee);
  const capped = clearlyFits
    ? desired
    : Decimal.max(ZERO, floorToStep(Decimal.min(wanted, roomWithFee.div(onePlusFee)).div(ctx.price), step));
  const fits = capped.gt(0) && capped.gte(dec(ctx.market.minAmount)) && capped.mul(ctx.price).gte(minNotional);
  const quantity = capped.lt(desired) && fits ? capped : desired;
  const notional = quantity.mul(ctx.price);
  return { quantity, notional, cost: costOf(ctx, notional), method, shrunk: quantity.lt(desired) };
}

const CLEAR_MARGIN = new Decimal('1.000000000000000000000000000001');

/** An exit sells the whole position, floored to the amount step (0 with no position or no price). */
export function sizeExit(ctx: RiskContext, view: PortfolioView): Decimal {
  if (!ctx.price.gt(0) || !view.position) return ZERO;
  return Decimal.max(ZERO, floorToStep(view.position.quantity, ctx.market.amountStep));
}
