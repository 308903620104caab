import { REGIMES } from '../regime.js';
import { regimeVerdict } from '../regime-policy.js';
import type { RiskGuard } from './guard.js';

/**
 * The regime gate (policy.regime): an entry whose strategy the matrix blocks in the current regime is refused;
 * exits always pass (scope 'entry'). A reduced cell does not reject: sizing multiplies the stake (sizing.ts).
 * When no regime can be computed (ctx.regimeUnknown: too few candles) an entry the matrix blocks in some regime is
 * refused too (fail closed: nothing shows that regime is not in force); with only the leader unknown, one blocked in crisis.
 */
export const regimeGuard: RiskGuard = {
  name: 'regime', code: 'REGIME_BLOCKED', scope: 'entry',
  enabled: (policy) => policy.regime.enabled,
  check: function regime(ctx) {
    const strategy = ctx.intent.strategy;
    const possible = ctx.regime === undefined ? REGIMES : (['crisis'] as const); // a leader not known adds only its crisis
    if (ctx.regimeUnknown !== undefined && possible.some((r) => regimeVerdict(ctx.policy.regime, strategy, r).rule === 'blocked')) {
      return `regime unknown (${ctx.regimeUnknown}): ${strategy} entries are blocked in ${ctx.regime === undefined ? 'some regime' : 'crisis'}, so none until it is known`;
    }
    const verdict = regimeVerdict(ctx.policy.regime, ctx.intent.strategy, ctx.regime);
    return verdict.rule === 'blocked' ? `regime ${ctx.regime}: ${ctx.intent.strategy} entries are blocked` : undefined;
  },
};
