// TEST FIXTURE: a user strategy module as `stratus new-strategy` users write them (loaded with --strategy-file).
import * as z from 'zod';
import type { StrategyDefinition } from '../../../shared/domain/strategy.js';

const params = z.strictObject({
  entryLookback: z.number().int().min(2).max(500).default(20).describe('closes whose high a breakout must beat'),
  exitLookback: z.number().int().min(2).max(500).default(10).describe('closes whose low a breakdown must undercut'),
});

/** Channel breakout: buy a close above the previous entryLookback closes, sell a close below the previous exitLookback. */
export default {
  name: 'breakout',
  summary: 'buy a close above the previous closes, sell one below them',
  params,
  requiredCandles: (p) => Math.max(p.entryLookback, p.exitLookback) + 1,
  evaluate({ candles, holding, params: p }) {
    const last = candles.at(-1);
    if (!last || candles.length < Math.max(p.entryLookback, p.exitLookback) + 1) return undefined;
    const before = candles.slice(0, -1).map((c) => c.close);
    const high = Math.max(...before.slice(-p.entryLookback));
    const low = Math.min(...before.slice(-p.exitLookback));
    if (!holding && last.close > high) return { side: 'buy', kind: 'entry', score: last.close / high - 1, reason: `close ${last.close} above ${high}` };
    if (holding && last.close < low) return { side: 'sell', kind: 'exit', score: last.close / low - 1, reason: `close ${last.close} below ${low}` };
    return undefined;
  },
} satisfies StrategyDefinition<typeof params>;
