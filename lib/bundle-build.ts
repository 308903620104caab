/**
 * Bundles one function synchronously, as CDK's local bundling callback must, with the plugin lib/bundle-options.ts
 * uses (esbuild's buildSync refuses plugins): a child Node process runs this file, which awaits esbuild's build.
 *   node --import tsx lib/bundle-build.ts '{"entry":"…","outdir":"…","opts":{…}}'
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { esbuildOptions, REPO_ROOT } from './bundle-options.js';

type BundleOpts = NonNullable<Parameters<typeof esbuildOptions>[2]>;

const SELF = fileURLToPath(import.meta.url);

/** Writes the bundle of `entry` into `outdir` exactly as `build(esbuildOptions(entry, outdir, opts))` does; throws on failure. */
export function bundleSync(entry: string, outdir: string, opts: BundleOpts = {}): void {
  const run = spawnSync(process.execPath, ['--import', 'tsx', SELF, JSON.stringify({ entry, outdir, opts })], {
    cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000,
  });
  if (run.status !== 0) throw new Error(`bundling ${entry} failed (${run.status ?? run.signal}): ${run.stderr || run.error?.message}`);
}

if (process.argv[1] === SELF) {
  const { entry, outdir, opts } = JSON.parse(process.argv[2]!) as { entry: string; outdir: string; opts: BundleOpts };
  await build(esbuildOptions(entry, outdir, opts));
}
