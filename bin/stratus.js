#!/usr/bin/env node
/**
 * The stratus command line (`npx stratus`, `npm run stratus`, `npm start`): runs the precompiled CLI bundle
 * (bin/cli-bundle.mjs; rebuilt when a source file changed), or shared/cli/run-cli.ts through tsx when it
 * cannot be built. STRATUS_CLI_TSX=1 forces tsx.
 */
import { pathToFileURL } from 'node:url';

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
