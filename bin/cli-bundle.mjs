/**
 * The stratus CLI compiled ahead: shared/cli/run-cli.ts bundled by esbuild (npm packages left to node_modules,
 * one chunk per lazily imported command) into node_modules/.cache/stratus-cli/, so a short command starts
 * without compiling TypeScript. The build records every project file it read with its size and mtime;
 * `cliBundle()` reuses it while none changed and rebuilds (~0.5 s) otherwise. `npm ci` builds it (prepare).
 *
 *   node bin/cli-bundle.mjs     build (or confirm) the bundle; never fails an install
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** Root of the repository. */
export const REPO_ROOT = path.resolve(import.meta.dirname, '..');
/** Where builds live (gitignored); STRATUS_CLI_CACHE moves it (tests). */
const CACHE = process.env.STRATUS_CLI_CACHE ?? path.join(REPO_ROOT, 'node_modules', '.cache', 'stratus-cli');
const MANIFEST = path.join(CACHE, 'manifest.json');
const ENTRY = 'shared/cli/run-cli.ts';
const KEEP_OLD_BUILDS_MS = 24 * 3600_000;

/** Size and mtime of a file, or undefined when it is gone. */
function fingerprint(file) {
  try {
    const s = statSync(path.join(REPO_ROOT, file));
    return `${s.size}:${s.mtimeMs}`;
  } catch {
    return undefined;
  }
}

/** The built entry's file URL when the manifest's inputs are all unchanged; undefined otherwise. */
export function freshBundle() {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(MANIFEST, 'utf8'));
  } catch {
    return undefined;
  }
  for (const [file, print] of Object.entries(manifest.inputs)) if (fingerprint(file) !== print) return undefined;
  return pathToFileURL(path.join(CACHE, manifest.dir, 'run-cli.mjs')).href;
}

/**
 * esbuild plugin: each project file keeps its own import.meta.url/dirname/filename (data files, the sweep
 * worker and CDK's paths are found relative to the source, as under tsx), substituted in the syntax tree.
 */
const sourceMeta = {
  name: 'stratus-source-import-meta',
  setup(build) {
    build.onLoad({ filter: /\.(?:ts|mts|js|mjs)$/ }, (args) => {
      if (args.path.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
      const meta = `const __stratusMetaUrl = ${JSON.stringify(pathToFileURL(args.path).href)}, __stratusMetaFilename = ${JSON.stringify(args.path)}, __stratusMetaDirname = ${JSON.stringify(path.dirname(args.path))};\n`;
      return { contents: meta + readFileSync(args.path, 'utf8'), loader: /\.m?ts$/.test(args.path) ? 'ts' : 'js' };
    });
  },
};

/** Builds the bundle into a new folder and points the manifest at it; returns the entry's file URL. */
export async function buildCliBundle() {
  const { build } = await import('esbuild');
  const dir = `build-${Date.now()}-${process.pid}`;
  const outdir = path.join(CACHE, dir);
  const result = await build({
    absWorkingDir: REPO_ROOT, entryPoints: [ENTRY], outdir, bundle: true, splitting: true, format: 'esm', platform: 'node',
    target: 'node20', packages: 'external', outExtension: { '.js': '.mjs' }, sourcemap: 'linked', metafile: true, logLevel: 'error',
    define: { 'import.meta.url': '__stratusMetaUrl', 'import.meta.filename': '__stratusMetaFilename', 'import.meta.dirname': '__stratusMetaDirname' },
    plugins: [sourceMeta],
  });
  const inputs = Object.fromEntries(Object.keys(result.metafile.inputs).map((file) => [file, fingerprint(file)]));
  const tmp = `${MANIFEST}.${process.pid}`;
  writeFileSync(tmp, JSON.stringify({ dir, entry: ENTRY, inputs }));
  renameSync(tmp, MANIFEST);
  pruneOldBuilds(dir);
  return pathToFileURL(path.join(outdir, 'run-cli.mjs')).href;
}

/** Removes builds other than `keep` older than a day (a long `stratus start` may still import chunks from its own). */
function pruneOldBuilds(keep) {
  for (const name of readdirSync(CACHE)) {
    const m = /^build-(\d+)-/.exec(name);
    if (m && name !== keep && Date.now() - Number(m[1]) > KEEP_OLD_BUILDS_MS) rmSync(path.join(CACHE, name), { recursive: true, force: true });
  }
}

/** The bundle's entry URL: the fresh one, else a new build. Throws when esbuild cannot build it. */
export async function cliBundle() {
  const fresh = freshBundle();
  if (fresh) return fresh;
  mkdirSync(CACHE, { recursive: true });
  return buildCliBundle();
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    await cliBundle();
  } catch (error) {
    console.warn(`stratus: CLI bundle not built (${error instanceof Error ? error.message : String(error)}); bin/stratus.js will use tsx`);
  }
}
