/**
 * Child process of lib/user-strategies.ts: loads the strategy modules given as arguments (as the CLI does) and prints
 * their declarations (name, source relative to the repository, params) as JSON; a bad module exits 1 with its error.
 *   node --import tsx lib/user-strategies-describe.ts FILE...
 */
import * as path from 'node:path';
import { paramInfo } from '../shared/domain/strategy-define.js';
import { loadStrategyFiles } from '../shared/local/strategy-loader.js';
import { REPO_ROOT } from './bundle-options.js';

try {
  const files = process.argv.slice(2);
  const strategies = await loadStrategyFiles(files);
  const declared = strategies.map((s, i) => ({
    // Descriptions stay out: the declarations travel in the 4 KB Lambda environment and validation needs none.
    name: s.name, source: path.relative(REPO_ROOT, files[i]!).split(path.sep).join('/'), params: paramInfo(s.paramsSchema).map(({ description: _, ...p }) => p),
  }));
  process.stdout.write(JSON.stringify(declared));
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
