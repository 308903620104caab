import { mkdir } from 'node:fs/promises';
import { TIMEFRAMES, type Timeframe } from '../domain/candle.js';
import { StratusError } from '../domain/errors.js';
import { downloadCandles, type DownloadDeps, type KlineSource } from '../local/data-download.js';
import { gapLines, gapsSummaryText, isoMinute } from '../local/data-report.js';
import { parseTime } from './cli-args.js';
import type { CliContext } from './cli-context.js';
import type { CommandSpec, OptionValues } from './command-spec.js';

/** A symbol the exchange does not list: the message names only symbols its market list has. */
export class UnknownSymbolError extends StratusError {
  override readonly name = 'UnknownSymbolError';
  constructor(message: string) {
    super('UNKNOWN_SYMBOL', message, false);
  }
}

/** What downloadData needs beyond the context: the candle source, and a sleeper for retries (default: a timer). */
export type DownloadDataDeps = { readonly source: KlineSource } & Partial<Pick<DownloadDeps, 'sleep' | 'pageLimit' | 'retry'>>;

/** `stratus download-data`: validates the options and the symbols against the exchange, downloads each pair, reports gaps. */
export async function downloadData(ctx: CliContext, values: OptionValues, deps: DownloadDataDeps): Promise<number> {
  const opts = parseOptions(values, ctx.clock.now());
  const listed = await deps.source.symbols();
  checkSymbols(opts.exchange, opts.symbols, listed);
  await mkdir(opts.out, { recursive: true });
  let failed = 0;
  for (const symbol of opts.symbols) {
    try {
      const r = await downloadCandles({ exchange: opts.exchange, symbol, timeframe: opts.timeframe, from: opts.from, to: opts.to, dir: opts.out }, {
        source: deps.source, clock: ctx.clock, progress: (line) => ctx.err(`${line}\n`),
        sleep: deps.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
        ...(deps.pageLimit ? { pageLimit: deps.pageLimit } : {}), ...(deps.retry ? { retry: deps.retry } : {}),
      });
      if (r.first === undefined) {
        failed += 1;
        ctx.err(`download-data: ${symbol} ${opts.timeframe}: the exchange has no candle in [${isoMinute(opts.from)}, ${isoMinute(opts.to)}); nothing written\n`);
        continue;
      }
      const range = `${r.candles} candles ${isoMinute(r.first)}..${isoMinute(r.last!)}`;
      const what = r.added ? `${r.added} new${r.resumed ? ' (resumed)' : ''}` : 'up to date';
      ctx.out(`${symbol} ${opts.timeframe}: ${what}; ${range}; ${r.requests} requests; gaps ${gapsSummaryText(r.gaps)}  ${r.file}\n`);
      for (const line of gapLines(r.gaps, '  gap ')) ctx.out(`${line}\n`);
    } catch (error) {
      failed += 1;
      ctx.err(`download-data: ${error instanceof Error ? error.message : String(error)}\n`);
    }
  }
  return failed ? 1 : 0;
}

interface DownloadOptions {
  readonly exchange: string; readonly symbols: string[]; readonly timeframe: Timeframe;
  readonly from: number; readonly to: number; readonly out: string;
}

function parseOptions(values: OptionValues, now: number): DownloadOptions {
  const text = (name: string): string => {
    const v = values[name];
    if (typeof v !== 'string' || v === '') throw new Error(`--${name} is required`);
    return v;
  };
  const symbols = text('symbols').split(',').map((s) => s.trim().toUpperCase()).filter(Boolean);
  const timeframe = text('timeframe');
  if (!(TIMEFRAMES as readonly string[]).includes(timeframe)) throw new Error(`--timeframe must be one of ${TIMEFRAMES.join(', ')}, got ${timeframe}`);
  const from = parseTime(text('from'), '--from');
  const to = typeof values.to === 'string' ? parseTime(values.to, '--to') : now;
  if (to <= from) throw new Error('--to must be after --from');
  const exchange = typeof values.exchange === 'string' ? values.exchange : 'binance';
  return { exchange, symbols, timeframe: timeframe as Timeframe, from, to, out: text('out') };
}

/** Throws UnknownSymbolError for symbols the exchange does not list, naming listed symbols of the same base, if any. */
function checkSymbols(exchange: string, symbols: readonly string[], listed: readonly string[]): void {
  const known = new Set(listed);
  const unknown = symbols.filter((s) => !known.has(s));
  if (unknown.length === 0) return;
  const hints = unknown.map((s) => {
    const base = s.split('/')[0];
    const same = listed.filter((l) => l.split('/')[0] === base).slice(0, 10);
    return `${s}${same.length ? ` (${exchange} lists ${same.join(', ')})` : ''}`;
  });
  throw new UnknownSymbolError(`${exchange} has no spot market ${hints.join('; ')}; it lists ${listed.length} spot markets`);
}

/** download-data: closed candles from the exchange's REST API into candle files, resumable. */
export const command: CommandSpec = {
  name: 'download-data',
  summary: 'Download closed candles from the exchange (ccxt REST) into candle files; resumes, reports gaps',
  usage: 'stratus download-data --symbols S[,S] --timeframe TF --from DATE [--to DATE] --out DIR [--exchange binance]',
  options: {
    exchange: { type: 'string', value: 'binance', description: 'Exchange id (default binance)' },
    symbols: { type: 'string', value: 'BTC/USDT,ETH/USDT', description: 'Pairs to download, comma-separated' },
    timeframe: { type: 'string', value: TIMEFRAMES.join('|'), description: 'Candle timeframe' },
    from: { type: 'string', value: '2021-05-01', description: 'First candle open time (date = 00:00 UTC, or ISO time)' },
    to: { type: 'string', value: '2021-06-01', description: 'End, exclusive (default: now; the still-forming candle is never written)' },
    out: { type: 'string', value: 'DIR', description: 'Folder of candle files (created if missing)' },
  },
  details: [
    'Files are <exchange>_<BASE>-<QUOTE>_<tf>.csv.gz (timestamp,open,high,low,close,volume; ms UTC), read by',
    '`stratus backtest --data DIR` as they are. An existing file is resumed: only candles before its first and after its',
    'last are fetched, and those two are fetched again to check the exchange still agrees (refused if not). Pages of 1000',
    'candles; ccxt\'s rate limiter paces the requests, and a 429/418 or outage is retried after the exchange\'s Retry-After.',
    'Progress goes to stderr; stdout gets one line per pair and its gaps (missing candles, first..last (count)).',
    'EXCHANGE_REST_ORIGIN sends the REST calls to another origin (a proxy or a local fake exchange).',
  ].join('\n'),
  async run(ctx, values) {
    const { CcxtKlineSource } = await import('../adapters/ccxt-kline-source.js');
    const origin = process.env.EXCHANGE_REST_ORIGIN;
    const exchange = typeof values.exchange === 'string' ? values.exchange : 'binance';
    return downloadData(ctx, values, { source: CcxtKlineSource.create(exchange, origin ? { restOrigin: origin } : {}) });
  },
};
