import { describe, expect, it } from 'vitest';
import { PolicySchema } from '../../../shared/domain/policy.js';
import { regimeCandlesNeeded } from '../../../shared/domain/regime.js';
import { regimeParams } from '../../../shared/domain/regime-policy.js';
import { warmupOf } from '../../../shared/local/live-market.js';

describe('the live start warm-up under the regime gate', () => {
  const off = PolicySchema.parse({ strategies: [{ name: 'momentum' }] });
  const on = PolicySchema.parse({ strategies: [{ name: 'momentum' }], regime: { enabled: true } });

  it('backfills the candles the gate needs to know a regime (1,589 with the defaults) when it is on', () => {
    expect(regimeCandlesNeeded(regimeParams(on.regime))).toBe(1589);
    expect(warmupOf(on)).toBe(1589);
  });

  it('keeps the strategies\' warm-up while the gate is off', () => {
    expect(warmupOf(off)).toBeLessThan(1589);
    expect(warmupOf(off)).toBe(warmupOf({ strategies: off.strategies }));
  });
});
