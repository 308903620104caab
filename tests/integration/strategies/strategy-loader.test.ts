import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Candle } from '../../../shared/domain/candle.js';
import { validatePolicy } from '../../../shared/domain/policy.js';
import { getStrategy, registeredStrategies } from '../../../shared/domain/strategy.js';
import { loadedStrategyFiles, loadStrategyFiles, loadUserStrategies, strategyFilesOf } from '../../../shared/local/strategy-loader.js';

const FIXTURES = path.resolve(import.meta.dirname, '../../support/strategies');
const BREAKOUT = path.join(FIXTURES, 'breakout.ts');
const bad = (name: string) => path.join(FIXTURES, 'bad', name);
const series = (closes: number[]): Candle[] => closes.map((close, i) => ({
  symbol: 'BTC/USDT', timeframe: '1m', openTime: i * 60_000, open: close, high: close, low: close, close, volume: 1,
}));

describe('loading user strategy modules', () => {
  it('registers a TypeScript module given by --strategy-file beside the built-ins, with its file as source', async () => {
    const [loaded] = await loadUserStrategies({ 'strategy-file': path.relative(process.cwd(), BREAKOUT) });
    expect(loaded!.name).toBe('breakout');
    expect(getStrategy('breakout')).toBe(loaded);
    expect(registeredStrategies().find((s) => s.strategy.name === 'breakout')?.source).toBe(BREAKOUT);
    expect(loadedStrategyFiles()).toContain(BREAKOUT);
    // defaults 20/10 fill in; the params schema parses what the policy gives
    expect(loaded!.requiredCandles({})).toBe(21);
    expect(loaded!.requiredCandles({ entryLookback: 3, exitLookback: 2 })).toBe(4);
    const params = { entryLookback: 3, exitLookback: 2 };
    expect(loaded!.evaluate({ candles: series([5, 6, 7, 8]), holding: false, params })).toMatchObject({ side: 'buy', kind: 'entry' });
    expect(loaded!.evaluate({ candles: series([5, 6, 7, 7]), holding: false, params })).toBeUndefined();
    expect(loaded!.evaluate({ candles: series([5, 6, 7, 5.5]), holding: true, params })).toMatchObject({ side: 'sell', kind: 'exit' });
  });

  it('loads a module once however often it is named, and lists a folder without its tests, helpers and subfolders', async () => {
    const twice = await loadStrategyFiles([BREAKOUT, BREAKOUT]);
    expect(twice[0]).toBe(twice[1]);
    expect(strategyFilesOf({ 'strategies-dir': FIXTURES })).toEqual([BREAKOUT]);
    expect(strategyFilesOf({ 'strategy-file': `${BREAKOUT}, ${BREAKOUT}`, 'strategies-dir': FIXTURES })).toEqual([BREAKOUT]);
  });

  it('refuses a user strategy whose name a built-in has, naming both', async () => {
    const file = bad('shadows-momentum.ts');
    await expect(loadStrategyFiles([file])).rejects.toMatchObject({ code: 'STRATEGY_NAME_TAKEN', message: expect.stringContaining('"momentum" is already taken by a built-in strategy') });
    await expect(loadStrategyFiles([file])).rejects.toThrow(file);
    expect(registeredStrategies().find((s) => s.strategy.name === 'momentum')?.source).toBe('built-in');
  });

  it('names what a module lacks: no strategy export at all, or a strategy without params and evaluate', async () => {
    await expect(loadStrategyFiles([bad('no-export.ts')])).rejects.toMatchObject({ code: 'INVALID_STRATEGY_MODULE', message: expect.stringMatching(/exports no strategy.*it exports: helper/) });
    const missing = loadStrategyFiles([bad('missing-evaluate.ts')]);
    await expect(missing).rejects.toThrow(/not a valid strategy: params \(a zod object schema.*\) is missing; evaluate \(a function.*\) is missing/);
  });

  it('says which file could not be loaded at all', async () => {
    await expect(loadStrategyFiles([bad('does-not-exist.ts')])).rejects.toMatchObject({ code: 'INVALID_STRATEGY_MODULE', message: expect.stringContaining('does-not-exist.ts: cannot be loaded') });
    expect(() => strategyFilesOf({ 'strategies-dir': bad('nowhere') })).toThrow(/--strategies-dir .*nowhere: cannot be read/);
  });

  it('validates the policy params of a loaded strategy by its schema, every problem at its own path', async () => {
    await loadStrategyFiles([BREAKOUT]);
    const r = validatePolicy({ strategies: [{ name: 'breakout', params: { entryLookback: 1, exitLookback: 2.5, lookbak: 3 } }] });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.problems.filter((p) => p.code === 'STRATEGY_PARAMS').map((p) => [p.path, p.message])).toEqual([
      ['strategies.0.params.entryLookback', 'breakout: entryLookback must be an integer in 2..500, got 1'],
      ['strategies.0.params.exitLookback', 'breakout: exitLookback must be an integer in 2..500, got 2.5'],
      ['strategies.0.params.lookbak', 'breakout: unknown param "lookbak" (known: entryLookback, exitLookback)'],
    ]);
    expect(validatePolicy({ strategies: [{ name: 'breakout', params: { entryLookback: 30 } }] }).ok).toBe(true);
  });
});
