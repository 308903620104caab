import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { registeredStrategies } from '../domain/strategy.js';
import type { CliContext } from './cli-context.js';
import { UsageError, type CommandSpec, type OptionValues } from './command-spec.js';
import { strategyTemplate, strategyTestTemplate } from './strategy-template.js';

/** The repository's shared/domain folder, which the generated files import their types and test helpers from. */
const DOMAIN = path.resolve(import.meta.dirname, '../domain');

/** `from`'s import specifier of `to` (posix, starting with ./ or ../). */
function importPath(from: string, to: string): string {
  const rel = path.relative(from, to).split(path.sep).join('/');
  return rel.startsWith('.') ? rel : `./${rel}`;
}

/** How to run the written test: directly when vitest.config.ts includes its path (tests/**, strategies/**), else what to add first. */
function testAdvice(testFile: string): string {
  const rel = testFile.split(path.sep).join('/');
  if (/^(?:tests|strategies)\/(?:[^./][^/]*\/)*[^/]+$/.test(rel)) return `npx vitest run ${testFile}`;
  return `vitest.config.ts runs only tests/ and strategies/: add '${path.posix.dirname(rel)}/**/*.test.ts' to its test.include, then npx vitest run ${testFile}`;
}

/** `stratus new-strategy NAME`: writes DIR/NAME.ts (a commented template) and DIR/NAME.test.ts; never overwrites. */
export async function newStrategyCommand(ctx: CliContext, values: OptionValues, name: string): Promise<number> {
  if (!/^[a-z0-9][a-z0-9-]{0,39}$/.test(name)) throw new UsageError(`strategy name "${name}" must be 1-40 lower-case letters, digits or dashes`);
  if (registeredStrategies().some((r) => r.source === 'built-in' && r.strategy.name === name)) throw new UsageError(`"${name}" is a built-in strategy; choose another name`);
  const dir = path.resolve(typeof values.dir === 'string' ? values.dir : 'strategies');
  const files = [path.join(dir, `${name}.ts`), path.join(dir, `${name}.test.ts`)] as const;
  const taken = files.filter((f) => existsSync(f));
  if (taken.length) {
    ctx.err(`stratus new-strategy: ${taken.map((f) => path.relative(process.cwd(), f)).join(' and ')} already exist${taken.length === 1 ? 's' : ''}; nothing written\n`);
    return 1;
  }
  mkdirSync(dir, { recursive: true });
  const kit = importPath(dir, DOMAIN);
  writeFileSync(files[0], strategyTemplate(name, kit), { flag: 'wx' });
  writeFileSync(files[1], strategyTestTemplate(name, kit), { flag: 'wx' });
  const shown = files.map((f) => path.relative(process.cwd(), f));
  ctx.out(`wrote ${shown[0]} and ${shown[1]}\n`
    + `  test it:      ${testAdvice(shown[1]!)}\n`
    + `  backtest it:  npx stratus backtest --strategy ${name} --strategy-file ${shown[0]} --symbols BTC/USDT --timeframe 1m --from 2021-05-19 --to 2021-05-20 --data shared/local/data\n`
    + `  list it:      npx stratus strategies --strategies-dir ${path.relative(process.cwd(), dir) || '.'}\n`);
  return 0;
}

/** `stratus new-strategy` as the CLI declares it. */
export const command: CommandSpec = {
  name: 'new-strategy',
  summary: 'Write a commented strategy template and its test (DIR/NAME.ts, DIR/NAME.test.ts)',
  usage: 'stratus new-strategy NAME [--dir DIR]',
  positionals: { min: 1, max: 1, label: 'NAME' },
  options: {
    dir: { type: 'string', value: 'DIR', description: 'Folder to write into (default strategies, created if missing)' },
  },
  details: 'NAME is what the policy will call it: lower-case letters, digits and dashes. Existing files are never overwritten.\n'
    + 'Example: npx stratus new-strategy dip-buyer && npx vitest run strategies/dip-buyer.test.ts',
  run: (ctx, values, positionals) => newStrategyCommand(ctx, values, positionals[0]!),
};
