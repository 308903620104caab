/**
 * The one definition of how a Stratus Lambda function is bundled: lib/stratus-function.ts hands it to
 * NodejsFunction, bench/bundles.ts and the infra tests to esbuild directly. No CDK imports here.
 */
import * as path from 'node:path';

/** Root of the repository (projectRoot for esbuild, the lock file's folder). */
export const REPO_ROOT = path.resolve(import.meta.dirname, '..');

/**
 * Prepended to every ESM bundle: CommonJS code inside it (ccxt's dependencies) calls require('events')
 * and friends, which an ES module lacks ("Dynamic require of 'events' is not supported").
 */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as __stratusCreateRequire } from 'node:module'; const require = __stratusCreateRequire(import.meta.url);";

const STUBS = path.join(REPO_ROOT, 'lib', 'bundle-stubs');

/**
 * Packages ccxt reaches that Binance spot over REST never runs, replaced by small stand-ins in every bundle:
 * undici (ccxt then uses Node's built-in fetch), protobufjs (dYdX/MEXC only), ws and fflate (websockets,
 * which only the market-stream container opens).
 */
export const BUNDLE_ALIASES: Readonly<Record<string, string>> = {
  undici: path.join(STUBS, 'undici.mjs'),
  'protobufjs/minimal.js': path.join(STUBS, 'protobufjs.mjs'),
  'protobufjs/minimal': path.join(STUBS, 'protobufjs.mjs'),
  ws: path.join(STUBS, 'ws.mjs'),
  fflate: path.join(STUBS, 'fflate.mjs'),
};

/** The Lambda runtime provides the AWS SDK v3; bundling it would only add weight and cold-start time. */
export const BUNDLE_EXTERNALS: readonly string[] = ['@aws-sdk/*'];

/** Shared esbuild settings (besides entry and output): ESM for node24, minified, `module` before `main`. */
export const BUNDLE_SETTINGS = { format: 'esm', target: 'node24', platform: 'node', mainFields: ['module', 'main'], minify: true } as const;

/** esbuild options for one function entry, as NodejsFunction runs it; source maps only when asked. */
export function esbuildOptions(entry: string, outfile: string, opts: { sourceMap?: boolean } = {}) {
  return {
    absWorkingDir: REPO_ROOT,
    entryPoints: [path.relative(REPO_ROOT, entry)],
    bundle: true,
    ...BUNDLE_SETTINGS,
    mainFields: [...BUNDLE_SETTINGS.mainFields],
    outfile,
    sourcemap: opts.sourceMap ?? false,
    sourcesContent: false,
    external: [...BUNDLE_EXTERNALS],
    alias: { ...BUNDLE_ALIASES },
    banner: { js: ESM_REQUIRE_BANNER },
  };
}
