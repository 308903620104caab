import { describe, expect, it } from 'vitest';
import { bandOf, durabilityScore, piecewise, MAPS, type DurabilityInputs } from '../../../shared/domain/durability.js';
import { measureStability } from '../../../shared/domain/durability-measures.js';

/** Hand-computed case: oos 60, cost 55, stability 62.5, capacity 50, gap 80. */
const HAND: DurabilityInputs = {
  trades: 12,
  oos: { inSamplePerDayPct: 0.2, outOfSamplePerDayPct: 0.1, compoundedOosReturnPct: 3 },
  cost: { breakEvenBps: 15, maxLevelBps: 40, lowestLevelReturnPct: 4, feeBps: 10 },
  stability: { symbols: { 'BTC/USDT': '5', 'ETH/USDT': '-1' }, regimes: { crisis: '-2', trending: '3', volatile: '1', 'mean-reverting': '4' } },
  capacity: { runs: [{ multiple: 1, returnPct: 2 }, { multiple: 10, returnPct: 1.5 }, { multiple: 100, returnPct: 0.5 }] },
  gap: { paperReturnPct: 0.8, backtestReturnPct: 1 },
};

/** Every component at its best, except what a case overrides. */
const STRONG: DurabilityInputs = {
  trades: 40,
  oos: { inSamplePerDayPct: 0.1, outOfSamplePerDayPct: 0.1, compoundedOosReturnPct: 5 },
  cost: { breakEvenBps: null, maxLevelBps: 40, lowestLevelReturnPct: 9, feeBps: 10 },
  stability: { symbols: { 'BTC/USDT': '1' }, regimes: { trending: '1' } },
  capacity: { runs: [{ multiple: 1, returnPct: 2 }, { multiple: 100, returnPct: 2 }] },
  gap: { paperReturnPct: 1, backtestReturnPct: 1 },
};

describe('durability score', () => {
  it('maps each measure piecewise-linearly between its points and clamps outside them', () => {
    expect(piecewise(MAPS.cost, 1.5)).toBe(55);
    expect(piecewise(MAPS.cost, 3)).toBe(85);
    expect(piecewise(MAPS.cost, 9)).toBe(100);
    expect(piecewise(MAPS.oos, -2)).toBe(0);
    expect(piecewise(MAPS.oos, 0.25)).toBe(30);
  });

  it('weights the five subscores 30/25/15/15/15 into the hand-computed 60.6, marginal', () => {
    const d = durabilityScore(HAND);
    expect(d.components.map((c) => [c.name, c.subscore, c.effectiveWeight])).toEqual([
      ['oos', 60, 30], ['cost', 55, 25], ['stability', 62.5, 15], ['capacity', 50, 15], ['gap', 80, 15],
    ]);
    // (30·60 + 25·55 + 15·62.5 + 15·50 + 15·80) / 100 = 60.625
    expect(d.score).toBe(60.6);
    expect(d.rating).toBe('marginal');
    expect(d.floors).toEqual([]);
  });

  it('renormalises the weights over the measured components when the gap is not available, and says why', () => {
    const d = durabilityScore({ ...HAND, gap: { unavailable: 'no deployment reachable' } });
    // (30·60 + 25·55 + 15·62.5 + 15·50) / 85 = 57.206
    expect(d.score).toBe(57.2);
    expect(d.components.find((c) => c.name === 'oos')!.effectiveWeight).toBe(35.3);
    expect(d.components.find((c) => c.name === 'gap')).toEqual({
      name: 'gap', weight: 15, effectiveWeight: 0, subscore: null, measure: null, detail: 'not available: no deployment reachable',
    });
  });

  it.each([[80, 'excellent'], [79.9, 'good'], [65, 'good'], [64.9, 'marginal'], [50, 'marginal'], [49.9, 'poor'], [30, 'poor'], [29.9, 'unviable'], [0, 'unviable']] as const)(
    'rates a score of %s as %s', (score, rating) => expect(bandOf(score)).toBe(rating),
  );

  it('caps an otherwise excellent score at poor when the break-even cost is below the fee', () => {
    const d = durabilityScore({ ...STRONG, cost: { breakEvenBps: 5, maxLevelBps: 40, lowestLevelReturnPct: 1, feeBps: 10 } });
    // cost subscore 20 (0.5 × fee): (3000 + 500 + 1500 + 1500 + 1500) / 100 = 80
    expect(d.score).toBe(80);
    expect(d.bandRating).toBe('excellent');
    expect(d.rating).toBe('poor');
    expect(d.floors).toEqual([{ rule: 'break-even 5 bps below the fee (10 bps)', cap: 'poor' }]);
  });

  it('caps at poor when the walk-forward out-of-sample return is negative', () => {
    const d = durabilityScore({ ...STRONG, oos: { inSamplePerDayPct: 0.1, outOfSamplePerDayPct: 0.1, compoundedOosReturnPct: -0.1 } });
    expect(d.score).toBe(100);
    expect(d.rating).toBe('poor');
  });

  it('rates unviable a strategy that loses even at zero cost (no break-even in range)', () => {
    const d = durabilityScore({ ...STRONG, cost: { breakEvenBps: null, maxLevelBps: 40, lowestLevelReturnPct: -0.5, feeBps: 10 } });
    expect(d.components.find((c) => c.name === 'cost')!.subscore).toBe(0);
    expect(d.rating).toBe('unviable');
    expect(d.floors[0]!.cap).toBe('unviable');
  });

  it('rates unviable a run without closed trades', () => {
    expect(durabilityScore({ ...STRONG, trades: 0 }).rating).toBe('unviable');
  });

  it('counts a strategy profitable at every cost level as breaking even at the highest level (a lower bound)', () => {
    const cost = durabilityScore(STRONG).components.find((c) => c.name === 'cost')!;
    expect(cost.subscore).toBe(100);
    expect(cost.detail).toBe('break-even 40 bps (≥, profitable at every level) vs fee 10 bps');
  });

  it('scores capacity by the return kept at larger stakes, 0 when there is no profit to scale', () => {
    const keep = (runs: { multiple: number; returnPct: number | null }[]) => durabilityScore({ ...STRONG, capacity: { runs } }).components.find((c) => c.name === 'capacity')!.subscore;
    expect(keep([{ multiple: 1, returnPct: 2 }, { multiple: 10, returnPct: 1 }, { multiple: 100, returnPct: -3 }])).toBe(25);
    expect(keep([{ multiple: 1, returnPct: -1 }, { multiple: 10, returnPct: -2 }])).toBe(0);
  });

  it('gives the out-of-sample component 50 when only the test windows are profitable, 0 when neither is', () => {
    const oos = (outOfSamplePerDayPct: number) => durabilityScore({ ...STRONG, oos: { inSamplePerDayPct: -0.1, outOfSamplePerDayPct, compoundedOosReturnPct: 1 } })
      .components.find((c) => c.name === 'oos')!.subscore;
    expect(oos(0.05)).toBe(50);
    expect(oos(-0.05)).toBe(0);
  });
});

describe('stability from exact net PnL', () => {
  it('counts a group as profitable only when its decimal net PnL is above zero (0 is not, a satoshi is)', () => {
    const m = measureStability({ symbols: { 'BTC/USDT': '0', 'ETH/USDT': '0.00000001' }, regimes: { trending: '-0.00000001' } });
    expect(m).toMatchObject({ detail: 'profitable symbols 1/2, regimes 0/1' });
  });
});
