import { describe, expect, it } from 'vitest';
import { decide } from '../../../shared/domain/decide.js';
import { dec } from '../../../shared/domain/money.js';
import { validatePolicy } from '../../../shared/domain/policy.js';
import { evaluateRisk } from '../../../shared/domain/risk/evaluate.js';
import { guardsFor } from '../../../shared/domain/risk/guards.js';
import { regimeVerdict } from '../../../shared/domain/regime-policy.js';
import { book, exitCtx, held, policyWith, rctx } from './risk-fixtures.js';

const gate = (matrix: Record<string, Record<string, string>> = {}) => policyWith({ regime: { ...policyWith().regime, enabled: true, matrix } });

describe('the regime gate in the risk chain', () => {
  it('is not in the chain while policy.regime is off (the default)', () => {
    expect(guardsFor(policyWith()).map((g) => g.name)).not.toContain('regime');
    expect(evaluateRisk(rctx({ regime: 'crisis' }))).toMatchObject({ approved: true, reasons: [] });
  });

  it('rejects an entry with REGIME_BLOCKED in crisis by default', () => {
    const r = evaluateRisk(rctx({ policy: gate(), regime: 'crisis' }));
    expect(r.approved).toBe(false);
    expect(r.reasons).toEqual([{ code: 'REGIME_BLOCKED', message: 'regime crisis: momentum entries are blocked' }]);
  });

  it('lets an exit through in a regime that blocks the strategy', () => {
    const ctx = exitCtx({ policy: gate({ momentum: { crisis: 'blocked', trending: 'blocked' } }), regime: 'crisis', ledger: book([held('BTC/USDT', '0.004', '200')]) });
    expect(evaluateRisk(ctx)).toMatchObject({ approved: true, reasons: [] });
  });

  it('blocks by the strategy row, then the "*" row, then the default', () => {
    const p = gate({ momentum: { volatile: 'blocked' }, '*': { trending: 'blocked', volatile: 'allowed' } });
    expect(regimeVerdict(p.regime, 'momentum', 'volatile').rule).toBe('blocked');
    expect(regimeVerdict(p.regime, 'momentum', 'trending').rule).toBe('blocked');
    expect(regimeVerdict(p.regime, 'sma-cross', 'volatile').rule).toBe('allowed');
    expect(regimeVerdict(p.regime, 'sma-cross', 'crisis').rule).toBe('blocked');
    expect(regimeVerdict(p.regime, 'momentum', 'mean-reverting').rule).toBe('allowed');
  });

  it('allows every entry when no regime is known (warm-up or unconfirmed)', () => {
    expect(evaluateRisk(rctx({ policy: gate({ '*': { trending: 'blocked', volatile: 'blocked', 'mean-reverting': 'blocked' } }) }))).toMatchObject({ approved: true });
  });

  it('multiplies the stake by a reduced cell\'s fraction, and the order reserves the reduced size', () => {
    const full = decide({ ...rctx({ policy: gate() , regime: 'trending' }), policyHash: 'h', policyVersion: 1 });
    const half = decide({ ...rctx({ policy: gate({ momentum: { trending: 'reduced:0.5' } }), regime: 'trending' }), policyHash: 'h', policyVersion: 1 });
    expect(full.decision.approved && half.decision.approved).toBe(true);
    expect(dec(half.decision.quantity!).toFixed()).toBe(dec(full.decision.quantity!).div(2).toFixed());
    expect(half.reservation!.notional.lt(full.reservation!.notional)).toBe(true);
  });
});

describe('policy.regime validation', () => {
  const problems = (regime: Record<string, unknown>, extra: Record<string, unknown> = {}) => {
    const out = validatePolicy({ regime: { enabled: true, ...regime }, ...extra });
    return out.ok ? out.warnings.map((w) => `${w.code} ${w.path}`) : [...out.problems, ...out.warnings].map((p) => `${p.code} ${p.path}`);
  };

  it('accepts the defaults: off, BTC/USDT as leader, crisis blocked', () => {
    const out = validatePolicy({});
    expect(out.ok && out.policy.regime).toMatchObject({ enabled: false, leader: 'BTC/USDT', matrix: {} });
    expect(problems({}, { symbols: ['BTC/USDT', 'ETH/USDT'] })).toEqual([]);
  });

  it('refuses a matrix cell that is not allowed, blocked or reduced:<fraction>', () => {
    expect(problems({ matrix: { momentum: { crisis: 'maybe' } } })).toEqual(['SCHEMA regime.matrix.momentum.crisis']);
    expect(problems({ matrix: { momentum: { panic: 'blocked' } } })).toEqual(['UNKNOWN_KEY regime.matrix.momentum.panic']);
  });

  it('refuses a reduced fraction outside (0, 1) and a row for a strategy the policy does not run', () => {
    expect(problems({ matrix: { momentum: { volatile: 'reduced:1.5' }, 'sma-cross': { crisis: 'blocked' } } })).toEqual([
      'REGIME_MATRIX_INVALID regime.matrix.momentum.volatile', 'REGIME_MATRIX_INVALID regime.matrix.sma-cross',
    ]);
  });

  it('refuses detector windows out of range and a confirm longer than the smoothing window', () => {
    expect(problems({ erPeriod: 1, confirmCandles: 200, volLookback: 6000 })).toEqual([
      'REGIME_OUT_OF_RANGE regime.erPeriod', 'REGIME_OUT_OF_RANGE regime.volLookback', 'REGIME_OUT_OF_RANGE regime.confirmCandles', 'REGIME_OUT_OF_RANGE regime',
    ]);
  });

  it('warns when the leader is not one of the symbols (its candles are never stored)', () => {
    expect(problems({}, { symbols: ['ETH/USDT'] })).toEqual(['REGIME_LEADER_NOT_LISTED regime.leader']);
  });
});
