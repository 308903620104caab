/**
 * The canary after go-live: for goLive.canary.days from the first LIVE policy in force (LoadedPolicy.liveSince), every
 * LIVE entry's cost (notional plus fee) is capped at goLive.canary.stakeCapQuote. Sizing shrinks an entry to the cap as it
 * shrinks to a strategy's budget (entryRoom); this guard refuses (CANARY_STAKE_CAP) one that cannot be shrunk into it.
 */
import { dec, type Decimal } from './money.js';
import type { Policy } from './policy.js';
import type { RiskGuard } from './risk/guard.js';

const DAY_MS = 86_400_000;

/** The canary's cap on one entry's cost, quote, at `now`; undefined outside LIVE, without a canary, or once it is over. */
export function canaryStakeCap(policy: Policy, liveSince: number | undefined, now: number): Decimal | undefined {
  const { stakeCapQuote, days } = policy.goLive.canary;
  if (policy.mode !== 'LIVE' || stakeCapQuote === null || days <= 0 || liveSince === undefined) return undefined;
  return now < liveSince + days * DAY_MS ? dec(stakeCapQuote) : undefined;
}

/** An entry whose cost is above the canary cap (after sizing shrank it as far as the market's minimums allow). */
export const canaryGuard: RiskGuard = {
  name: 'canaryStakeCap', code: 'CANARY_STAKE_CAP', scope: 'entry',
  enabled: (p) => p.mode === 'LIVE' && p.goLive.canary.stakeCapQuote !== null && p.goLive.canary.days > 0,
  check: function canaryStakeCapCheck(ctx, a) {
    const cap = ctx.canaryStakeCap;
    return cap === undefined || a.cost.lte(cap) ? undefined
      : `entry cost ${a.cost.toFixed()} above the canary cap ${cap.toFixed()} (goLive.canary, first ${ctx.policy.goLive.canary.days} days of LIVE)`;
  },
};
