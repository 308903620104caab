/**
 * `stratus start --live`: the deployed handlers on the exchange's live market data, in real time. dynalite keeps
 * its tables on disk under the state dir (so a restart resumes the ledger, orders, decisions and kill switch);
 * fauxqs carries the queues in memory; the local scheduler fires on the clock (the wall clock by default); the
 * market-stream service feeds the market table from ccxt.pro websockets with REST backfill; every order goes to
 * the PAPER venue (LIVE is refused). Stop with the abort signal: the cycle in flight finishes, the stream closes
 * and flushes, the queues are drained, and the summary is read from the state.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Context, SQSEvent } from 'aws-lambda';
import { sqsClient } from '../adapters/aws-clients.js';
import type { ProEndpoints } from '../adapters/ccxt-market-source.js';
import type { Timeframe } from '../domain/candle.js';
import type { Clock } from '../ports.js';
import { ENV, QUEUES, SCHEDULES, type ScheduledInvocation } from '../resources.js';
import type { Deps } from '../runtime/deps.js';
import { systemClock } from '../runtime/system-clock.js';
import { loadHandlers } from './embedded.js';
import { liveMarketStream, paperOnly, settlePolicy, warmupOf, type LiveMarketOptions } from './live-market.js';
import { redeliverLostOrders } from './live-recovery.js';
import { applyEnv, findRunning, LocalStateError, removeRunning, startLocalStack, writeRunning, type LocalStack } from './live-state.js';
import { LocalScheduler } from './local-scheduler.js';
import { SendWatch } from './send-watch.js';
import { SqsEventSource } from './sqs-event-source.js';
import { summarize, type EmbeddedSummary } from './summary.js';
import type { MarketStream } from '../services/stream-market.js';

/** What to trade, where the state lives and how the session is stopped. */
export interface LiveOptions {
  readonly stateDir: string;
  /** ccxt exchange id for the market data (public endpoints, no keys). */
  readonly exchange: string;
  readonly symbols?: readonly string[];
  /** A policy document to write before the session (see settlePolicy). */
  readonly policy?: Record<string, unknown>;
  /** Aborting it stops the session gracefully. */
  readonly signal: AbortSignal;
  /** Default the wall clock; the scheduler fires on it. */
  readonly clock?: Clock;
  /** Loopback or proxy endpoints instead of the exchange's own. */
  readonly endpoints?: ProEndpoints;
  /** How often the loop reads the clock for due schedules, wall ms (a job runs at most this late). Default 250. */
  readonly pollMs?: number;
  /** Powertools log level inside the functions. Default ERROR. */
  readonly logLevel?: string;
  readonly source?: LiveMarketOptions['source'];
  readonly onEvent?: (event: LiveEvent) => void;
}

/** What the session reports as it runs. */
export type LiveEvent =
  | { readonly type: 'started'; readonly stateDir: string; readonly resumed: boolean; readonly policyVersion: number; readonly policyWritten: boolean;
    readonly symbols: readonly string[]; readonly timeframe: Timeframe; readonly dynamoEndpoint: string; readonly at: number;
    /** Orders of recent approved decisions that had no order record (lost with the queues when a session died), sent again. */
    readonly redelivered: number }
  | { readonly type: 'cycle'; readonly at: number; readonly intents: number; readonly decisions: number; readonly orders: number; readonly candles: number }
  | { readonly type: 'error'; readonly op: string; readonly message: string }
  | { readonly type: 'stopping'; readonly at: number };

/** The end-of-session report: the embedded summary over the whole stored state, plus the session's own figures. */
export interface LiveSummary extends EmbeddedSummary {
  readonly stateDir: string;
  readonly exchange: string;
  /** True when the state dir held a ledger from an earlier session. */
  readonly resumed: boolean;
  readonly session: { readonly intents: number; readonly decisions: number; readonly orders: number; readonly candlesStored: number };
}

type QueueId = 'signals' | 'orders';

/** Runs a live paper session on the state dir until `signal` aborts; resolves with its summary. */
export async function runLive(opts: LiveOptions): Promise<LiveSummary> {
  const other = await findRunning(opts.stateDir);
  if (other) throw new LocalStateError(`a live run (pid ${other.pid}) already uses ${opts.stateDir}`);
  const stack = await startLocalStack(opts.stateDir);
  const restore = applyEnv({
    ...stack.env, [ENV.exchangeSecretArn]: '', POWERTOOLS_METRICS_DISABLED: 'true', POWERTOOLS_LOG_LEVEL: opts.logLevel ?? 'ERROR', POWERTOOLS_SERVICE_NAME: 'stratus-live',
  });
  try {
    return await session(opts, stack, opts.clock ?? systemClock);
  } finally {
    await removeRunning(stack.dir);
    await stack.stop();
    restore();
  }
}

async function session(opts: LiveOptions, stack: LocalStack, clock: Clock): Promise<LiveSummary> {
  const wallStart = performance.now();
  const from = clock.now();
  const report = (error: unknown, context: Record<string, unknown>) => opts.onEvent?.({
    type: 'error', op: String(context['op'] ?? 'stream'), message: error instanceof Error ? error.message : String(error),
  });
  const { loadConfig } = await import('../runtime/config.js');
  const { buildDeps } = await import('../runtime/deps.js');
  const built = buildDeps(loadConfig(), { clock });
  const watch = new SendWatch<QueueId>();
  const deps: Deps = {
    ...built, exchangeFor: paperOnly(built.exchangeFor),
    signals: watch.wrap('signals', built.signals), orders: watch.wrap('orders', built.orders),
    ...(built.cancels ? { cancels: watch.wrap('orders', built.cancels) } : {}),
  };
  const ledger = (await deps.state.getLedger())?.value;
  const loaded = await settlePolicy(deps, opts, from);
  const symbols = [...new Set([...loaded.policy.symbols, ...Object.keys(ledger?.positions ?? {})])];
  const timeframe = loaded.policy.timeframe as Timeframe;
  const { stream } = await liveMarketStream({ ...opts, clock, store: deps.market, symbols, timeframe, warmup: warmupOf(loaded.policy), onError: report });
  await writeRunning(stack.dir, { pid: process.pid, startedAt: from, exchange: opts.exchange, symbols, env: stack.env });
  await stream.start();
  try {
    return await trade(opts, stack, clock, deps, watch, stream, { from, wallStart, report, resumed: ledger !== undefined, loaded, symbols, timeframe });
  } catch (error) {
    await stream.stop().catch(() => undefined); // the websockets would keep the process alive
    throw error;
  }
}

