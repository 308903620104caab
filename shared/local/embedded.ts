import type { Context, SQSEvent } from 'aws-lambda';
import { timeframeMs, type Candle, type Timeframe } from '../domain/candle.js';
import { QUEUES, SCHEDULES, type ScheduledInvocation } from '../resources.js';
import { emulatorEnv, startEmulators, type Emulators } from './emulators.js';
import { provision, type Provisioned } from './provision.js';
import { VirtualClock } from './virtual-clock.js';
import { LocalScheduler } from './local-scheduler.js';
import { SqsEventSource, type SqsEventSourceRequests, type SqsEventSourceStats } from './sqs-event-source.js';
import { lambdaContext } from './lambda-context.js';
import { ReplayMarketSource } from '../adapters/replay-market-source.js';
import { createMarketStream } from '../services/stream-market.js';
import { summarize, type EmbeddedSummary } from './summary.js';
import { SendWatch } from './send-watch.js';
import type { Deps } from '../runtime/deps.js';
import { sqsClient } from '../adapters/aws-clients.js';

/** What to replay and under which policy. Times are epoch ms (candle open times). */
export interface EmbeddedOptions {
  readonly candles: Readonly<Record<string, readonly Candle[]>>;
  /** Candles before the window, per symbol: written to the market table before the replay, so strategies see history at its first close; never traded. */
  readonly warmup?: Readonly<Record<string, readonly Candle[]>>;
  /** The candles' timeframe (default: theirs, else 1m): the stream follows it and signal and metrics run at each of its closes. The policy should trade it. */
  readonly timeframe?: Timeframe;
  /** Policy document written to the policy table before the run (defaults fill the rest). */
  readonly policy: Record<string, unknown>;
  readonly onProgress?: (p: Progress) => void;
  /** Powertools log level inside the functions (default ERROR, so the summary stays readable). */
  readonly logLevel?: string;
  /** Called with the live adapters after the replay, before the emulators stop (tests audit state here), and the pollers' request counts. */
  readonly onFinished?: (deps: Deps, pollers: Readonly<Record<QueueId, SqsEventSourceStats & SqsEventSourceRequests>>) => Promise<void>;
  /** Fault injection and observation for the stress suite (shared/stress). */
  readonly hooks?: EmbeddedHooks;
}

/** Stress hooks: wrap the adapters the handlers get, act before each candle close, see each scheduled run's output. */
export interface EmbeddedHooks {
  /** Replaces the adapters before anything uses them (a failing exchange or store). */
  readonly wrapDeps?: (deps: Deps) => Deps;
  /** Before each candle close is replayed (operator actions, outages); false withholds that close's stream tick (stream disconnected). */
  readonly beforeStep?: (at: number, deps: Deps) => Promise<boolean | void>;
  /** After each scheduled invocation, with its output. */
  readonly onInvoked?: (job: string, at: number, out: unknown) => void;
}

/** Progress of a replay, reported once per replayed hour. */
export interface Progress {
  readonly now: number;
  readonly from: number;
  readonly to: number;
  readonly intents: number;
  readonly orders: number;
}

type Handler<E> = (event: E, context: Context) => Promise<unknown>;
type QueueId = 'signals' | 'orders';

/**
 * The embedded default: dynalite + fauxqs in-process, the stack's tables and queues from
 * shared/resources.ts, the market-stream service fed by a replay on a virtual clock, the
 * scheduled functions fired by a local scheduler and the queue consumers driven the way
 * Lambda's SQS event source mapping drives them. The handlers are the deployed ones.
 */
export async function runEmbedded(opts: EmbeddedOptions): Promise<EmbeddedSummary> {
  const emulators = await startEmulators();
  try {
    const provisioned = await provision(emulators);
    Object.assign(process.env, emulatorEnv(emulators), provisioned.env, {
      POWERTOOLS_METRICS_DISABLED: 'true', POWERTOOLS_LOG_LEVEL: opts.logLevel ?? 'ERROR', POWERTOOLS_SERVICE_NAME: 'stratus-local',
    });
    return await replay(opts, emulators, provisioned);
  } finally {
    await emulators.stop();
  }
}

