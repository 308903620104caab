import { describe, expect, it } from 'vitest';
import { parseCommandArgs } from '../../../shared/cli/cli-parse.js';
import { command as backtest } from '../../../shared/cli/backtest-command.js';
import { command as start } from '../../../shared/cli/start-command.js';
import { strategyFilesOf } from '../../../shared/local/strategy-loader.js';

describe('--strategy-file and --strategies-dir', () => {
  it('take --strategy-file more than once, joined with commas, and a comma list, in order', () => {
    const { values } = parseCommandArgs(backtest, ['--strategy-file', 'a.ts', '--strategy-file=b.ts,c.ts', '--strategy-file', 'd.ts']);
    expect(values['strategy-file']).toBe('a.ts,b.ts,c.ts,d.ts');
    expect(strategyFilesOf(values, '/p')).toEqual(['/p/a.ts', '/p/b.ts', '/p/c.ts', '/p/d.ts']);
  });

  it('keep the last value of an option that is not repeatable', () => {
    expect(parseCommandArgs(backtest, ['--symbols', 'BTC/USDT', '--symbols', 'ETH/USDT']).values.symbols).toBe('ETH/USDT');
  });

  it('are options of every command that runs strategies', async () => {
    const research = await import('../../../shared/cli/research-commands.js');
    const policy = (await import('../../../shared/cli/policy-command.js')).command;
    const walkForward = (await import('../../../shared/cli/walk-forward-command.js')).command;
    const strategies = (await import('../../../shared/cli/strategies-command.js')).command;
    for (const spec of [backtest, start, research.costSweepSpec, research.lookaheadSpec, walkForward, strategies, policy.subcommands!.validate!, policy.subcommands!.set!, policy.subcommands!.diff!]) {
      expect(Object.keys(spec.options), spec.name).toEqual(expect.arrayContaining(['strategy-file', 'strategies-dir']));
    }
  });
});
