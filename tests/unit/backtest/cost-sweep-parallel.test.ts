import { describe, expect, it } from 'vitest';
import { costSweep, type CostLevelResult } from '../../../shared/backtest/cost-sweep.js';

describe('costSweep with an asynchronous run (a sweep pool)', () => {
  it('starts every level before any finishes and returns them in ascending cost whatever order they finish in', async () => {
    const pending = new Map<number, (r: CostLevelResult) => void>();
    const sweep = costSweep([20, 0, 10, 0], (bps) => new Promise<CostLevelResult>((resolve) => { pending.set(bps, resolve); }));
    await Promise.resolve();
    await Promise.resolve();
    expect([...pending.keys()]).toEqual([0, 10, 20]);
    for (const [bps, ret] of [[20, -1], [0, 3], [10, 1]] as const) pending.get(bps)!({ bps, sharpe: null, totalReturnPct: ret, trades: 2 });
    const result = await sweep;
    expect(result.levels.map((l) => l.bps)).toEqual([0, 10, 20]);
    expect(result.breakEvenBps).toBeCloseTo(15, 12);
  });
});
