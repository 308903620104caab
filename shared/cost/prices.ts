import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { PriceSheet } from './estimate.js';

/** The unit prices of a region from shared/cost/prices-<region>.json; a clear error names the regions that have one. */
export async function loadPrices(region: string): Promise<PriceSheet> {
  if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(region)) throw new Error(`--region: not a region name: ${region}`);
  try {
    return JSON.parse(await readFile(path.join(import.meta.dirname, `prices-${region}.json`), 'utf8')) as PriceSheet;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(`no price sheet for ${region} (shared/cost/prices-${region}.json); have: us-east-1`);
    throw error;
  }
}
