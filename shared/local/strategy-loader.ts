// User strategies for the CLI and the local runtimes: TypeScript (or JavaScript) modules loaded at run time through
// tsx and registered beside the built-ins, so the backtest, lookahead check, walk-forward workers, the embedded
// pipeline and `policy validate` all find them by name. The CDK app bundles them instead (lib/user-strategies.ts).
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { OptionSpec, OptionValues } from '../cli/command-spec.js';
import { StrategyModuleError } from '../domain/errors.js';
import { strategyFromModule } from '../domain/strategy-module.js';
import { registerStrategy, type Strategy } from '../domain/strategy.js';

/** The two options every command that runs or validates strategies takes (spread into its CommandSpec options). */
export const STRATEGY_OPTION_SPECS: Readonly<Record<'strategy-file' | 'strategies-dir', OptionSpec>> = {
  'strategy-file': { type: 'string', value: 'FILE[,FILE]', repeatable: true, description: 'Load user strategies from these modules (.ts or .js, each `export default` a strategy); repeatable' },
  'strategies-dir': { type: 'string', value: 'DIR', description: 'Load every strategy module in DIR (*.ts, *.js; not *.test.*, *.d.ts or _*)' },
};

/** Module files a strategies folder holds: *.ts/*.mts/*.js/*.mjs except tests, declarations and _helpers, sorted. */
export function strategyFilesIn(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (error) {
    throw new StrategyModuleError('INVALID_STRATEGY_MODULE', `--strategies-dir ${dir}: cannot be read (${(error as Error).message})`, { cause: error });
  }
  return names
    .filter((n) => /\.(?:m?ts|m?js)$/.test(n) && !/\.test\.|\.spec\.|\.d\.m?ts$/.test(n) && !n.startsWith('_') && !n.startsWith('.'))
    .sort()
    .map((n) => path.join(dir, n))
    .filter((f) => statSync(f).isFile());
}

/** Environment variable every command honours: folders or modules (comma list) to load, as `-c strategies=` names them. */
export const STRATEGIES_ENV = 'STRATUS_STRATEGIES';

/**
 * The absolute module paths `--strategy-file` (comma list, or repeated), `--strategies-dir` and STRATUS_STRATEGIES
 * (folders or files) name, in order, once each.
 */
export function strategyFilesOf(values: OptionValues | Readonly<Record<string, unknown>>, cwd = process.cwd(), env: NodeJS.ProcessEnv = process.env): string[] {
  const list = (v: unknown): string[] => (Array.isArray(v) ? v.flatMap(list) : typeof v === 'string' ? v.split(',').map((s) => s.trim()).filter(Boolean) : []);
  const files = list(values['strategy-file']).map((f) => path.resolve(cwd, f));
  const dirs = list(values['strategies-dir']).flatMap((d) => strategyFilesIn(path.resolve(cwd, d)));
  const fromEnv = list(env[STRATEGIES_ENV]).flatMap((e) => {
    const p = path.resolve(cwd, e);
    return existsSync(p) && statSync(p).isDirectory() ? strategyFilesIn(p) : [p];
  });
  return [...new Set([...files, ...dirs, ...fromEnv])];
}

/** Imports of this process by absolute path, so a file is loaded (and registered) once. */
const loads = new Map<string, Promise<Strategy>>();

async function importStrategy(file: string): Promise<Strategy> {
  let ns: Record<string, unknown>;
  try {
    const { tsImport } = await import('tsx/esm/api');
    ns = (await tsImport(pathToFileURL(file).href, import.meta.url)) as Record<string, unknown>;
  } catch (error) {
    throw new StrategyModuleError('INVALID_STRATEGY_MODULE', `${file}: cannot be loaded: ${(error as Error).message}`, { cause: error });
  }
  const strategy = strategyFromModule(ns, file);
  registerStrategy(strategy, file);
  return strategy;
}

/** Loads and registers each module (absolute paths), once per process; throws StrategyModuleError on the first bad one. */
export async function loadStrategyFiles(files: readonly string[]): Promise<Strategy[]> {
  const out: Strategy[] = [];
  for (const file of files) {
    let load = loads.get(file);
    if (!load) {
      load = importStrategy(file);
      loads.set(file, load);
      load.catch(() => loads.delete(file));
    }
    out.push(await load);
  }
  return out;
}

/** Loads the user strategies a command's `--strategy-file` / `--strategies-dir` and STRATUS_STRATEGIES name (none: nothing); returns them. */
export function loadUserStrategies(values: OptionValues | Readonly<Record<string, unknown>>): Promise<Strategy[]> {
  return loadStrategyFiles(strategyFilesOf(values));
}

/** Absolute paths of the strategy modules this process loaded (the sweep pool hands them to its workers). */
export function loadedStrategyFiles(): string[] {
  return [...loads.keys()];
}
