import { describe, expect, it } from 'vitest';
import {
  circuitState, claimProbe, errorsInWindow, initialHealth, MIN_RECENT_ERRORS, recordFailure, recordSuccess, type CircuitPolicy,
} from '../../../shared/domain/circuit-breaker.js';
import type { ExchangeHealth } from '../../../shared/domain/exchange-health.js';
import { defaultPolicy } from '../../../shared/domain/policy.js';
import { deepFreeze } from './fixtures.js';

const d = defaultPolicy();
/** Opens at 3 consecutive failures, stays open 60 s; errors kept for a 300 s burst window. */
const policy: CircuitPolicy = {
  circuitBreaker: { failureThreshold: 3, openSeconds: 60 },
  killSwitch: { ...d.killSwitch, errorBurstWindowSeconds: 300, errorBurstCount: 5 },
};
const fail = (h: ExchangeHealth | undefined, now: number) => recordFailure(h && deepFreeze(h), now, policy);
const failures = (times: readonly number[], from?: ExchangeHealth) => times.reduce<ExchangeHealth | undefined>(fail, from)!;

describe('circuit breaker', () => {
  it('stays closed below failureThreshold consecutive failures', () => {
    const h = failures([1_000, 2_000]);
    expect(h).toMatchObject({ consecutiveFailures: 2, recentErrors: [1_000, 2_000] });
    expect(h.openedAt).toBeUndefined();
    expect(circuitState(h, 2_000, policy)).toBe('closed');
    expect(circuitState(undefined, 2_000, policy)).toBe('closed');
  });

  it('opens at the threshold and turns half-open openSeconds later', () => {
    const h = failures([1_000, 2_000, 3_000]);
    expect(h.openedAt).toBe(3_000);
    expect(circuitState(h, 3_000, policy)).toBe('open');
    expect(circuitState(h, 62_999, policy)).toBe('open');
    expect(circuitState(h, 63_000, policy)).toBe('half-open');
  });

  it('lets exactly one probe through: a claimed probe reads open until it reports or openSeconds pass', () => {
    const h = failures([1_000, 2_000, 3_000]);
    expect(claimProbe(h, 62_999, policy)).toBeUndefined(); // still open: nothing to claim
    const probing = claimProbe(deepFreeze(h), 63_000, policy)!;
    expect(probing.probeAt).toBe(63_000);
    expect(circuitState(probing, 63_001, policy)).toBe('open');
    expect(claimProbe(probing, 63_001, policy)).toBeUndefined();
    expect(circuitState(probing, 122_999, policy)).toBe('open');
    expect(circuitState(probing, 123_000, policy)).toBe('half-open'); // the probe was lost: another may go
  });

  it('closes on a success (the probe or any other call), keeping the error times', () => {
    const probing = claimProbe(failures([1_000, 2_000, 3_000]), 63_000, policy)!;
    const closed = recordSuccess(deepFreeze(probing), 64_000);
    expect(closed).toEqual({ consecutiveFailures: 0, recentErrors: [1_000, 2_000, 3_000], updatedAt: 64_000 });
    expect(circuitState(closed, 64_000, policy)).toBe('closed');
  });

  it('re-opens for openSeconds when the half-open probe fails', () => {
    const probing = claimProbe(failures([1_000, 2_000, 3_000]), 63_000, policy)!;
    const reopened = fail(probing, 70_000);
    expect(reopened).toMatchObject({ consecutiveFailures: 4, openedAt: 70_000 });
    expect(reopened.probeAt).toBeUndefined();
    expect(circuitState(reopened, 129_999, policy)).toBe('open');
    expect(circuitState(reopened, 130_000, policy)).toBe('half-open');
  });

  it('needs the full threshold again after a success', () => {
    const h = failures([5_000, 6_000], recordSuccess(failures([1_000, 2_000]), 3_000));
    expect(circuitState(h, 6_000, policy)).toBe('closed');
    expect(circuitState(fail(h, 7_000), 7_000, policy)).toBe('open');
  });

  it('returns the same item for a success while already closed', () => {
    const h = initialHealth(0);
    expect(recordSuccess(h, 1_000)).toBe(h);
  });
});

describe('recent errors', () => {
  it('prunes error times older than the error-burst window', () => {
    expect(failures([0, 100_000, 400_000]).recentErrors).toEqual([100_000, 400_000]);
  });

  it(`keeps at most ${MIN_RECENT_ERRORS} (or errorBurstCount, if larger) error times`, () => {
    const times = Array.from({ length: MIN_RECENT_ERRORS + 50 }, (_, i) => i);
    const h = failures(times);
    expect(h.recentErrors).toHaveLength(MIN_RECENT_ERRORS);
    expect(h.recentErrors[0]).toBe(50);
    const big = times.reduce<ExchangeHealth | undefined>(
      (x, t) => recordFailure(x, t, { ...policy, killSwitch: { ...policy.killSwitch, errorBurstCount: 120 } }), undefined)!;
    expect(big.recentErrors).toHaveLength(120);
  });

  it('counts errors in the window ending now, both ends inclusive', () => {
    const h = failures([100_000, 200_000, 400_000]);
    expect(errorsInWindow(h, 400_000, 300)).toBe(3);
    expect(errorsInWindow(h, 500_000, 300)).toBe(2);
    expect(errorsInWindow(h, 500_001, 300)).toBe(1);
    expect(errorsInWindow(undefined, 0, 300)).toBe(0);
  });
});
