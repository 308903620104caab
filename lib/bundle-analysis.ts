/**
 * Reading an esbuild metafile: what a bundle holds, by package, and which inputs its entry point evaluates
 * at module initialisation (reached by static imports only; a dynamic `import()` defers its target).
 */
import type { Metafile } from 'esbuild';

const STATIC_KINDS = new Set(['entry-point', 'import-statement', 'require-call']);

/** The function's own output, index.mjs (with code splitting, chunks behind an import() have an entryPoint too). */
function entryOutput(metafile: Metafile): [string, Metafile['outputs'][string]] {
  const entry = Object.entries(metafile.outputs).find(([file, o]) => o.entryPoint && /(^|\/)index\.mjs$/.test(file));
  if (!entry?.[1].entryPoint) throw new Error('metafile has no index.mjs entry point');
  return entry;
}

/** Inputs the entry evaluates when the bundle is imported: the closure over static imports and require() calls. */
export function initInputs(metafile: Metafile): Set<string> {
  const entryPoint = entryOutput(metafile)[1].entryPoint!;
  const seen = new Set<string>([entryPoint]);
  const queue = [entryPoint];
  while (queue.length > 0) {
    for (const imp of metafile.inputs[queue.pop()!]?.imports ?? []) {
      if (imp.external || !STATIC_KINDS.has(imp.kind) || seen.has(imp.path)) continue;
      seen.add(imp.path);
      queue.push(imp.path);
    }
  }
  return seen;
}

/** Whether the bundle evaluates any of ccxt's exchange code (ccxt/js/src/<exchange>.js or base/Exchange.js) at init. */
export function loadsCcxtAtInit(metafile: Metafile): boolean {
  return [...initInputs(metafile)].some((input) => /node_modules\/ccxt\/js\/src\/(?:base\/Exchange|[^/]+)\.js$/.test(input));
}

/** ccxt exchange modules (ccxt/js/src/<exchange>.js) in a bundle, by file name. */
export function exchangeModules(metafile: Metafile): string[] {
  return Object.keys(metafile.inputs).flatMap((input) => {
    const m = /node_modules\/ccxt\/js\/src\/([^/]+)\.js$/.exec(input);
    return m ? [`${m[1]}.js`] : [];
  }).sort();
}

/** Bytes each top-level package contributes to all output files ('(project)' for the repository's own code), largest first. */
export function bytesByPackage(metafile: Metafile): [string, number][] {
  const byPackage = new Map<string, number>();
  for (const [input, { bytesInOutput }] of Object.values(metafile.outputs).flatMap((o) => Object.entries(o.inputs))) {
    const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
    const key = m ? m[1]! : '(project)';
    byPackage.set(key, (byPackage.get(key) ?? 0) + bytesInOutput);
  }
  return [...byPackage].sort((a, b) => b[1] - a[1]);
}

/** Output files (chunks included, source maps not): the whole shipped bundle, and the part the entry loads at init. */
export function outputBytes(metafile: Metafile): { total: number; atInit: number; files: number } {
  const outputs = Object.entries(metafile.outputs).filter(([file]) => !file.endsWith('.map'));
  const byFile = new Map(outputs);
  const entry = entryOutput(metafile);
  const loaded = new Set([entry[0]]);
  const queue = [entry[0]];
  while (queue.length > 0) {
    for (const imp of byFile.get(queue.pop()!)?.imports ?? []) {
      if (imp.external || imp.kind !== 'import-statement' || loaded.has(imp.path)) continue;
      loaded.add(imp.path);
      queue.push(imp.path);
    }
  }
  const sum = (files: Iterable<string>) => [...files].reduce((n, f) => n + (byFile.get(f)?.bytes ?? 0), 0);
  return { total: sum(byFile.keys()), atInit: sum(loaded), files: outputs.length };
}
