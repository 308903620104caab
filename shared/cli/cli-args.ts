import { readdir, stat } from 'node:fs/promises';
import { TIMEFRAMES, timeframeMs, type Candle, type Timeframe } from '../domain/candle.js';
import { StratusError } from '../domain/errors.js';
import { parseCandleFileName, readCandleDir, readCandleFile } from '../local/candle-files.js';
import { STRATEGY_OPTION_SPECS } from '../local/strategy-loader.js';
import type { OptionSpec } from './command-spec.js';

/** The option's value; throws `<name> is required` when it is missing or empty. */
export function required(value: string | undefined, name: string): string {
  if (value === undefined || value === '') throw new Error(`${name} is required`);
  return value;
}

/** A non-negative number option, or undefined when absent; throws on anything else. */
export function numberOption(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) throw new Error(`${name} must be a number ≥ 0, got ${value}`);
  return n;
}

/** ISO dates and times only: YYYY[-MM[-DD]], then [T or space]HH:MM[:SS[.sss]] and an optional Z or ±HH:MM. */
const ISO_TIME = /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/;

/** A date (YYYY-MM-DD, as UTC midnight) or an ISO time (UTC when it names no offset), as epoch ms; no calendar overflow. */
export function parseTime(text: string, name: string): number {
  const [, y, mo = '01', d = '01', h = '00', mi = '00', sec = '00', ms = '', zone = 'Z'] = ISO_TIME.exec(text) ?? [];
  const t = y === undefined ? Number.NaN : Date.parse(`${y}-${mo}-${d}T${h}:${mi}:${sec}${ms}${zone}`);
  const fields = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(sec)));
  if (Number.isNaN(t) || fields.getUTCMonth() !== Number(mo) - 1 || fields.getUTCDate() !== Number(d) || fields.getUTCHours() !== Number(h)) {
    throw new Error(`${name}: not an ISO date or time: ${text}`);
  }
  return t;
}

/** The data asked for is not there: no file for a symbol/timeframe, or no candle in the window (code NO_CANDLE_DATA). */
export class NoCandleDataError extends StratusError {
  override readonly name = 'NoCandleDataError';
  constructor(message: string) {
    super('NO_CANDLE_DATA', message, false);
  }
}

/**
 * Candles of every symbol in [from, to): from a folder of recorded files, or one file for one symbol. A symbol or
 * timeframe the folder has no file for is an error listing the files it has; so is a symbol with no candle in the window
 * (naming the window and the range the file covers).
 */
export async function loadCandles(path: string, symbols: string[], tf: Timeframe, from: number, to: number): Promise<Record<string, Candle[]>> {
  let candles: Record<string, Candle[]>;
  if ((await stat(path)).isDirectory()) {
    const present = (await readdir(path)).map((name) => parseCandleFileName(name)).filter((f) => f !== undefined);
    const missing = symbols.filter((s) => !present.some((f) => f.exchange === 'binance' && f.symbol === s && f.timeframe === tf));
    if (missing.length) throw new NoCandleDataError(`${path} has no ${tf} candle file for ${missing.join(', ')}; ${describeFiles(present)}`);
    candles = await readCandleDir(path, symbols, tf, { from, to });
  } else {
    if (symbols.length !== 1) throw new Error('--data is a single file: pass exactly one symbol, or a folder');
    const named = parseCandleFileName(path);
    if (named && (named.symbol !== symbols[0] || named.timeframe !== tf)) {
      throw new NoCandleDataError(`${path} holds ${named.symbol} ${named.timeframe} candles (its name says), not ${symbols[0]} ${tf}`);
    }
    candles = { [symbols[0]!]: await readCandleFile(path, { symbol: symbols[0]!, timeframe: tf, from, to }) };
  }
  for (const [symbol, list] of Object.entries(candles)) {
    if (list.length) continue;
    const all = (await stat(path)).isDirectory() ? (await readCandleDir(path, [symbol], tf))[symbol]! : await readCandleFile(path, { symbol, timeframe: tf });
    const range = all.length ? `the data covers ${isoTime(all[0]!.openTime)} .. ${isoTime(all.at(-1)!.openTime + timeframeMs(tf))}` : 'the file has no candles';
    throw new NoCandleDataError(`no ${symbol} ${tf} candles in [${isoTime(from)}, ${isoTime(to)}); ${range}`);
  }
  for (const [symbol, list] of Object.entries(candles)) checkSpacing(symbol, list, tf);
  // Frozen: a strategy that writes to a candle it was handed would rewrite the run's market data (the pipeline reads fresh copies).
  for (const list of Object.values(candles)) for (const c of list) Object.freeze(c);
  return candles;
}

