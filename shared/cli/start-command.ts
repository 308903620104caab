import { readFile, writeFile } from 'node:fs/promises';
import { TIMEFRAMES, timeframeMs, type Candle, type Timeframe } from '../domain/candle.js';
import { getStrategy } from '../domain/strategy.js';
import { replayDataDir } from '../local/candle-files.js';
import { runEmbedded, type Progress } from '../local/embedded.js';
import { STRATEGY_OPTION_SPECS } from '../local/strategy-loader.js';
import { renderOperations, type EmbeddedSummary } from '../local/summary.js';
import { loadCandles, parseTime } from './cli-args.js';
import type { CliContext } from './cli-context.js';
import { regimeWarmup } from '../domain/regime-policy.js';
import type { CommandSpec } from './command-spec.js';
import { checkDocument, checkFile, printProblems } from './policy-files.js';

/** Default replay: the 19 May 2021 crash day, real 1m candles (about a minute on 2 cores). */
export const DEFAULT_WINDOW = { from: '2021-05-19T00:00:00Z', to: '2021-05-20T00:00:00Z' } as const;
export const DEFAULT_SYMBOLS = ['BTC/USDT', 'ETH/USDT', 'SOL/USDT'] as const;

/** The options of a replay (not --live). */
export interface StartValues {
  symbols?: string; from?: string; to?: string; policy?: string; json?: string; 'log-level'?: string; data?: string; timeframe?: string;
}

type StartIo = Pick<CliContext, 'readText' | 'out' | 'err'>;

const processIo: StartIo = {
  readText: (path) => readFile(path, 'utf8'), out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t),
};

/**
 * `stratus start`: replays [--from, --to) of the candle files in --data (default the shipped ones) at --timeframe through
 * the embedded pipeline and prints (and optionally writes) its summary. Each strategy's requiredCandles before --from are
 * loaded first as warm-up (never traded). Symbols: --symbols, else the policy file's, else the three shipped. An invalid
 * --policy (or one the flags make invalid) is refused before anything runs, every problem listed, exit 1.
 */
export async function startCommand(values: StartValues, io: StartIo = processIo): Promise<number> {
  const label = values.policy ?? 'policy';
  const file = values.policy ? await checkFile(io, values.policy) : undefined;
  if (file && !file.ok) {
    printProblems(io, values.policy!, file);
    io.err('not started: fix the policy (stratus policy validate FILE)\n');
    return 1;
  }
  const document = (file?.ok ? file.document : {}) as Record<string, unknown>;
  const timeframe = values.timeframe ?? (typeof document.timeframe === 'string' ? document.timeframe : '1m');
  if (!(TIMEFRAMES as readonly string[]).includes(timeframe)) throw new Error(`--timeframe must be one of ${TIMEFRAMES.join(', ')}, got ${timeframe}`);
  const tf = timeframe as Timeframe;
  const symbols = values.symbols ? values.symbols.split(',').map((s) => s.trim()).filter(Boolean)
    : Array.isArray(document.symbols) && document.symbols.length ? (document.symbols as string[]) : [...DEFAULT_SYMBOLS];
  const checked = checkDocument({ ...document, symbols, timeframe: tf });
  if (!checked.ok) {
    printProblems(io, `${label} with symbols ${symbols.join(',')} and timeframe ${tf}`, checked);
    io.err('not started: fix the policy or the options\n');
    return 1;
  }
  if (values.data && (values.from === undefined || values.to === undefined)) throw new Error('--from and --to are required with --data');
  const from = parseTime(values.from ?? DEFAULT_WINDOW.from, '--from');
  const to = parseTime(values.to ?? DEFAULT_WINDOW.to, '--to');
  if (to <= from) throw new Error('--to must be after --from');
  const data = values.data ?? replayDataDir();
  const warmupCount = Math.max(regimeWarmup(checked.policy.regime), ...checked.policy.strategies.filter((s) => s.enabled).map((s) => getStrategy(s.name).requiredCandles(s.params)));
  const { candles, warmup } = await windowAndWarmup(data, symbols, tf, from, to, warmupCount);
  const policy = { ...document, symbols, timeframe: tf };
  const warm = Math.min(...Object.values(warmup).map((c) => c.length));
  io.err(`stratus: replaying ${symbols.join(', ')} ${tf} from ${iso(from)} to ${iso(to)} (${warm} warm-up candle(s) before) on dynalite + fauxqs\n`);
  const summary = await runEmbedded({ candles, warmup, timeframe: tf, policy, onProgress: (p) => progressBar(io, p), logLevel: values['log-level'] ?? 'ERROR' });
  io.err('\n');
  // `--json -` is stdout (the text summary then goes to stderr), as for status/report/cost.
  (values.json === '-' ? io.err : io.out)(render(summary) + renderOperations(summary));
  if (values.json === '-') io.out(`${JSON.stringify(summary, null, 2)}\n`);
  else if (values.json) await writeFile(values.json, `${JSON.stringify(summary, null, 2)}\n`);
  return 0;
}

/** The window's candles and up to `count` candles before it per symbol, read once; a symbol without window candles is an error naming the data's range. */
async function windowAndWarmup(data: string, symbols: string[], tf: Timeframe, from: number, to: number, count: number) {
  const all = await loadCandles(data, symbols, tf, from - count * timeframeMs(tf), to).catch(async (error: unknown) => {
    await loadCandles(data, symbols, tf, from, to); // the error about the window itself, when it is the window that is empty
    throw error;
  });
  const candles: Record<string, Candle[]> = {};
  const warmup: Record<string, Candle[]> = {};
  for (const symbol of symbols) {
    const list = all[symbol]!;
    const split = list.findIndex((c) => c.openTime >= from);
    if (split === -1) await loadCandles(data, [symbol], tf, from, to); // throws: no candle in the window
    warmup[symbol] = list.slice(0, split);
    candles[symbol] = list.slice(split);
  }
  return { candles, warmup };
}

