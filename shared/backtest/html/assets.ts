import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The files the report page inlines: lightweight-charts' standalone build, the page script and its stylesheet. */
export interface ReportAssets {
  readonly chartLibrary: string;
  readonly clientScript: string;
  readonly css: string;
}

let cached: ReportAssets | undefined;

/**
 * Reads the assets once per process: lightweight-charts from the installed package (resolved from this module,
 * through its exported package.json since the package exports no dist subpaths), the rest from this folder.
 */
export function reportAssets(): ReportAssets {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  const lwcDir = dirname(require.resolve('lightweight-charts/package.json'));
  const here = dirname(fileURLToPath(import.meta.url));
  cached = {
    chartLibrary: readFileSync(join(lwcDir, 'dist', 'lightweight-charts.standalone.production.js'), 'utf8'),
    clientScript: readFileSync(join(here, 'report-client.js'), 'utf8'),
    css: readFileSync(join(here, 'report.css'), 'utf8'),
  };
  return cached;
}