/** Candles that never sit one timeframe apart (10 or more in the window) are another timeframe's under this one's name. */
function checkSpacing(symbol: string, list: readonly Candle[], tf: Timeframe): void {
  if (list.length < 10) return;
  let closest = Infinity;
  for (let i = 1; i < list.length && closest > timeframeMs(tf); i++) closest = Math.min(closest, list[i]!.openTime - list[i - 1]!.openTime);
  if (closest === timeframeMs(tf)) return;
  throw new NoCandleDataError(`${symbol}: no two of its ${list.length} ${tf} candles in the window are ${tf} apart (they are at least ${closest / 60_000} minutes apart): a file of another timeframe?`);
}

/** What a data folder holds, as `it has: 1m BTC/USDT, ETH/USDT; 1h BTC/USDT` (exchange named when not binance). */
function describeFiles(files: readonly { exchange: string; symbol: string; timeframe: Timeframe }[]): string {
  if (!files.length) return 'it has no candle files (named like binance_BTC-USDT_1m.csv.gz)';
  const groups = new Map<string, string[]>();
  for (const f of files) {
    const key = `${f.exchange === 'binance' ? '' : `${f.exchange} `}${f.timeframe}`;
    groups.set(key, [...(groups.get(key) ?? []), f.symbol]);
  }
  const order = (key: string) => TIMEFRAMES.indexOf(key.split(' ').at(-1) as Timeframe);
  return `it has: ${[...groups].sort(([a], [b]) => order(a) - order(b) || a.localeCompare(b)).map(([k, list]) => `${k} ${list.sort().join(', ')}`).join('; ')}`;
}

/** Epoch ms as an ISO time, seconds and milliseconds dropped when zero. */
function isoTime(t: number): string {
  return new Date(t).toISOString().replace('.000Z', 'Z').replace(':00Z', 'Z');
}

/** The options every run over history takes, as parseArgs returns them. */
export interface RunOptionValues {
  strategy?: string; symbols?: string; timeframe?: string; from?: string; to?: string; data?: string;
}

/** The run's strategy, symbols, timeframe, [from, to) and data path, checked; a clear error names the bad option. */
export interface RunOptions {
  readonly strategy: string;
  readonly symbols: string[];
  readonly timeframe: Timeframe;
  readonly from: number;
  readonly to: number;
  readonly data: string;
}

/** Checks --strategy, --symbols (comma-separated), --timeframe, --from < --to and --data; shared by backtest and the research commands. */
export function runOptions(values: RunOptionValues): RunOptions {
  const strategy = required(values.strategy, '--strategy');
  // Upper-cased as download-data and resample-data take them (btc/usdt is BTC/USDT's file).
  const symbols = required(values.symbols, '--symbols').split(',').map((s) => s.trim().toUpperCase()).filter(Boolean);
  const timeframe = required(values.timeframe, '--timeframe');
  if (!(TIMEFRAMES as readonly string[]).includes(timeframe)) throw new Error(`--timeframe must be one of ${TIMEFRAMES.join(', ')}, got ${timeframe}`);
  const from = parseTime(required(values.from, '--from'), '--from');
  const to = parseTime(required(values.to, '--to'), '--to');
  if (to <= from) throw new Error('--to must be after --from');
  return { strategy, symbols, timeframe: timeframe as Timeframe, from, to, data: required(values.data, '--data') };
}

/** The options of every run over recorded candles (backtest, cost-sweep, walk-forward, lookahead-check). */
export const RUN_OPTION_SPECS: Readonly<Record<string, OptionSpec>> = {
  strategy: { type: 'string', value: 'NAME', description: 'Strategy to run: a built-in or a loaded user strategy (see stratus strategies)' },
  ...STRATEGY_OPTION_SPECS,
  symbols: { type: 'string', value: 'BTC/USDT,ETH/USDT', description: 'Comma-separated symbols; each needs a file in --data' },
  timeframe: { type: 'string', value: TIMEFRAMES.join('|'), description: 'Candle timeframe of the data' },
  from: { type: 'string', value: '2021-05-18', description: 'Start of the period (YYYY-MM-DD as UTC midnight, or an ISO time), inclusive' },
  to: { type: 'string', value: '2021-05-20', description: 'End of the period, exclusive' },
  data: { type: 'string', value: 'DIR|FILE', description: 'Folder of candle files (binance_BTC-USDT_1m.csv[.gz]), or one such file for one symbol' },
  policy: { type: 'string', value: 'FILE', description: 'Policy document (JSON); its entry for the strategy gives the params' },
};

/** The cost and seed overrides of a backtest's paper fill model. */
export const COST_OPTION_SPECS: Readonly<Record<string, OptionSpec>> = {
  'fee-bps': { type: 'string', value: 'N', description: 'Taker and maker fee in basis points (overrides the policy\'s paper section)' },
  'slippage-bps': { type: 'string', value: 'N', description: 'Slippage in basis points (overrides the policy\'s paper section)' },
  seed: { type: 'string', value: 'N', description: 'Seed of the paper fill model' },
};
