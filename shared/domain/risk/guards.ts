import type { Reason } from '../decision.js';
import { dec, ZERO } from '../money.js';
import { assess, minNotionalFor, type RiskContext } from './context.js';

/** One risk check: a Reason when the intent fails it, undefined when it passes. */
export type Guard = (ctx: RiskContext) => Reason | undefined;

/** A guard registered under a stable name. */
export interface NamedGuard {
  readonly name: string;
  readonly check: Guard;
}

const isEntry = (ctx: RiskContext): boolean => ctx.intent.kind === 'entry';
const pctOf = (ctx: RiskContext, pct: number) => assess(ctx).valuation.equity.mul(pct).div(100);

/** Entries need an ARMED switch; exits too unless policy.risk.allowExitsWhenHalted. */
export const killSwitchGuard: Guard = function killSwitchGuard(ctx) {
  if (ctx.killSwitch === 'ARMED') return undefined;
  if (!isEntry(ctx) && ctx.policy.risk.allowExitsWhenHalted) return undefined;
  return { code: 'KILL_SWITCH_NOT_ARMED', message: `kill switch is ${ctx.killSwitch}: no ${ctx.intent.kind} orders` };
};

/** The execution price must be a positive number (an empty book gives none). */
export const marketPriceGuard: Guard = function marketPriceGuard(ctx) {
  if (ctx.price.gt(0)) return undefined;
  return { code: 'NO_MARKET_PRICE', message: `no usable ${ctx.intent.side === 'buy' ? 'ask' : 'bid'} for ${ctx.intent.symbol}` };
};

/** Buy reservations of other orders for this intent's symbol: entries approved but not yet final. */
function pendingBuys(ctx: RiskContext) {
  return Object.values(assess(ctx).ledger.reservations).filter((r) => r.symbol === ctx.intent.symbol && r.side === 'buy');
}

/** No pyramiding in v1: an entry needs a flat symbol with no other entry still in flight. */
export const positionAlreadyOpenGuard: Guard = function positionAlreadyOpenGuard(ctx) {
  if (!isEntry(ctx)) return undefined;
  const position = assess(ctx).position;
  if (position) return { code: 'POSITION_ALREADY_OPEN', message: `already holding ${position.quantity.toFixed()} ${ctx.intent.symbol}` };
  const pending = pendingBuys(ctx);
  if (!pending.length) return undefined;
  return { code: 'POSITION_ALREADY_OPEN', message: `entry order ${pending[0]!.orderId} for ${ctx.intent.symbol} is still in flight` };
};

/** An exit needs a position to close. */
export const noPositionGuard: Guard = function noPositionGuard(ctx) {
  if (isEntry(ctx) || assess(ctx).position) return undefined;
  return { code: 'NO_POSITION', message: `no ${ctx.intent.symbol} position to exit` };
};

/** The sized order must meet the notional minimum and the market's minimum amount, and not be zero. */
export const minNotionalGuard: Guard = function minNotionalGuard(ctx) {
  const { quantity, notional } = assess(ctx);
  const min = minNotionalFor(ctx);
  if (quantity.gt(0) && quantity.gte(dec(ctx.market.minAmount)) && notional.gte(min)) return undefined;
  return {
    code: 'BELOW_MIN_NOTIONAL',
    message: `order ${quantity.toFixed()} ${ctx.intent.symbol} = ${notional.toFixed()} is below minimum notional ${min.toFixed()} or amount ${ctx.market.minAmount}`,
  };
};

/** Entries: the symbol's position value plus this order must stay within maxPositionPct of equity. */
export const maxPositionGuard: Guard = function maxPositionGuard(ctx) {
  if (!isEntry(ctx)) return undefined;
  const { notional, position } = assess(ctx);
  const mark = ctx.marks[ctx.intent.symbol];
  const filled = !position ? ZERO : mark === undefined ? position.costBasis : position.quantity.mul(mark);
  const held = pendingBuys(ctx).reduce((sum, r) => sum.add(r.notional), filled);
  const limit = pctOf(ctx, ctx.policy.risk.maxPositionPct);
  if (held.add(notional).lte(limit)) return undefined;
  return { code: 'MAX_POSITION_NOTIONAL', message: `position ${held.add(notional).toFixed()} would exceed ${limit.toFixed()} (maxPositionPct ${ctx.policy.risk.maxPositionPct})` };
};

/** Entries: positions plus buy reservations plus this order must stay within maxTotalExposurePct of equity. */
export const maxExposureGuard: Guard = function maxExposureGuard(ctx) {
  if (!isEntry(ctx)) return undefined;
  const { notional, valuation } = assess(ctx);
  const after = valuation.exposure.add(notional);
  const limit = pctOf(ctx, ctx.policy.risk.maxTotalExposurePct);
  if (after.lte(limit)) return undefined;
  return { code: 'MAX_TOTAL_EXPOSURE', message: `exposure ${after.toFixed()} would exceed ${limit.toFixed()} (maxTotalExposurePct ${ctx.policy.risk.maxTotalExposurePct})` };
};

/** Buys: notional plus taker fee must fit in cash not already reserved for other buys. */
export const cashGuard: Guard = function cashGuard(ctx) {
  if (ctx.intent.side !== 'buy') return undefined;
  const { notional, ledger, valuation } = assess(ctx);
  const needed = notional.mul(dec(ctx.market.takerFeeRate).add(1));
  const free = ledger.cash.sub(valuation.reservedNotional);
  if (needed.lte(free)) return undefined;
  return { code: 'INSUFFICIENT_CASH', message: `needs ${needed.toFixed()} but ${free.toFixed()} is free` };
};

/** The risk chain v1, evaluated in this order; every failing guard contributes its reason. */
export const RISK_GUARDS: readonly NamedGuard[] = [
  { name: 'killSwitch', check: killSwitchGuard },
  { name: 'marketPrice', check: marketPriceGuard },
  { name: 'positionAlreadyOpen', check: positionAlreadyOpenGuard },
  { name: 'noPosition', check: noPositionGuard },
  { name: 'minNotional', check: minNotionalGuard },
  { name: 'maxPosition', check: maxPositionGuard },
  { name: 'maxExposure', check: maxExposureGuard },
  { name: 'cash', check: cashGuard },
];
