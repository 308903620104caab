import { TIMEFRAMES, type Timeframe } from '../domain/candle.js';
import { resampleFolder } from '../local/data-resample.js';
import { isoMinute } from '../local/data-report.js';
import type { CliContext } from './cli-context.js';
import type { CommandSpec, OptionValues } from './command-spec.js';

/** Incomplete buckets named per file (the count is always given). */
const INCOMPLETE_SHOWN = 5;

/** `stratus resample-data`: writes higher-timeframe candle files built from lower ones; one line per file. */
export async function resampleData(ctx: CliContext, values: OptionValues): Promise<number> {
  const text = (name: string): string | undefined => (typeof values[name] === 'string' && values[name] !== '' ? values[name] as string : undefined);
  const tf = (name: string): Timeframe => {
    const v = text(name);
    if (!v) throw new Error(`--${name} is required`);
    if (!(TIMEFRAMES as readonly string[]).includes(v)) throw new Error(`--${name} must be one of ${TIMEFRAMES.join(', ')}, got ${v}`);
    return v as Timeframe;
  };
  const dataDir = text('data');
  if (!dataDir) throw new Error('--data is required');
  const symbols = text('symbols')?.split(',').map((s) => s.trim().toUpperCase()).filter(Boolean);
  const files = await resampleFolder({
    dataDir, outDir: text('out') ?? dataDir, from: tf('from-timeframe'), to: tf('timeframe'), force: values.force === true,
    ...(symbols ? { symbols } : {}),
  });
  for (const f of files) {
    const named = f.incomplete.slice(0, INCOMPLETE_SHOWN).map((b) => `${isoMinute(b.openTime)} (${b.candles}/${b.expected})`).join(', ');
    const more = f.incomplete.length > INCOMPLETE_SHOWN ? `, … ${f.incomplete.length - INCOMPLETE_SHOWN} more` : '';
    ctx.out(`${f.symbol}: ${f.candlesIn} → ${f.candlesOut} candles; ${f.droppedEdges} edge bucket(s) cut by the data's start/end dropped; `
      + `${f.incomplete.length} incomplete kept${named ? `: ${named}${more}` : ''}  ${f.target}\n`);
  }
  return 0;
}

/** resample-data: higher-timeframe candle files (4h, 1d …) from lower ones, aligned to UTC. */
export const command: CommandSpec = {
  name: 'resample-data',
  summary: 'Build higher-timeframe candle files (e.g. 4h, 1d) from lower ones, aligned to UTC',
  usage: 'stratus resample-data --data DIR --from-timeframe TF --timeframe TF [--symbols S[,S]] [--out DIR] [--force]',
  options: {
    data: { type: 'string', value: 'DIR', description: 'Folder of the source candle files' },
    'from-timeframe': { type: 'string', value: '1m', description: 'Timeframe of the source files' },
    timeframe: { type: 'string', value: '4h', description: 'Timeframe to build (a whole multiple of the source)' },
    symbols: { type: 'string', value: 'BTC/USDT,ETH/USDT', description: 'Only these pairs (default: every source file)' },
    out: { type: 'string', value: 'DIR', description: 'Where to write (default: the --data folder)' },
    force: { type: 'boolean', description: 'Replace target files that exist (default: refuse)' },
  },
  details: [
    'Buckets open on UTC boundaries (4h at 00:00, 04:00 …; 1d at 00:00). open = first, close = last, high/low = extremes,',
    'volume = exact decimal sum; values are copied as written. The first bucket is dropped when the data starts after its open,',
    'the last when the data ends before its end (partial buckets at the edges); a bucket the exchange left holes in is kept,',
    'as the exchange\'s own candle would be, and named in the output; a bucket with no candle at all stays a gap.',
  ].join('\n'),
  run: (ctx, values) => resampleData(ctx, values),
};
