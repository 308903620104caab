/**
 * `stratus start --live [--exchange binance] [--state-dir DIR]`: the CLI side of the live paper runner — options,
 * the start banner, one line per signal cycle, Ctrl-C (SIGINT/SIGTERM) as a graceful stop (a second one exits at
 * once), and the session summary. EXCHANGE_WS_URL / EXCHANGE_REST_ORIGIN point ccxt elsewhere (as for the container).
 */
import { readFile, writeFile } from 'node:fs/promises';
import type { CliContext } from '../cli/cli-context.js';
import type { OptionValues } from '../cli/command-spec.js';
import { checkDocument, printProblems } from '../cli/policy-files.js';
import { runLive, type LiveEvent, type LiveOptions, type LiveSummary } from './live-runner.js';
import { DEFAULT_STATE_DIR } from './live-state.js';

/** Replay options that mean nothing live (it runs from now until stopped). */
const REPLAY_ONLY = ['from', 'to', 'data', 'timeframe'] as const;

/** Runs a live session from CLI option values; `overrides` (tests) replace the clock, endpoints, stop signal or poll rate. */
export async function startLiveCommand(ctx: Pick<CliContext, 'out' | 'err'>, values: OptionValues, overrides: Partial<LiveOptions> = {}): Promise<number> {
  const refused = REPLAY_ONLY.filter((k) => values[k] !== undefined);
  if (refused.length) throw new Error(`--live runs on the exchange's data from now on: ${refused.map((k) => `--${k}`).join(', ')} apply to a replay only`);
  const text = (k: string) => (typeof values[k] === 'string' && values[k] !== '' ? values[k] as string : undefined);
  const symbols = text('symbols')?.split(',').map((s) => s.trim()).filter(Boolean);
  const policyFile = text('policy');
  let policy: Record<string, unknown> | undefined;
  if (policyFile) {
    const file = checkDocument(await readFile(policyFile, 'utf8'));
    const checked = file.ok ? checkDocument({ ...(file.document as Record<string, unknown>), ...(symbols ? { symbols } : {}) }) : file;
    if (!checked.ok) {
      printProblems(ctx, policyFile, checked);
      ctx.err('not started: fix the policy (stratus policy validate FILE)\n');
      return 1;
    }
    policy = file.ok ? file.document as Record<string, unknown> : undefined;
  }
  const exchange = text('exchange') ?? 'binance';
  const stateDir = text('state-dir') ?? DEFAULT_STATE_DIR;
  const env = process.env;
  const endpoints = { ...(env.EXCHANGE_WS_URL ? { wsUrl: env.EXCHANGE_WS_URL } : {}), ...(env.EXCHANGE_REST_ORIGIN ? { restOrigin: env.EXCHANGE_REST_ORIGIN } : {}) };

  const abort = new AbortController();
  let signals = 0;
  const onSignal = () => {
    if (++signals > 1) process.exit(130);
    ctx.err('\nstratus: stopping (the cycle in flight finishes, the stream closes, the queues drain; Ctrl-C again to exit at once)\n');
    abort.abort();
  };
  if (!overrides.signal) { process.on('SIGINT', onSignal); process.on('SIGTERM', onSignal); }
  try {
    const summary = await runLive({
      stateDir, exchange, signal: abort.signal, endpoints, logLevel: text('log-level') ?? 'ERROR',
      ...(symbols ? { symbols } : {}), ...(policy ? { policy } : {}), ...overrides,
      onEvent: (e) => { ctx.err(describe(e, exchange)); overrides.onEvent?.(e); },
    });
    const json = text('json');
    (json === '-' ? ctx.err : ctx.out)(renderLiveSummary(summary));
    if (json === '-') ctx.out(`${JSON.stringify(summary, null, 2)}\n`);
    else if (json) await writeFile(json, `${JSON.stringify(summary, null, 2)}\n`);
    return 0;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

const time = (t: number) => new Date(t).toISOString().slice(11, 19);

function describe(e: LiveEvent, exchange: string): string {
  switch (e.type) {
    case 'started': return [
      `stratus: live paper trading ${e.symbols.join(', ')} ${e.timeframe} on ${exchange} market data (PAPER fills; no order is sent, no keys needed)`,
      `  state dir   ${e.stateDir} (${e.resumed ? 'resumed: ledger, orders and kill switch from an earlier session' : 'new'}; policy v${e.policyVersion}${e.policyWritten ? ' written' : ' kept'})`,
      `  DynamoDB    ${e.dynamoEndpoint} (on disk); operator commands: stratus status|trades|decisions|locks|kill|reset --local ${e.stateDir}`,
      ...(e.redelivered ? [`  recovered   ${e.redelivered} approved order(s) the last session never executed (its queues died with it): sent again`] : []),
      '  Ctrl-C stops gracefully\n',
    ].join('\n');
    case 'cycle': return `${time(e.at)}  candles stored ${e.candles}  intents +${e.intents}  decisions +${e.decisions}  orders +${e.orders}\n`;
    case 'error': return `stratus: ${e.op}: ${e.message}\n`;
    case 'stopping': return `${time(e.at)}  stopping\n`;
  }
}

/** The session summary as text: the session, then the whole stored state (ledger, orders, kill switch). */
export function renderLiveSummary(s: LiveSummary): string {
  const byStatus = Object.entries(s.orders.byStatus).map(([k, v]) => `${k} ${v}`).join(', ') || 'none';
  return `${[
    `Stratus live paper session — ${s.window.from} → ${s.window.to} (${s.symbols.join(', ')} on ${s.exchange}), ${s.wallSeconds}s`,
    `  state dir         ${s.stateDir}${s.resumed ? ' (resumed)' : ''}`,
    `  this session      candles stored ${s.session.candlesStored}, intents ${s.session.intents}, decisions ${s.session.decisions}, orders ${s.session.orders}`,
    `  decisions (all)   ${s.decisions.approved} approved, ${s.decisions.rejected} rejected`,
    ...Object.entries(s.decisions.rejectedByReason).map(([code, n]) => `    rejected ${code.padEnd(27)} ${n}`),
    `  orders (all)      ${s.orders.total} (${byStatus})`,
    `  fills             ${s.fills}, fees paid ${s.feesPaid}`,
    `  realized PnL      ${s.realizedPnl}`,
    `  unrealized PnL    ${s.unrealizedPnl}`,
    `  equity            ${s.equity} (start ${s.startingCash}, ${s.returnPct}%)`,
    `  open positions    ${s.openPositions.join(', ') || 'none'}`,
    `  kill switch       ${s.killSwitch}${s.killSwitchReason ? ` (${s.killSwitchReason})` : ''}`,
    `  dead letters      signals ${s.deadLetters.signals}, orders ${s.deadLetters.orders}`,
    `  health            ${s.health.verdict}`,
  ].join('\n')}\n`;
}
