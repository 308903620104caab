import { regimeVerdict } from '../regime-policy.js';
import type { RiskGuard } from './guard.js';

/**
 * The regime gate (policy.regime): an entry whose strategy the matrix blocks in the current regime is refused;
 * exits always pass (scope 'entry'). A reduced cell does not reject: sizing multiplies the stake (sizing.ts).
 */
export const regimeGuard: RiskGuard = {
  name: 'regime', code: 'REGIME_BLOCKED', scope: 'entry',
  enabled: (policy) => policy.regime.enabled,
  check: function regime(ctx) {
    const verdict = regimeVerdict(ctx.policy.regime, ctx.intent.strategy, ctx.regime);
    return verdict.rule === 'blocked' ? `regime ${ctx.regime}: ${ctx.intent.strategy} entries are blocked` : undefined;
  },
};