interface Session {
  readonly from: number;
  readonly wallStart: number;
  readonly report: (error: unknown, context: Record<string, unknown>) => void;
  readonly resumed: boolean;
  readonly loaded: Awaited<ReturnType<typeof settlePolicy>>;
  readonly symbols: readonly string[];
  readonly timeframe: Timeframe;
}

async function trade(
  opts: LiveOptions, stack: LocalStack, clock: Clock, deps: Deps, watch: SendWatch<QueueId>, stream: MarketStream, s: Session,
): Promise<LiveSummary> {
  const { from, wallStart, report, loaded, symbols, timeframe } = s;
  const fns = await loadHandlers(deps);
  const counts = { intents: 0, maxDrawdownPct: 0 };
  const scheduler = new LocalScheduler({ startAt: clock.now() });
  for (const job of Object.keys(SCHEDULES) as (keyof typeof SCHEDULES)[]) {
    scheduler.register({
      job, ...SCHEDULES[job],
      invoke: async (event: ScheduledInvocation, ctx: Context) => {
        const out = (await fns[job]!(event, ctx)) as { intents?: number; drawdownPct?: number };
        counts.intents += out?.intents ?? 0;
        counts.maxDrawdownPct = Math.max(counts.maxDrawdownPct, out?.drawdownPct ?? 0);
        return out;
      },
    });
  }
  const sqs = sqsClient({ region: stack.emulators.region, credentials: stack.emulators.credentials, endpoint: stack.emulators.sqsEndpoint });
  const ids = ['signals', 'orders'] as const;
  const consumers = ids.map((id) => new SqsEventSource({
    sqs, queueUrl: stack.provisioned.queues[id].url, queueArn: stack.provisioned.queues[id].arn, batchSize: QUEUES[id].batchSize,
    functionName: id === 'signals' ? 'risk' : 'execution', region: stack.emulators.region, timeoutSeconds: QUEUES[id].consumerTimeoutSeconds,
    handler: (id === 'signals' ? fns.risk : fns.execution) as (e: SQSEvent, c: Context) => Promise<never>,
  }));
  const drainedAt: Record<QueueId, number> = { signals: 0, orders: 0 };
  let undrained = 0;
  /** Delivers what the functions sent since each queue was last seen empty (a failed record comes back after its visibility timeout). */
  const drain = async () => {
    for (const [i, c] of consumers.entries()) {
      const id = ids[i]!;
      if (watch.sends(id) === drainedAt[id]) continue;
      const r = await c.drain({ maxWaitMs: 15_000 });
      if (r.drained) drainedAt[id] = watch.sends(id);
      else undrained++;
    }
  };
  const redelivered = (await redeliverLostOrders(deps, clock.now())).length;
  opts.onEvent?.({
    type: 'started', stateDir: stack.dir, resumed: s.resumed, policyVersion: loaded.version, policyWritten: loaded.written,
    symbols, timeframe, dynamoEndpoint: stack.emulators.dynamoEndpoint, at: clock.now(), redelivered,
  });

  const pollMs = opts.pollMs ?? 250;
  let now = clock.now();
  while (!opts.signal.aborted) {
    try {
      now = Math.max(now, clock.now()); // the wall clock may step back (NTP); the scheduler must not
      const before = { intents: counts.intents, decisions: consumers[0]!.stats().records, orders: consumers[1]!.stats().records };
      const signals = scheduler.stats().signal?.invocations ?? 0;
      const ran = await scheduler.runDue(now);
      await drain();
      if ((scheduler.stats().signal?.invocations ?? 0) > signals) {
        opts.onEvent?.({
          type: 'cycle', at: now, intents: counts.intents - before.intents, decisions: consumers[0]!.stats().records - before.decisions,
          orders: consumers[1]!.stats().records - before.orders, candles: stream.stats().candlesWritten,
        });
      }
      for (const f of ran.failures) report(f.error, { op: `${f.job} at ${f.scheduledTime}` });
    } catch (error) {
      report(error, { op: 'cycle' }); // a queue poll that failed: the messages stay queued for the next cycle
    }
    await sleep(pollMs, undefined, { signal: opts.signal }).catch(() => undefined);
  }

  opts.onEvent?.({ type: 'stopping', at: clock.now() });
  await stream.stop();
  await drain();
  const summary = await summarize({
    deps, sqs, provisioned: stack.provisioned, stream: stream.stats(), intents: counts.intents, maxDrawdownPct: counts.maxDrawdownPct,
    from, to: clock.now(), schedulerErrors: scheduler.errors().length, undrained, consumers: consumers.map((c) => c.stats()),
    wallSeconds: (performance.now() - wallStart) / 1000,
  });
  sqs.destroy();
  return {
    ...summary, stateDir: stack.dir, exchange: opts.exchange, resumed: s.resumed,
    session: { intents: counts.intents, decisions: consumers[0]!.stats().records, orders: consumers[1]!.stats().records, candlesStored: stream.stats().candlesWritten },
  };
}