async function replay(opts: EmbeddedOptions, emulators: Emulators, provisioned: Provisioned): Promise<EmbeddedSummary> {
  const started = performance.now();
  const { loadConfig } = await import('../runtime/config.js');
  const { buildDeps } = await import('../runtime/deps.js');
  const source = new ReplayMarketSource(opts.candles);
  const from = source.firstTime();
  const to = source.lastTime();
  const clock = new VirtualClock(from);
  const built = buildDeps(loadConfig(), { clock });
  // The functions send through the real SQS adapters; the watch only tells the pollers when to look.
  const watch = new SendWatch<QueueId>();
  const watched: Deps = {
    ...built, signals: watch.wrap('signals', built.signals), orders: watch.wrap('orders', built.orders),
    ...(built.cancels ? { cancels: watch.wrap('orders', built.cancels) } : {}),
  };
  const deps = opts.hooks?.wrapDeps?.(watched) ?? watched;
  await deps.policies.write(opts.policy, { by: 'stratus start', at: from });
  // A document the store refuses (e.g. LIVE without exchange keys) would leave the replay on the defaults, silently.
  const { rejected } = await deps.policies.load();
  if (rejected) throw new Error(`the policy was refused by the pipeline: ${rejected.problems.map((p) => `${p.path} ${p.code ?? 'SCHEMA'} ${p.message}`).join('; ')}`);
  const symbols = Object.keys(opts.candles);
  const timeframe = opts.timeframe ?? Object.values(opts.candles).find((c) => c.length)?.[0]?.timeframe ?? '1m';
  const step = timeframeMs(timeframe);
  const warmup = Object.values(opts.warmup ?? {}).flat().filter((c) => c.openTime + step <= from);
  if (warmup.length) await deps.market.putCandles(warmup);
  const stream = createMarketStream({ source, store: deps.market, clock, timeframe, symbols, heartbeatEveryMs: 5_000, writeOnTick: true });
  await stream.start();

  const fns = await loadHandlers(deps);
  const intents = { count: 0, maxDrawdownPct: 0 };
  const scheduler = new LocalScheduler({ startAt: from + step });
  for (const job of Object.keys(SCHEDULES) as (keyof typeof SCHEDULES)[]) {
    scheduler.register({
      job, ...SCHEDULES[job], rateMinutes: Math.max(SCHEDULES[job].rateMinutes, step / 60_000),
      invoke: async (event: ScheduledInvocation, ctx: Context) => {
        const out = (await fns[job]!(event, ctx)) as { intents?: number; drawdownPct?: number };
        intents.count += out?.intents ?? 0;
        intents.maxDrawdownPct = Math.max(intents.maxDrawdownPct, out?.drawdownPct ?? 0);
        opts.hooks?.onInvoked?.(job, clock.now(), out);
        return out;
      },
    });
  }
  const sqs = sqsClient({ region: emulators.region, credentials: emulators.credentials, endpoint: emulators.sqsEndpoint });
  const queueIds = ['signals', 'orders'] as const;
  const consumers = queueIds.map((id) => new SqsEventSource({
    sqs, queueUrl: provisioned.queues[id].url, queueArn: provisioned.queues[id].arn, batchSize: QUEUES[id].batchSize,
    functionName: id === 'signals' ? 'risk' : 'execution', region: emulators.region,
    timeoutSeconds: QUEUES[id].consumerTimeoutSeconds,
    handler: (id === 'signals' ? fns.risk : fns.execution) as (e: SQSEvent, c: Context) => Promise<never>,
  }));
  const offsets = [...new Set(Object.values(SCHEDULES).map((s) => s.offsetSeconds * 1000))].sort((a, b) => a - b);
  let lastReport = from;
  let undrained = 0;
  const drainedAtSends: Record<QueueId, number> = { signals: 0, orders: 0 };
  // Start at the first candle close: before it there is no market data, on AWS or here.
  // On a longer timeframe the loop (and signal, metrics, reconcile) steps from close to close: nothing changes in between.
  for (let minute = from + step; minute <= to; minute += step) {
    clock.set(minute);
    const connected = (await opts.hooks?.beforeStep?.(minute, deps)) !== false;
    if (connected) {
      await source.pumpUntil(minute);
      await stream.tick(); // the minute's candles, books and heartbeat, as one batch
    }
    for (const offset of offsets) {
      clock.set(minute + offset);
      await scheduler.runDue(minute + offset);
      for (const [i, c] of consumers.entries()) {
        const id = queueIds[i]!;
        if (watch.sends(id) === drainedAtSends[id]) continue; // nothing sent since the queue was last seen empty
        const r = await c.drain({ maxWaitMs: 15_000 });
        if (r.drained) drainedAtSends[id] = watch.sends(id);
        else undrained++;
      }
    }
    if (minute - lastReport >= 3_600_000 || minute + step > to) {
      lastReport = minute;
      opts.onProgress?.({ now: minute, from, to, intents: intents.count, orders: consumers[1]!.stats().records });
    }
  }
  await stream.stop();
  const summary = await summarize({
    deps, sqs, provisioned, stream: stream.stats(), intents: intents.count, maxDrawdownPct: intents.maxDrawdownPct, from, to,
    schedulerErrors: scheduler.errors().length, undrained, consumers: consumers.map((c) => c.stats()),
    wallSeconds: (performance.now() - started) / 1000,
  });
  const pollers = (c: SqsEventSource) => ({ ...c.stats(), ...c.requests() });
  await opts.onFinished?.(deps, { signals: pollers(consumers[0]!), orders: pollers(consumers[1]!) });
  sqs.destroy();
  return summary;
}

/** The deployed handlers built on `deps`, each invoked with a local Lambda context (shared with the live runner). */
export async function loadHandlers(deps: Awaited<ReturnType<typeof import('../runtime/deps.js')['buildDeps']>>) {
  const [signal, risk, execution, metrics, reconcile, report] = await Promise.all([
    import('../../functions/signal/handler.js'), import('../../functions/risk/handler.js'),
    import('../../functions/execution/handler.js'), import('../../functions/metrics/handler.js'),
    import('../../functions/reconcile/handler.js'), import('../../functions/report/handler.js'),
  ]);
  const ctx = <E>(name: string, h: Handler<E>) => (e: E, c?: Context) => h(e, c ?? lambdaContext(name, { timeoutSeconds: 60 }));
  return {
    signal: ctx('signal', signal.createSignalHandler(deps) as Handler<unknown>),
    metrics: ctx('metrics', metrics.createMetricsHandler(deps) as Handler<unknown>),
    reconcile: ctx('reconcile', reconcile.createReconcileHandler(deps) as Handler<unknown>),
    report: ctx('report', report.createReportHandler(deps) as Handler<unknown>),
    risk: ctx('risk', risk.createRiskHandler(deps) as Handler<SQSEvent>),
    execution: ctx('execution', execution.createExecutionHandler(deps) as Handler<SQSEvent>),
  } as Record<string, (e: unknown, c?: Context) => Promise<unknown>>;
}
