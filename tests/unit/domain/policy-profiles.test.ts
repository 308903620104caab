import { describe, expect, it } from 'vitest';
import { defaultPolicy, validatePolicy } from '../../../shared/domain/policy.js';
import { PROFILES, applyProfile } from '../../../shared/domain/policy-profiles.js';

describe('policy profiles', () => {
  it.each([{}, ...Object.keys(PROFILES).map((profile) => ({ profile }))])('validates %j with no errors', (document) => {
    const r = validatePolicy(document, { exchangeKeysConfigured: true });
    expect(r.ok ? [] : r.problems).toEqual([]);
  });

  it('makes the conservative profile the defaults the issue names', () => {
    const p = defaultPolicy();
    expect(p.profile).toBe('conservative');
    expect(p.mode).toBe('PAPER');
    expect(p.risk).toMatchObject({ maxTotalExposurePct: 25, maxOpenPositions: 5, maxPositionPct: 3, pyramiding: { enabled: false } });
    expect(p.exits).toMatchObject({ stopLossPct: -10, takeProfitPct: 12 });
    expect(p.lossLimits).toMatchObject({ dailyStopPct: -3, weeklyStopPct: -7, maxDrawdownPct: 10 });
    expect(p.pacing).toEqual({
      maxTradesPerDay: 15, maxTradesPerHour: 5, maxNewPositionsPerHour: 3, minSecondsBetweenTrades: 180, perSymbolCooldownSeconds: 900,
    });
    expect(validatePolicy({ profile: 'conservative' })).toMatchObject({ ok: true, policy: p });
  });

  it.each([
    ['moderate', 40, -5],
    ['full', 60, -8],
  ] as const)('lays the %s preset under the document', (profile, exposure, daily) => {
    const r = validatePolicy({ profile });
    expect(r.ok && r.policy.risk.maxTotalExposurePct).toBe(exposure);
    expect(r.ok && r.policy.lossLimits.dailyStopPct).toBe(daily);
  });

  it('lets the document win over its profile, key by key', () => {
    const r = validatePolicy({ profile: 'full', risk: { stakePct: 1 } });
    expect(r.ok && r.policy.risk).toMatchObject({ stakePct: 1, maxPositionPct: 10, maxTotalExposurePct: 60 });
  });

  it('warns, without blocking, that the full profile puts more than half of equity at risk', () => {
    const r = validatePolicy({ profile: 'full' });
    expect(r.warnings.map((w) => w.code)).toEqual(['HIGH_EXPOSURE']);
  });

  it('passes anything that is not an object, or names no known profile, through unchanged', () => {
    expect(applyProfile('x')).toBe('x');
    const doc = { profile: 'reckless', mode: 'PAPER' };
    expect(applyProfile(doc)).toBe(doc);
    expect(validatePolicy(doc).ok).toBe(false);
  });
});
