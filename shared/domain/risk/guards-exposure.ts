import { dec } from '../money.js';
import { pctOfEquity, type RiskGuard } from './guard.js';
import { strategyBudgetPct } from './sizing.js';

// Every entry cap is checked on the order's cost (notional + taker fee), which is what its reservation
// adds to exposure, so caps still hold once the reservation is in the ledger.

/** The sized order must be non-zero, at least the market's minimum amount and the minimum notional (minNotionalFor). */
export const minNotionalGuard: RiskGuard = {
  name: 'minNotional', code: 'BELOW_MIN_NOTIONAL', scope: 'any',
  check: function minNotional(ctx, a) {
    if (a.quantity.gt(0) && a.quantity.gte(dec(ctx.market.minAmount)) && a.notional.gte(a.minNotional)) return undefined;
    return `order ${a.quantity.toFixed()} ${ctx.intent.symbol} = ${a.notional.toFixed()} is below minimum notional ${a.minNotional.toFixed()} or amount ${ctx.market.minAmount}`;
  },
};

/** Per-asset cap: the symbol's position value plus its pending buys plus this order within maxPositionPct of equity. */
export const maxPositionGuard: RiskGuard = {
  name: 'maxPosition', code: 'MAX_POSITION_NOTIONAL', scope: 'entry',
  check: function maxPosition(ctx, a) {
    const after = a.held.add(a.cost);
    const limit = pctOfEquity(a, ctx.policy.risk.maxPositionPct);
    return after.lte(limit) ? undefined : `${ctx.intent.symbol} ${after.toFixed()} would exceed ${limit.toFixed()} (maxPositionPct ${ctx.policy.risk.maxPositionPct})`;
  },
};

/** The symbol's position value plus its pending buys plus this order within risk.maxPositionNotional (quote). */
export const maxPositionSizeGuard: RiskGuard = {
  name: 'maxPositionSize', code: 'MAX_POSITION_SIZE', scope: 'entry',
  check: function maxPositionSize(ctx, a) {
    const after = a.held.add(a.cost);
    const limit = dec(ctx.policy.risk.maxPositionNotional);
    return after.lte(limit) ? undefined : `${ctx.intent.symbol} ${after.toFixed()} would exceed maxPositionNotional ${limit.toFixed()}`;
  },
};

/** Positions plus buy reservations plus this order within maxTotalExposurePct of equity. */
export const maxExposureGuard: RiskGuard = {
  name: 'maxExposure', code: 'MAX_TOTAL_EXPOSURE', scope: 'entry',
  check: function maxExposure(ctx, a) {
    const after = a.valuation.exposure.add(a.cost);
    const limit = pctOfEquity(a, ctx.policy.risk.maxTotalExposurePct);
    return after.lte(limit) ? undefined : `exposure ${after.toFixed()} would exceed ${limit.toFixed()} (maxTotalExposurePct ${ctx.policy.risk.maxTotalExposurePct})`;
  },
};

/** A new position needs open positions plus symbols with entries in flight below maxOpenPositions (adds do not open one). */
export const maxOpenPositionsGuard: RiskGuard = {
  name: 'maxOpenPositions', code: 'MAX_OPEN_POSITIONS', scope: 'entry',
  check: function maxOpenPositions(ctx, a) {
    const max = ctx.policy.risk.maxOpenPositions;
    if (a.isAdd || a.otherOpenSymbols < max) return undefined;
    return `${a.otherOpenSymbols} positions open or pending: maxOpenPositions ${max}`;
  },
};

/** A strategy with riskBudgetPct: its positions plus its pending buys plus this order within that share of equity. */
export const strategyBudgetGuard: RiskGuard = {
  name: 'strategyBudget', code: 'STRATEGY_BUDGET', scope: 'entry',
  enabled: (p) => p.strategies.some((s) => s.riskBudgetPct !== undefined),
  check: function strategyBudget(ctx, a) {
    const pct = strategyBudgetPct(ctx.policy, ctx.intent.strategy);
    if (pct === undefined) return undefined;
    const after = a.strategyHeld.add(a.cost);
    const limit = pctOfEquity(a, pct);
    return after.lte(limit) ? undefined : `strategy ${ctx.intent.strategy} ${after.toFixed()} would exceed its budget ${limit.toFixed()} (${pct}%)`;
  },
};

/** Buys: notional plus taker fee must fit in cash not already reserved for other buys. */
export const cashGuard: RiskGuard = {
  name: 'cash', code: 'INSUFFICIENT_CASH', scope: 'entry',
  check: function cash(_ctx, a) {
    return a.cost.lte(a.freeCash) ? undefined : `needs ${a.cost.toFixed()} but ${a.freeCash.toFixed()} is free`;
  },
};
