import { readFile, writeFile } from 'node:fs/promises';
import { readCandleDir, replayDataDir } from '../local/candle-files.js';
import { runEmbedded, type Progress } from '../local/embedded.js';
import { STRATEGY_OPTION_SPECS } from '../local/strategy-loader.js';
import { renderOperations, type EmbeddedSummary } from '../local/summary.js';
import { parseTime } from './cli-args.js';
import type { CommandSpec } from './command-spec.js';

/** Default replay: the 19 May 2021 crash day, real 1m candles (about a minute on 2 cores). */
export const DEFAULT_WINDOW = { from: '2021-05-19T00:00:00Z', to: '2021-05-20T00:00:00Z' } as const;
export const DEFAULT_SYMBOLS = ['BTC/USDT', 'ETH/USDT', 'SOL/USDT'] as const;

/** `stratus start`: runs the embedded default and prints (and optionally writes) its summary. */
export async function startCommand(values: {
  symbols?: string; from?: string; to?: string; policy?: string; json?: string; 'log-level'?: string;
}): Promise<number> {
  const symbols = values.symbols ? values.symbols.split(',').map((s) => s.trim()).filter(Boolean) : [...DEFAULT_SYMBOLS];
  const from = parseTime(values.from ?? DEFAULT_WINDOW.from, '--from');
  const to = parseTime(values.to ?? DEFAULT_WINDOW.to, '--to');
  if (to <= from) throw new Error('--to must be after --from');
  const candles = await readCandleDir(replayDataDir(), symbols, '1m', { from, to });
  for (const [symbol, list] of Object.entries(candles)) {
    if (!list.length) throw new Error(`no replay candles for ${symbol} in the window (shipped data: 2021-05-17 .. 2021-05-20 20:00 UTC)`);
  }
  const document = values.policy ? JSON.parse(await readFile(values.policy, 'utf8')) as Record<string, unknown> : {};
  const policy = { ...document, symbols };
  process.stderr.write(`stratus: replaying ${symbols.join(', ')} 1m from ${iso(from)} to ${iso(to)} on dynalite + fauxqs\n`);
  const summary = await runEmbedded({ candles, policy, onProgress: progressBar, logLevel: values['log-level'] ?? 'ERROR' });
  process.stderr.write('\n');
  process.stdout.write(render(summary) + renderOperations(summary));
  if (values.json) await writeFile(values.json, `${JSON.stringify(summary, null, 2)}\n`);
  return 0;
}

/** `stratus start` as the CLI declares it: each option it takes (any other is refused). */
export const command: CommandSpec = {
  name: 'start',
  summary: 'Run the whole pipeline locally on replayed candles (dynalite + fauxqs in-process)',
  usage: 'stratus start [--symbols BTC/USDT,ETH/USDT,SOL/USDT] [--from 2021-05-19] [--to 2021-05-20] [--policy FILE] [--json FILE] [--log-level ERROR]\n'
    + '       stratus start --live [--exchange binance] [--state-dir .stratus/live] [--symbols ...] [--policy FILE] [--json FILE]',
  options: {
    symbols: { type: 'string', value: 'BTC/USDT,ETH/USDT,SOL/USDT', description: 'Comma-separated symbols to replay (default the three shipped)' },
    ...STRATEGY_OPTION_SPECS,
    from: { type: 'string', value: '2021-05-19', description: 'Start of the replay window (YYYY-MM-DD or ISO time)' },
    to: { type: 'string', value: '2021-05-20', description: 'End of the replay window, exclusive' },
    policy: { type: 'string', value: 'FILE', description: 'Policy document (JSON) to run with' },
    json: { type: 'string', value: 'FILE', description: 'Also write the run summary as JSON' },
    'log-level': { type: 'string', value: 'ERROR', description: 'Log level of the in-process functions' },
    live: { type: 'boolean', description: 'Paper-trade on the exchange\'s live market data in real time until Ctrl-C (state kept on disk)' },
    exchange: { type: 'string', value: 'binance', description: 'With --live: the exchange whose public market data is streamed' },
    'state-dir': { type: 'string', value: 'DIR', description: 'With --live: where the state is kept and resumed from (default .stratus/live)' },
  },
  details: 'Through npm, pass flags after `--`: npm start -- --symbols BTC/USDT (or run npx stratus start --symbols BTC/USDT).',
  run: async (ctx, values) => {
    if (values['live']) return (await import('../local/live-start.js')).startLiveCommand(ctx, values);
    if (values['exchange'] !== undefined || values['state-dir'] !== undefined) throw new Error('--exchange and --state-dir apply to --live only');
    return startCommand(values as Parameters<typeof startCommand>[0]);
  },
};

const iso = (t: number) => new Date(t).toISOString().replace(':00.000Z', 'Z');

function progressBar(p: Progress): void {
  const frac = Math.min(1, (p.now - p.from) / Math.max(1, p.to - p.from));
  const width = 30;
  const bar = '='.repeat(Math.round(frac * width)).padEnd(width, ' ');
  process.stderr.write(`\r[${bar}] ${(frac * 100).toFixed(0).padStart(3)}%  ${iso(p.now)}  intents ${p.intents}  orders ${p.orders}   `);
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
