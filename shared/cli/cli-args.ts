import { stat } from 'node:fs/promises';
import { TIMEFRAMES, type Candle, type Timeframe } from '../domain/candle.js';
import { readCandleDir, readCandleFile } from '../local/candle-files.js';
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

/** A date (YYYY-MM-DD, as UTC midnight) or an ISO time, as epoch ms. */
export function parseTime(text: string, name: string): number {
  const t = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text);
  if (Number.isNaN(t)) throw new Error(`${name}: not an ISO date or time: ${text}`);
  return t;
}

/** Candles of every symbol in [from, to): from a folder of recorded files, or one file for one symbol. */
export async function loadCandles(path: string, symbols: string[], tf: Timeframe, from: number, to: number): Promise<Record<string, Candle[]>> {
  if ((await stat(path)).isDirectory()) return readCandleDir(path, symbols, tf, { from, to });
  if (symbols.length !== 1) throw new Error('--data is a single file: pass exactly one symbol, or a folder');
  return { [symbols[0]!]: await readCandleFile(path, { symbol: symbols[0]!, timeframe: tf, from, to }) };
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
  const symbols = required(values.symbols, '--symbols').split(',').map((s) => s.trim()).filter(Boolean);
  const timeframe = required(values.timeframe, '--timeframe');
  if (!(TIMEFRAMES as readonly string[]).includes(timeframe)) throw new Error(`--timeframe must be one of ${TIMEFRAMES.join(', ')}, got ${timeframe}`);
  const from = parseTime(required(values.from, '--from'), '--from');
  const to = parseTime(required(values.to, '--to'), '--to');
  if (to <= from) throw new Error('--to must be after --from');
  return { strategy, symbols, timeframe: timeframe as Timeframe, from, to, data: required(values.data, '--data') };
}

/** The options of every run over recorded candles (backtest, cost-sweep, walk-forward, lookahead-check). */
export const RUN_OPTION_SPECS: Readonly<Record<string, OptionSpec>> = {
  strategy: { type: 'string', value: 'NAME', description: 'Strategy to run (see the strategies in shared/domain/strategies)' },
  symbols: { type: 'string', value: 'BTC/USDT,ETH/USDT', description: 'Comma-separated symbols; each needs a file in --data' },
  timeframe: { type: 'string', value: TIMEFRAMES.join('|'), description: 'Candle timeframe of the data' },
  from: { type: 'string', value: '2021-05-18', description: 'Start of the period (YYYY-MM-DD as UTC midnight, or an ISO time), inclusive' },
  to: { type: 'string', value: '2021-05-20', description: 'End of the period, exclusive' },
  data: { type: 'string', value: 'DIR|FILE', description: 'Folder of recorded candle files (SYMBOL-TF.csv[.gz]), or one file for one symbol' },
  policy: { type: 'string', value: 'FILE', description: 'Policy document (JSON); its entry for the strategy gives the params' },
};

/** The cost and seed overrides of a backtest's paper fill model. */
export const COST_OPTION_SPECS: Readonly<Record<string, OptionSpec>> = {
  'fee-bps': { type: 'string', value: 'N', description: 'Taker and maker fee in basis points (overrides the policy\'s paper section)' },
  'slippage-bps': { type: 'string', value: 'N', description: 'Slippage in basis points (overrides the policy\'s paper section)' },
  seed: { type: 'string', value: 'N', description: 'Seed of the paper fill model' },
};
