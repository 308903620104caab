import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { strategyFromModule } from '../../shared/domain/strategy-module.js';
import { loadStrategyFiles } from '../../shared/local/strategy-loader.js';

const def = (name: string) => ({ name, params: z.strictObject({}), requiredCandles: 1, evaluate: () => undefined });

describe('a strategy module exports one strategy', () => {
  it('refuses a module whose default and `strategy` exports are two different strategies (one was dropped silently)', async () => {
    await expect(loadStrategyFiles([`${process.cwd()}/tests/review/fixtures/two-strategies.ts`]))
      .rejects.toThrow(/exports two strategies \(review-first, review-second\)/);
  });

  it('still takes the same strategy exported both ways, and either export alone', () => {
    const one = def('review-same');
    expect(strategyFromModule({ default: one, strategy: one }, 'x.ts').name).toBe('review-same');
    expect(strategyFromModule({ strategy: def('review-named') }, 'x.ts').name).toBe('review-named');
    expect(strategyFromModule({ default: { default: def('review-cjs') } }, 'x.ts').name).toBe('review-cjs');
  });
});
