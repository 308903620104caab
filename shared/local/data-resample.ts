/** Resamples candle files of a folder to a higher timeframe (shared/domain/resample.ts), writing `<exchange>_<PAIR>_<tf>.csv.gz`. */
import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Timeframe } from '../domain/candle.js';
import { StratusError } from '../domain/errors.js';
import { resampleRows, type IncompleteBucket } from '../domain/resample.js';
import { candleFileName, parseCandleFileName } from './candle-files.js';
import { candleFilePath, readCandleRows, writeCandleRows } from './data-files.js';

/** Which files to resample and where the results go. */
export interface ResampleRequest {
  readonly dataDir: string;
  readonly outDir: string;
  readonly from: Timeframe;
  readonly to: Timeframe;
  /** Only these pairs (default: every `from` file of the folder). */
  readonly symbols?: readonly string[];
  /** Replace a target file that exists (default: refuse, so a downloaded file is never overwritten unasked). */
  readonly force?: boolean;
}

/** One file resampled. */
export interface ResampledFile {
  readonly symbol: string;
  readonly source: string;
  readonly target: string;
  readonly candlesIn: number;
  readonly candlesOut: number;
  readonly droppedEdges: number;
  readonly incomplete: readonly IncompleteBucket[];
}

/** Resamples every matching file; throws (before writing anything) when a requested pair has no file or a target exists. */
export async function resampleFolder(req: ResampleRequest): Promise<ResampledFile[]> {
  const sources = (await readdir(req.dataDir)).sort().map((name) => ({ name, parsed: parseCandleFileName(name) }))
    .filter((f) => f.parsed?.timeframe === req.from && (!req.symbols || req.symbols.includes(f.parsed.symbol)));
  const missing = (req.symbols ?? []).filter((s) => !sources.some((f) => f.parsed!.symbol === s));
  if (missing.length) throw new StratusError('DATA_FILE_MISSING', `${req.dataDir}: no ${req.from} candle file for ${missing.join(', ')}`, false);
  if (sources.length === 0) throw new StratusError('DATA_FILE_MISSING', `${req.dataDir}: no ${req.from} candle files`, false);
  await mkdir(req.outDir, { recursive: true });
  const plans = [];
  for (const { name, parsed } of sources) {
    const target = await candleFilePath(req.outDir, parsed!.exchange, parsed!.symbol, req.to);
    if (target.exists && !req.force) throw new StratusError('DATA_FILE_EXISTS', `${target.path} exists; pass --force to replace it`, false);
    plans.push({ name, parsed: parsed!, target: join(req.outDir, candleFileName(parsed!.exchange, parsed!.symbol, req.to)) });
  }
  const out: ResampledFile[] = [];
  for (const { name, parsed, target } of plans) {
    const rows = await readCandleRows(join(req.dataDir, name), req.from);
    const result = resampleRows(rows, req.from, req.to);
    await writeCandleRows(target, result.rows);
    out.push({ symbol: parsed.symbol, source: name, target, candlesIn: rows.length, candlesOut: result.rows.length,
      droppedEdges: result.droppedEdges, incomplete: result.incomplete });
  }
  return out;
}
