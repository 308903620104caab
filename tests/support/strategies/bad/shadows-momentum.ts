// TEST FIXTURE: a valid strategy whose name a built-in already has.
import * as z from 'zod';
import type { StrategyDefinition } from '../../../../shared/domain/strategy.js';

const params = z.strictObject({});

export default {
  name: 'momentum',
  params,
  requiredCandles: 2,
  evaluate: () => undefined,
} satisfies StrategyDefinition<typeof params>;
