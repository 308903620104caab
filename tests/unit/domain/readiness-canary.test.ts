import { describe, expect, it } from 'vitest';
import { decide } from '../../../shared/domain/decide.js';
import { dec } from '../../../shared/domain/money.js';
import { canaryStakeCap } from '../../../shared/domain/readiness-canary.js';
import { book, DAY, exitCtx, held, NOW, policyWith, rctx } from './risk-fixtures.js';

const LIVE = { mode: 'LIVE', liveTradingConfirmed: true } as const;
const live = (canary: { stakeCapQuote: string | null; days: number } = { stakeCapQuote: '50', days: 7 }) =>
  policyWith({ ...LIVE, goLive: { ...policyWith().goLive, canary } });

describe('canaryStakeCap', () => {
  it.each([
    ['LIVE, one day into a 7-day canary', live(), NOW - DAY, '50'],
    ['LIVE, the canary over (7 days after the first LIVE policy)', live(), NOW - 7 * DAY, undefined],
    ['PAPER', policyWith({ goLive: live().goLive }), NOW - DAY, undefined],
    ['LIVE without a canary (null cap)', live({ stakeCapQuote: null, days: 7 }), NOW - DAY, undefined],
    ['LIVE with a 0-day canary', live({ stakeCapQuote: '50', days: 0 }), NOW - DAY, undefined],
    ['LIVE with no first-LIVE time known', live(), undefined, undefined],
  ])('%s', (_label, policy, since, expected) => {
    expect(canaryStakeCap(policy, since, NOW)?.toFixed()).toBe(expected);
  });
});

describe('the canary in the risk chain', () => {
  it('shrinks a LIVE entry to the canary cap (cost with fee within it) and approves it', () => {
    const { decision, reservation } = decide(rctx({ policy: live(), canaryStakeCap: dec('50') }));
    expect(decision.approved).toBe(true);
    expect(decision.quantity).toBe('0.00099');
    expect(reservation!.notional.lte(50)).toBe(true);
  });

  it('leaves the stake alone once the canary is over (no cap in the context)', () => {
    expect(decide(rctx({ policy: live() })).decision).toMatchObject({ approved: true, quantity: '0.004' });
  });

  it('refuses with CANARY_STAKE_CAP an entry the cap leaves below the minimum order', () => {
    const { decision } = decide(rctx({ policy: live(), canaryStakeCap: dec('5') }));
    expect(decision.approved).toBe(false);
    expect(decision.reasons.map((r) => r.code)).toContain('CANARY_STAKE_CAP');
    expect(decision.quantity).toBe('0.004');
  });

  it('never caps an exit: the whole position is sold', () => {
    const { decision } = decide(exitCtx({ policy: live(), canaryStakeCap: dec('5'), ledger: book([held('BTC/USDT', '0.004', '200.2')]) }));
    expect(decision).toMatchObject({ approved: true, quantity: '0.004' });
  });
});
