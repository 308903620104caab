import { ReceiveMessageCommand, SQSClient, type Message } from '@aws-sdk/client-sqs';
import type { Candle } from '../../shared/domain/candle.js';
import { emulatorEnv, startEmulators, type Emulators } from '../../shared/local/emulators.js';
import { provision, type Provisioned } from '../../shared/local/provision.js';
import { VirtualClock } from '../../shared/local/virtual-clock.js';
import { HEARTBEAT_SOURCE } from '../../shared/resources.js';
import type { Deps } from '../../shared/runtime/deps.js';

/** Emulators + the stack's tables/queues + env set, and Deps on a virtual clock: what a deployed function sees. */
export interface PipelineEnv {
  readonly emulators: Emulators;
  readonly provisioned: Provisioned;
  readonly clock: VirtualClock;
  readonly deps: Deps;
  readonly sqs: SQSClient;
  /** Receives (and leaves in flight) up to 10 messages with all attributes. */
  receive(queueUrl: string): Promise<Message[]>;
  stop(): Promise<void>;
}

/** Starts a pipeline environment; the env vars are set before any handler module is imported. */
export async function startPipelineEnv(prefix: string, start: number): Promise<PipelineEnv> {
  const emulators = await startEmulators();
  const provisioned = await provision(emulators, prefix);
  Object.assign(process.env, emulatorEnv(emulators), provisioned.env, { POWERTOOLS_METRICS_DISABLED: 'true', POWERTOOLS_LOG_LEVEL: 'SILENT' });
  const { loadConfig } = await import('../../shared/runtime/config.js');
  const { buildDeps } = await import('../../shared/runtime/deps.js');
  const clock = new VirtualClock(start);
  const deps = buildDeps(loadConfig(), { clock });
  const sqs = new SQSClient({ region: emulators.region, credentials: emulators.credentials, endpoint: emulators.sqsEndpoint });
  return {
    emulators, provisioned, clock, deps, sqs,
    async receive(queueUrl) {
      const r = await sqs.send(new ReceiveMessageCommand({
        QueueUrl: queueUrl, MaxNumberOfMessages: 10, MessageSystemAttributeNames: ['All'], MessageAttributeNames: ['All'],
      }));
      return r.Messages ?? [];
    },
    async stop() { sqs.destroy(); await emulators.stop(); },
  } as PipelineEnv;
}

/** 1m candles whose log returns alternate 0.0012 / 0.0008: a steady uptrend momentum enters on. */
export function trendingCandles(symbol: string, closeOfLast: number, count: number, endClose: number): Candle[] {
  const out: Candle[] = [];
  let price = 100;
  for (let i = 0; i < count; i++) {
    const open = price;
    price = price * Math.exp(i % 2 ? 0.0008 : 0.0012);
    const openTime = closeOfLast - (count - i) * 60_000;
    out.push({ symbol, timeframe: '1m', openTime, open, high: Math.max(open, price), low: Math.min(open, price), close: Number(price.toFixed(4)), volume: 10 });
  }
  const scale = endClose / out[out.length - 1]!.close;
  return out.map((c) => ({ ...c, open: +(c.open * scale).toFixed(2), high: +(c.high * scale).toFixed(2), low: +(c.low * scale).toFixed(2), close: +(c.close * scale).toFixed(2) }));
}

/** Seeds candles, a book at `price` and a fresh heartbeat, as the market stream would. */
export async function seedMarket(env: PipelineEnv, candles: Candle[], price: string): Promise<void> {
  const now = env.clock.now();
  await env.deps.market.putCandles(candles);
  const symbol = candles[0]!.symbol;
  await env.deps.market.putTopOfBook({ symbol, bid: price, ask: price, time: now });
  await env.deps.market.putHeartbeat({ source: HEARTBEAT_SOURCE, time: now, lastCandle: { [symbol]: candles.at(-1)!.openTime }, messages: candles.length, lagMs: 0 });
}
