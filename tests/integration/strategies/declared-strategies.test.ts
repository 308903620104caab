import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { validatePolicy } from '../../../shared/domain/policy.js';
import { getStrategy, registeredStrategies } from '../../../shared/domain/strategy.js';
import { loadStrategyFiles } from '../../../shared/local/strategy-loader.js';
import { declareUserStrategies, USER_STRATEGIES_ENV } from '../../../shared/runtime/user-strategies.js';

const declared = (name: string) => [{
  name, source: `strategies/${name}.ts`,
  params: [{ name: 'entryLookback', integer: true, default: 20, min: 2, max: 500 }, { name: 'k', integer: false, default: 1.5 }],
}];

describe('declared user strategies (the functions without their code)', () => {
  it('validate a policy naming one: names, ranges and defaults of its params, each problem at its path', () => {
    declareUserStrategies({ [USER_STRATEGIES_ENV]: JSON.stringify(declared('channel')) });
    expect(validatePolicy({ strategies: [{ name: 'channel', params: { entryLookback: 30, k: 2 } }] }).ok).toBe(true);
    const r = validatePolicy({ strategies: [{ name: 'channel', params: { entryLookback: 501, kk: 1 } }] });
    expect(!r.ok && r.problems.filter((p) => p.code === 'STRATEGY_PARAMS').map((p) => p.path)).toEqual(['strategies.0.params.entryLookback', 'strategies.0.params.kk']);
    expect(getStrategy('channel').requiredCandles({})).toBe(1);
    expect(() => getStrategy('channel').evaluate({ candles: [], holding: false, params: {} })).toThrow('strategy channel (strategies/channel.ts) runs only in the signal function');
  });

  it('never replace a strategy whose code is registered (the signal function registers the modules first)', async () => {
    const file = path.resolve(import.meta.dirname, '../../support/strategies/breakout.ts');
    const [real] = await loadStrategyFiles([file]);
    declareUserStrategies({ [USER_STRATEGIES_ENV]: JSON.stringify(declared('breakout')) });
    expect(getStrategy('breakout')).toBe(real);
    expect(registeredStrategies().find((r) => r.strategy.name === 'breakout')?.source).toBe(file);
  });

  it('refuse a declaration that is not JSON or not a list of declarations, and do nothing without one', () => {
    expect(() => declareUserStrategies({ [USER_STRATEGIES_ENV]: '{oops' })).toThrow(`${USER_STRATEGIES_ENV} is not JSON`);
    expect(() => declareUserStrategies({ [USER_STRATEGIES_ENV]: '[{"name":"x"}]' })).toThrow('must be a list of { name, source, params }');
    const before = registeredStrategies().length;
    declareUserStrategies({});
    expect(registeredStrategies()).toHaveLength(before);
  });
});