/** `stratus start` as the CLI declares it: each option it takes (any other is refused). */
export const command: CommandSpec = {
  name: 'start',
  summary: 'Run the whole pipeline locally on replayed candles (dynalite + fauxqs in-process)',
  usage: 'stratus start [--symbols BTC/USDT,ETH/USDT,SOL/USDT] [--from 2021-05-19] [--to 2021-05-20] [--policy FILE] [--json FILE] [--log-level ERROR]\n'
    + '       stratus start --data DIR|FILE --timeframe 1m|5m|1h --from DATE --to DATE [--symbols S[,S]] [--policy FILE]\n'
    + '       stratus start --live [--exchange binance] [--state-dir .stratus/live] [--symbols ...] [--policy FILE] [--json FILE]',
  options: {
    symbols: { type: 'string', value: 'BTC/USDT,ETH/USDT,SOL/USDT', description: 'Comma-separated symbols to replay (default: the policy file\'s, else the three shipped)' },
    data: { type: 'string', value: 'DIR|FILE', description: 'Candle files to replay (binance_BTC-USDT_1m.csv.gz ...; default the shipped 17-20 May 2021 1m data)' },
    timeframe: { type: 'string', value: '1m', description: 'Candle timeframe to replay and trade (default: the policy file\'s, else 1m)' },
    ...STRATEGY_OPTION_SPECS,
    from: { type: 'string', value: '2021-05-19', description: 'Start of the replay window (YYYY-MM-DD or ISO time)' },
    to: { type: 'string', value: '2021-05-20', description: 'End of the replay window, exclusive' },
    policy: { type: 'string', value: 'FILE', description: 'Policy document (JSON) to run with' },
    json: { type: 'string', value: 'FILE', description: 'Also write the run summary as JSON; - for stdout (the text summary then goes to stderr)' },
    'log-level': { type: 'string', value: 'ERROR', description: 'Log level of the in-process functions' },
    live: { type: 'boolean', description: 'Paper-trade on the exchange\'s live market data in real time until Ctrl-C (state kept on disk)' },
    exchange: { type: 'string', value: 'binance', description: 'With --live: the exchange whose public market data is streamed' },
    'state-dir': { type: 'string', value: 'DIR', description: 'With --live: where the state is kept and resumed from (default .stratus/live)' },
  },
  details: 'Through npm, pass flags after `--`: npm start -- --symbols BTC/USDT (or run npx stratus start --symbols BTC/USDT).',
  run: async (ctx, values) => {
    if (values['live']) return (await import('../local/live-start.js')).startLiveCommand(ctx, values);
    if (values['exchange'] !== undefined || values['state-dir'] !== undefined) throw new Error('--exchange and --state-dir apply to --live only');
    return startCommand(values as StartValues, ctx);
  },
};

const iso = (t: number) => new Date(t).toISOString().replace(':00.000Z', 'Z');

function progressBar(io: StartIo, p: Progress): void {
  const frac = Math.min(1, (p.now - p.from) / Math.max(1, p.to - p.from));
  const width = 30;
  const bar = '='.repeat(Math.round(frac * width)).padEnd(width, ' ');
  io.err(`\r[${bar}] ${(frac * 100).toFixed(0).padStart(3)}%  ${iso(p.now)}  intents ${p.intents}  orders ${p.orders}   `);
}

function render(s: EmbeddedSummary): string {
  const lines = [
    `Stratus embedded run — ${s.window.from} → ${s.window.to} (${s.symbols.join(', ')}), ${s.wallSeconds}s`,
    `  policy            ${s.policyHash.slice(0, 16)}…`,
    `  candles replayed  ${s.candlesReplayed} (bad ticks dropped ${s.badTicksDropped})`,
    `  intents           ${s.intents}`,
    `  decisions         ${s.decisions.approved} approved, ${s.decisions.rejected} rejected`,
    ...Object.entries(s.decisions.rejectedByReason).map(([code, n]) => `    rejected ${code.padEnd(27)} ${n}`),
    `  orders            ${s.orders.total} (${Object.entries(s.orders.byStatus).map(([k, v]) => `${k} ${v}`).join(', ') || 'none'})`,
    `  fills             ${s.fills}`,
    `  fees paid         ${s.feesPaid}`,
    `  realized PnL      ${s.realizedPnl}`,
    `  unrealized PnL    ${s.unrealizedPnl}`,
    `  equity            ${s.equity} (start ${s.startingCash}, ${s.returnPct}%)`,
    `  max drawdown      ${s.maxDrawdownPct}%`,
    `  open positions    ${s.openPositions.join(', ') || 'none'}`,
    `  kill switch       ${s.killSwitch}${s.killSwitchReason ? ` (${s.killSwitchReason})` : ''}`,
    `  locks             ${s.locks.join('; ') || 'none'}`,
    `  alerts            ${s.alerts.total}${Object.keys(s.alerts.byKind).length ? ` (${Object.entries(s.alerts.byKind).map(([k, v]) => `${k} ${v}`).join(', ')})` : ''}`,
    `  dead letters      signals ${s.deadLetters.signals}, orders ${s.deadLetters.orders}`,
  ];
  return `${lines.join('\n')}\n`;
}
