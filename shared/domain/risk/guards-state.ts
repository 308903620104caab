import { isEntry } from './context.js';
import type { RiskGuard } from './guard.js';

/** policy.readOnly: nothing is approved, entries or exits (decisions are still recorded). */
export const readOnlyGuard: RiskGuard = {
  name: 'readOnly', code: 'READ_ONLY', scope: 'any',
  check: function readOnly(ctx) {
    return ctx.policy.readOnly ? `policy is read-only: no ${isEntry(ctx.intent) ? 'entry' : 'exit'} orders` : undefined;
  },
};

/** Entries need an ARMED switch; exits too unless policy.risk.allowExitsWhenHalted. */
export const killSwitchGuard: RiskGuard = {
  name: 'killSwitch', code: 'KILL_SWITCH_NOT_ARMED', scope: 'any',
  check: function killSwitch(ctx) {
    if (ctx.killSwitch === 'ARMED') return undefined;
    if (!isEntry(ctx.intent) && ctx.policy.risk.allowExitsWhenHalted) return undefined;
    return `kill switch is ${ctx.killSwitch}: no ${isEntry(ctx.intent) ? 'entry' : 'exit'} orders`;
  },
};

/** The execution price must be positive (an empty book gives none). */
export const marketPriceGuard: RiskGuard = {
  name: 'marketPrice', code: 'NO_MARKET_PRICE', scope: 'any',
  check: function marketPrice(ctx) {
    return ctx.price.gt(0) ? undefined : `no usable ${ctx.intent.side === 'buy' ? 'ask' : 'bid'} for ${ctx.intent.symbol}`;
  },
};

/** Pyramiding off: an entry needs a flat symbol with no other entry in flight. */
export const positionAlreadyOpenGuard: RiskGuard = {
  name: 'positionAlreadyOpen', code: 'POSITION_ALREADY_OPEN', scope: 'entry',
  enabled: (p) => !p.risk.pyramiding.enabled,
  check: function positionAlreadyOpen(ctx, a) {
    if (a.position) return `already holding ${a.position.quantity.toFixed()} ${ctx.intent.symbol}`;
    const pending = a.pendingBuys[0];
    return pending ? `entry order ${pending.orderId} for ${ctx.intent.symbol} is still in flight` : undefined;
  },
};

/**
 * Pyramiding on: an entry on a held symbol (or one with an entry in flight) is an add; at most maxAdds
 * adds on top of the first entry, counting position.adds and every entry still in flight.
 */
export const pyramidAddsGuard: RiskGuard = {
  name: 'pyramidAdds', code: 'MAX_PYRAMID_ADDS', scope: 'entry',
  enabled: (p) => p.risk.pyramiding.enabled,
  check: function pyramidAdds(ctx, a) {
    if (!a.isAdd) return undefined;
    const entriesSoFar = (a.position ? 1 + (a.position.adds ?? 0) : 0) + a.pendingBuys.length;
    const max = ctx.policy.risk.pyramiding.maxAdds;
    return entriesSoFar > max ? `add ${entriesSoFar} on ${ctx.intent.symbol} exceeds maxAdds ${max}` : undefined;
  },
};

/** An exit needs a position to close and no other exit for it still in flight (it would oversell). */
export const noPositionGuard: RiskGuard = {
  name: 'noPosition', code: 'NO_POSITION', scope: 'any',
  check: function noPosition(ctx, a) {
    if (isEntry(ctx.intent)) return undefined;
    if (!a.position) return `no ${ctx.intent.symbol} position to exit`;
    const pending = a.pendingSells[0];
    return pending ? `exit order ${pending.orderId} for ${ctx.intent.symbol} is still in flight` : undefined;
  },
};
