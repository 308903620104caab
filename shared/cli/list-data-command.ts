import { stat } from 'node:fs/promises';
import { summarizeGaps } from '../domain/candle-gaps.js';
import { inventory, type DataFileEntry } from '../local/data-inventory.js';
import { gapLines, gapsSummaryText, isoMinute, textTable } from '../local/data-report.js';
import type { CliContext } from './cli-context.js';
import type { CommandSpec, OptionValues } from './command-spec.js';

/** Gap ranges printed per file under the table (--json lists all). */
const GAPS_SHOWN = 10;

/** `stratus list-data DIR`: a table of the candle files (symbol, timeframe, range, candles, gaps, file), then each file's gaps. */
export async function listData(ctx: CliContext, values: OptionValues, dir: string): Promise<number> {
  if (!(await stat(dir).catch(() => undefined))?.isDirectory()) throw new Error(`${dir}: not a folder`);
  const { files, skipped } = await inventory(dir);
  if (values.json) { ctx.out(`${JSON.stringify(jsonOf(dir, files, skipped), null, 2)}\n`); return files.some((f) => f.error) ? 1 : 0; }
  if (files.length === 0) { ctx.out(`${dir}: no candle files (<exchange>_<BASE>-<QUOTE>_<tf>.csv[.gz])\n`); return 0; }
  const rows = files.map((f) => [f.symbol, f.timeframe, f.first === undefined ? '-' : isoMinute(f.first), f.last === undefined ? '-' : isoMinute(f.last),
    String(f.candles), f.error ? 'unreadable' : gapsSummaryText(f.gaps), f.file]);
  ctx.out(textTable([['SYMBOL', 'TF', 'FIRST', 'LAST', 'CANDLES', 'GAPS (count, missing, largest)', 'FILE'], ...rows]));
  for (const f of files) {
    if (f.error) ctx.out(`\n${f.file}: unreadable: ${f.error}\n`);
    else if (f.gaps.length) ctx.out(`\n${f.file}: ${f.gaps.length} gap${f.gaps.length === 1 ? '' : 's'} (first..last missing open time, count)\n${gapLines(f.gaps, '  ', GAPS_SHOWN).join('\n')}\n`);
  }
  if (skipped.length) ctx.out(`\nnot candle files: ${skipped.join(', ')}\n`);
  return files.some((f) => f.error) ? 1 : 0;
}

function jsonOf(dir: string, files: readonly DataFileEntry[], skipped: readonly string[]) {
  return {
    dir, skipped,
    files: files.map((f) => {
      const s = summarizeGaps(f.gaps);
      return {
        file: f.file, exchange: f.exchange, symbol: f.symbol, timeframe: f.timeframe, candles: f.candles,
        first: f.first === undefined ? null : new Date(f.first).toISOString(), last: f.last === undefined ? null : new Date(f.last).toISOString(),
        gaps: { count: s.count, missing: s.missing, ranges: f.gaps.map((g) => ({ from: new Date(g.from).toISOString(), to: new Date(g.to).toISOString(), missing: g.missing })) },
        ...(f.error ? { error: f.error } : {}),
      };
    }),
  };
}

/** list-data: what a folder of candle files holds, with its gaps. */
export const command: CommandSpec = {
  name: 'list-data',
  summary: 'List the candle files of a folder: symbol, timeframe, first/last candle, count, gaps',
  usage: 'stratus list-data DIR [--json]',
  options: { json: { type: 'boolean', description: 'Print JSON (every gap range) instead of the table' } },
  positionals: { min: 1, max: 1, label: 'DIR' },
  details: 'Times are candle open times, UTC. A gap is a run of missing candles, shown as first..last missing open time (count);\n'
    + 'nothing is counted before the first or after the last candle. Exit 1 when a file cannot be read.',
  run: (ctx, values, positionals) => listData(ctx, values, positionals[0]!),
};
