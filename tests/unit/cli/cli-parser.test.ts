import { describe, expect, it } from 'vitest';
import type { CommandSpec } from '../../../shared/cli/command-spec.js';
import { COMMANDS } from '../../../shared/cli/commands.js';
import { editDistance, nearest, parseCommandArgs, unknownOption } from '../../../shared/cli/cli-parse.js';
import { cliHarness } from './cli-harness.js';

/** Every command and subcommand in the registry as [argv prefix, spec], so a command added later is covered too. */
async function leafCommands(): Promise<[string[], CommandSpec][]> {
  const out: [string[], CommandSpec][] = [];
  for (const [name, entry] of Object.entries(COMMANDS)) {
    const { command } = await entry.load();
    expect(command.name, `registry name ${name}`).toBe(name);
    if (command.subcommands) for (const [sub, spec] of Object.entries(command.subcommands)) out.push([[name, sub], spec]);
    else out.push([[name], command]);
  }
  return out;
}

describe('stratus parses each command with its own options only', () => {
  it('refuses, for every command, an option another command takes: one line, exit 2, nothing run', async () => {
    const leaves = await leafCommands();
    const all = [...new Set(leaves.flatMap(([, s]) => Object.keys(s.options)))];
    const h = cliHarness();
    for (const [argv, spec] of leaves) {
      const foreign = all.find((o) => !(o in spec.options))!;
      const r = await h.run(...argv, `--${foreign}`, 'x');
      expect(r.code, `${argv.join(' ')} --${foreign}`).toBe(2);
      expect(r.out).toBe('');
      expect(r.err).toMatch(new RegExp(`^stratus ${spec.name}: unknown option --${foreign} \\(.+\\)\\n$`));
    }
  }, 60_000);

  it('lists, for every command, each of its options with its placeholder and description in <command> --help', async () => {
    const h = cliHarness();
    for (const [argv, spec] of await leafCommands()) {
      const r = await h.run(...argv, '--help');
      expect(r.code, argv.join(' ')).toBe(0);
      expect(r.out).toContain(`Usage: ${spec.usage}`);
      for (const [name, o] of Object.entries(spec.options)) {
        expect(r.out, `${argv.join(' ')} --${name}`).toMatch(new RegExp(`\\n {2}--${name}${o.type === 'string' ? ` ${escape(o.value ?? 'VALUE')}` : ''} +${escape(o.description)}\\n`));
      }
      if (spec.positionals) expect(r.out).toContain(`Arguments:\n  ${spec.positionals.label}`);
      if (spec.details) expect(r.out).toContain(spec.details);
    }
  }, 60_000);

  it('lists every registered command with its summary in stratus --help, and prints it to stderr with exit 2 when no command is given', async () => {
    const h = cliHarness();
    const help = await h.run('--help');
    expect(help.code).toBe(0);
    for (const [name, entry] of Object.entries(COMMANDS)) expect(help.out).toMatch(new RegExp(`\\n {2}${escape(name)} +${escape(entry.summary)}\\n`));
    expect(await h.run()).toMatchObject({ code: 2, out: '', err: help.out });
    expect((await h.run('help', 'locks')).out).toMatch(/^Usage: stratus locks \[--local \[DIR\]\]\n/);
    expect((await h.run('help', 'policy', 'set')).out).toMatch(/^Usage: stratus policy set FILE --by WHO/);
  });

  it('names the nearest valid option for a misspelt one', async () => {
    const h = cliHarness();
    expect((await h.run('backtest', '--simbols', 'BTC/USDT')).err).toBe('stratus backtest: unknown option --simbols (did you mean --symbols?)\n');
    expect((await h.run('walk-forward', '--objectiv', 'sharpe')).err).toBe('stratus walk-forward: unknown option --objectiv (did you mean --objective?)\n');
    expect((await h.run('cost-sweep', '--level=0,5')).err).toBe('stratus cost-sweep: unknown option --level (did you mean --levels?)\n');
    expect((await h.run('decisions', '--symbols', 'BTC/USDT')).err).toBe('stratus decisions: unknown option --symbols (did you mean --symbol?)\n');
    expect((await h.run('policy', 'history', '--limt', '3')).err).toBe('stratus policy history: unknown option --limt (did you mean --limit?)\n');
    expect((await h.run('status', '--day', '2021-05-19')).err).toBe('stratus status: unknown option --day (status takes --json, --local)\n');
    expect((await h.run('locks', '--since', 'x')).err).toBe('stratus locks: unknown option --since (locks takes --local)\n');
    const bare: CommandSpec = { name: 'bare', summary: '', usage: 'stratus bare', options: {}, run: async () => 0 };
    expect(unknownOption(bare, '--since=x')).toBe('unknown option --since (bare takes no options)');
  });

  it('names the nearest command or subcommand for a misspelt one, exit 2', async () => {
    const h = cliHarness();
    expect(await h.run('backtets')).toMatchObject({ code: 2, err: 'stratus: unknown command backtets (did you mean backtest?)\n' });
    expect(await h.run('policy', 'rollbak', '1')).toMatchObject({ code: 2, err: 'stratus policy: unknown subcommand rollbak (did you mean rollback?)\n' });
    expect(await h.run('--symbols', 'BTC/USDT', 'start')).toMatchObject({ code: 2, err: expect.stringMatching(/^stratus: put the command first/) });
  });

  it('refuses extra positionals, a flag given a value, and an option missing its value, exit 2', async () => {
    const h = cliHarness();
    expect(await h.run('backtest', 'BTC/USDT')).toMatchObject({ code: 2, err: 'stratus backtest: unexpected argument BTC/USDT (backtest takes no arguments)\n' });
    expect(await h.run('policy', 'set', 'a.json', 'b.json', '--by', 'me')).toMatchObject({ code: 2, err: expect.stringMatching(/^stratus policy set: unexpected argument b\.json/) });
    expect(await h.run('cost', '--spot=yes')).toMatchObject({ code: 2, err: 'stratus cost: --spot takes no value, got --spot=yes\n' });
    expect(await h.run('backtest', '--strategy', '--symbols', 'BTC/USDT')).toMatchObject({ code: 2, err: 'stratus backtest: --strategy needs a value (NAME)\n' });
    expect(await h.run('backtest', '--levels', '0,5', '--strategy', 'sma-cross')).toMatchObject({ code: 2, err: 'stratus backtest: --levels is only taken with --cost-sweep\n' });
    const { command: backtest } = await COMMANDS.backtest!.load();
    expect(() => parseCommandArgs(backtest, ['--simbols'])).toThrow(expect.objectContaining({ name: 'UsageError', code: 'CLI_USAGE' }));
  });

  it('takes `--json` alone as "JSON on stdout" for status, report and cost, and `--` before a positional that starts with a dash', async () => {
    for (const name of ['status', 'report', 'cost']) {
      const { command } = await COMMANDS[name]!.load();
      expect(parseCommandArgs(command, ['--json']).values.json, name).toBe('-');
      expect(parseCommandArgs(command, ['--json', 'out.json']).values.json, name).toBe('out.json');
    }
    const { command: report } = await COMMANDS.report!.load();
    expect(parseCommandArgs(report, ['--json', '--day', '2021-05-19']).values).toEqual({ json: '-', day: '2021-05-19' });
    const r = await cliHarness().run('policy', 'validate', '--', '-odd.json');
    expect(r).toMatchObject({ code: 1, err: expect.stringContaining('no such file -odd.json') });
  });
});

describe('nearest option', () => {
  it.each([
    ['simbols', 'symbols'], ['timefram', 'timeframe'], ['fee', 'fee-bps'], ['slipage-bps', 'slippage-bps'], ['jsn', 'json'], ['xyz', undefined],
  ])('%s → %s', (word, expected) => {
    expect(nearest(word, ['symbols', 'timeframe', 'fee-bps', 'slippage-bps', 'json', 'seed'])).toBe(expected);
  });

  it('counts insertions, deletions and substitutions', () => {
    expect([editDistance('kitten', 'sitting'), editDistance('', 'abc'), editDistance('same', 'same')]).toEqual([3, 3, 0]);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
