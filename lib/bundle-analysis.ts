/**
 * Reading an esbuild metafile: what a bundle holds, by package, and which inputs its entry point evaluates
 * at module initialisation (reached by static imports only; a dynamic `import()` defers its target).
 */
import type { Metafile } from 'esbuild';

const STATIC_KINDS = new Set(['entry-point', 'import-statement', 'require-call']);

/** Inputs the entry evaluates when the bundle is imported: the closure over static imports and require() calls. */
export function initInputs(metafile: Metafile): Set<string> {
  const output = Object.values(metafile.outputs).find((o) => o.entryPoint);
  if (!output?.entryPoint) throw new Error('metafile has no entry point');
  const seen = new Set<string>([output.entryPoint]);
  const queue = [output.entryPoint];
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

/** Bytes each top-level package contributes to the output ('(project)' for the repository's own code), largest first. */
export function bytesByPackage(metafile: Metafile): [string, number][] {
  const output = Object.values(metafile.outputs).find((o) => o.entryPoint)!;
  const byPackage = new Map<string, number>();
  for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
    const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
    const key = m ? m[1]! : '(project)';
    byPackage.set(key, (byPackage.get(key) ?? 0) + bytesInOutput);
  }
  return [...byPackage].sort((a, b) => b[1] - a[1]);
}
