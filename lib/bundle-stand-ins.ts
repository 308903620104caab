/**
 * The esbuild plugin behind lib/bundle-options.ts's stand-ins for files an alias cannot reach (imported relatively
 * inside a package): code the functions bundle but never run, replaced so it is not shipped.
 */
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { Plugin } from 'esbuild';

const STUBS = path.join(import.meta.dirname, 'bundle-stubs');

/**
 * ccxt's own files that Binance spot over REST never runs, by resolved path: zkLink, dYdX, Starknet and Ethereum ABI
 * signing, Hyperliquid's msgpack, and ccxt.pro's websocket client and order books.
 */
export const CCXT_STAND_INS: readonly { readonly file: RegExp; readonly stub: string }[] = [
  { file: /node_modules\/ccxt\/js\/src\/static_dependencies\/(zklink|dydx-v4-client)\//, stub: path.join(STUBS, 'ccxt-other-chains.mjs') },
  { file: /node_modules\/ccxt\/js\/src\/base\/functions\/(starknet|ethabi|msgpack)\.js$/, stub: path.join(STUBS, 'ccxt-other-chains.mjs') },
  { file: /node_modules\/ccxt\/js\/src\/base\/ws\/(WsClient|OrderBook)\.js$/, stub: path.join(STUBS, 'ccxt-pro.mjs') },
];

/** zod's JSON Schema generation (z.toJSONSchema, a schema's `~standard.jsonSchema`, `.minLength`-style getters): no function calls it. */
export const ZOD_JSON_SCHEMA = /node_modules\/zod\/v4\/core\/(json-schema-processors|to-json-schema|json-schema-generator)\.js$/;

/** An AWS SDK client's package.json, which it imports whole for one field (its version, in the user agent). */
const AWS_SDK_PACKAGE_JSON = /[\\/]node_modules[\\/]@aws-sdk[\\/][^\\/]+[\\/]package\.json$/;

const UNSUPPORTED = 'stratus-unsupported';

/** Names a module exports (`export function|const|class X`, `export { a as X }`). */
function exportNames(source: string): string[] {
  const names = [...source.matchAll(/^export (?:async )?(?:function\*?|const|let|var|class) ([\w$]+)/gm)].map((m) => m[1]!);
  for (const list of source.matchAll(/^export \{([^}]*)\}(?! from)/gm)) {
    names.push(...list[1]!.split(',').map((n) => n.trim().split(/\s+as\s+/).pop()!).filter(Boolean));
  }
  return [...new Set(names)];
}

/**
 * A stand-in exporting every name of `source`, each a function that throws when called; the two factories zod calls
 * while building a schema's `~standard` object return such a function instead of throwing.
 */
function unsupportedModule(label: string, source: string): string {
  const factories = new Set(['createToJSONSchemaMethod', 'createStandardJSONSchemaMethod']);
  const lines = exportNames(source).map((n) => factories.has(n) ? `export const ${n} = () => unsupported('${n}');` : `export const ${n} = unsupported('${n}');`);
  return [`const unsupported = (name) => function unsupported() { throw new Error(\`${label} \${name} is not bundled in Stratus functions\`); };`, ...lines].join('\n');
}

/**
 * esbuild plugin: relative imports inside ccxt that resolve to CCXT_STAND_INS load the stand-in; zod's JSON Schema
 * files become throwing stand-ins with the same export names (18 KB less per function; a build error, not a
 * silent gap, if zod renames what it imports); an AWS SDK package.json is bundled as its name and version only.
 */
export function bundleStandIns(): Plugin {
  const inPackage = (importer: string, pkg: string) => importer.includes(`${path.sep}node_modules${path.sep}${pkg}${path.sep}`);
  return {
    name: 'stratus-stand-ins',
    setup(b) {
      b.onResolve({ filter: /^\.\.?\// }, (args) => {
        const file = path.resolve(args.resolveDir, args.path).split(path.sep).join('/');
        if (inPackage(args.importer, 'ccxt')) {
          const hit = CCXT_STAND_INS.find((s) => s.file.test(file));
          return hit ? { path: hit.stub } : undefined;
        }
        return inPackage(args.importer, 'zod') && ZOD_JSON_SCHEMA.test(file) ? { path: file, namespace: UNSUPPORTED } : undefined;
      });
      b.onLoad({ filter: /./, namespace: UNSUPPORTED }, async (args) => ({
        contents: unsupportedModule('zod JSON Schema', await readFile(args.path, 'utf8')), loader: 'js',
      }));
      b.onLoad({ filter: AWS_SDK_PACKAGE_JSON }, async (args) => {
        const { name, version } = JSON.parse(await readFile(args.path, 'utf8')) as { name: string; version: string };
        return { contents: JSON.stringify({ name, version }), loader: 'json' };
      });
    },
  };
}
