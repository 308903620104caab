/**
 * The one definition of how a Stratus Lambda function is bundled: lib/stratus-function.ts runs it at synth,
 * bench/bundles.ts and the infra tests run it directly. No CDK imports here.
 */
import * as path from 'node:path';
import { bundleStandIns } from './bundle-stand-ins.js';

/** Root of the repository (projectRoot for esbuild, the lock file's folder). */
export const REPO_ROOT = path.resolve(import.meta.dirname, '..');

/**
 * Prepended to every ESM bundle: CommonJS code inside it (ccxt's dependencies) calls require('events')
 * and friends, which an ES module lacks ("Dynamic require of 'events' is not supported").
 */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as __stratusCreateRequire } from 'node:module'; const require = __stratusCreateRequire(import.meta.url);";

/** The stand-in modules' folder. */
export const STUBS = path.join(REPO_ROOT, 'lib', 'bundle-stubs');

/**
 * Packages the functions reach that Binance spot over REST on Lambda never runs, replaced by small stand-ins in every
 * bundle: undici (ccxt then uses Node's built-in fetch), protobufjs (dYdX/MEXC only), ws and fflate (websockets, which
 * only the market-stream container opens), @scure/starknet, keccak and the secp256k1/P-256 curves (other venues' signing);
 * from the AWS SDK, the default credential chain (a Lambda function's credentials are in its environment), bowser
 * (browser user agents), event streams (none of our services has one), and mnemonist's LRU under the DynamoDB
 * endpoint cache (a Map-based one of the same behaviour).
 */
export const BUNDLE_ALIASES: Readonly<Record<string, string>> = {
  undici: path.join(STUBS, 'undici.mjs'),
  'protobufjs/minimal.js': path.join(STUBS, 'protobufjs.mjs'),
  'protobufjs/minimal': path.join(STUBS, 'protobufjs.mjs'),
  ws: path.join(STUBS, 'ws.mjs'),
  fflate: path.join(STUBS, 'fflate.mjs'),
  '@scure/starknet': path.join(STUBS, 'ccxt-other-chains.mjs'),
  '@noble/curves/secp256k1.js': path.join(STUBS, 'ccxt-other-chains.mjs'),
  '@noble/curves/nist.js': path.join(STUBS, 'ccxt-other-chains.mjs'),
  '@noble/hashes/sha3.js': path.join(STUBS, 'ccxt-other-chains.mjs'),
  '@aws-sdk/credential-provider-node': path.join(STUBS, 'aws-credentials.mjs'),
  bowser: path.join(STUBS, 'bowser.mjs'),
  '@smithy/core/event-streams': path.join(STUBS, 'smithy-event-streams.mjs'),
  'mnemonist/lru-cache': path.join(STUBS, 'lru-cache.mjs'),
};

/**
 * Left out of the bundle: only ccxt's MEXC protobuf decoder (behind an import() Binance never reaches). The AWS
 * SDK v3 is bundled, tree-shaken, at the lock file's version: one minified module initialises in a fraction of
 * the time the runtime's copy takes to resolve and load from hundreds of files.
 */
export const BUNDLE_EXTERNALS: readonly string[] = ['*/protobuf/mexc/compiled.cjs'];

/** Shared esbuild settings (besides entry and output): ESM for node24, minified, `module` before `main`. */
export const BUNDLE_SETTINGS = { format: 'esm', target: 'node24', platform: 'node', mainFields: ['module', 'main'], minify: true } as const;

/**
 * esbuild options for one function: `index.mjs` in `outdir`, with code behind an `import()` (ccxt, for the
 * exchange path) split into chunks that load only when that path runs. Source maps only when asked. They hold a
 * plugin (lib/bundle-stand-ins.ts): run them with esbuild's async `build`, or `bundleSync` (lib/bundle-build.ts).
 */
export function esbuildOptions(entry: string, outdir: string, opts: { sourceMap?: boolean } = {}) {
  return {
    absWorkingDir: REPO_ROOT,
    entryPoints: [{ in: path.relative(REPO_ROOT, entry), out: 'index' }],
    bundle: true,
    ...BUNDLE_SETTINGS,
    mainFields: [...BUNDLE_SETTINGS.mainFields],
    outdir,
    splitting: true,
    chunkNames: 'chunk-[hash]',
    outExtension: { '.js': '.mjs' },
    sourcemap: opts.sourceMap ?? false,
    sourcesContent: false,
    external: [...BUNDLE_EXTERNALS],
    alias: { ...BUNDLE_ALIASES },
    plugins: [bundleStandIns()],
    banner: { js: ESM_REQUIRE_BANNER },
    logLevel: 'error' as const,
  };
}
