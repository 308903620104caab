import type { Lock } from '../ledger.js';
import { activeLocks, locksCovering } from '../protections.js';
import type { RiskContext } from './context.js';
import type { RiskGuard } from './guard.js';

// Protection locks stop entries only. A lock counts whether it is stored in ledger.locks or derived now
// from the trade journal (protections.ts), so a lock holds even before the metrics cycle has stored it.

const describe = (locks: readonly Lock[]) =>
  locks.map((l) => `${l.protection} until epoch ms ${l.until}: ${l.reason}`).join('; ');

/** Both lock guards read the same locks: derived once per evaluation (the journal scan is the costly part). */
const coveringOf = new WeakMap<RiskContext, ReturnType<typeof locksCovering>>();

function covering(ctx: RiskContext) {
  let found = coveringOf.get(ctx);
  if (!found) {
    found = locksCovering(activeLocks(ctx.ledger, ctx.policy, ctx.now), ctx.intent.symbol);
    coveringOf.set(ctx, found);
  }
  return found;
}

/** An active lock on every pair ('*') → no entry. */
export const globalLockGuard: RiskGuard = {
  name: 'globalLock', code: 'GLOBAL_LOCK', scope: 'entry',
  check: function globalLock(ctx) {
    const { global } = covering(ctx);
    return global.length ? `all pairs locked: ${describe(global)}` : undefined;
  },
};

/** An active lock on the intent's pair → no entry. */
export const pairLockGuard: RiskGuard = {
  name: 'pairLock', code: 'PAIR_LOCKED', scope: 'entry',
  check: function pairLock(ctx) {
    const { pair } = covering(ctx);
    return pair.length ? `${ctx.intent.symbol} locked: ${describe(pair)}` : undefined;
  },
};
