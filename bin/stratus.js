#!/usr/bin/env node
/**
 * The stratus command line (`npx stratus`, `npm run stratus`, `npm start`): runs the precompiled CLI bundle
 * (bin/cli-bundle.mjs; rebuilt when a source file changed), or shared/cli/run-cli.ts through tsx when it
 * cannot be built. STRATUS_CLI_TSX=1 forces tsx.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { constants } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';

// The embedded runtime (fauxqs needs node:sqlite) and the worker threads need Node ≥ 22: on an older Node (the
// machine's system Node 20 when run as `node bin/stratus.js`), run again under the project's Node 24 (npm package node@24).
if (Number(process.versions.node.split('.')[0]) < 22) {
  const node24 = fileURLToPath(new URL('../node_modules/node/bin/node', import.meta.url));
  if (!existsSync(node24)) {
    process.stderr.write(`stratus: needs Node >= 22 (this is ${process.version}); run npm ci to get the project's Node 24, or use npx stratus\n`);
    process.exit(1);
  }
  const child = spawnSync(node24, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(child.status ?? 128 + (constants.signals[child.signal] ?? 0));
}

let entry;
if (process.env.STRATUS_CLI_TSX !== '1') {
  try {
    entry = await (await import('./cli-bundle.mjs')).cliBundle();
    process.setSourceMapsEnabled(true);
  } catch (error) {
    process.stderr.write(`stratus: running from source through tsx (CLI bundle unavailable: ${error instanceof Error ? error.message : String(error)})\n`);
  }
}
if (!entry) {
  (await import('tsx/esm/api')).register();
  entry = pathToFileURL(new URL('../shared/cli/run-cli.ts', import.meta.url).pathname).href;
}
const { runCli } = await import(entry);
process.exitCode = await runCli(process.argv.slice(2));
