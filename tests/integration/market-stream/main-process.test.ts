/**
 * functions/market-stream/main.ts as the container runs it: a child process (node_modules/.bin/node + tsx)
 * against dynalite and the fake Binance (websocket + REST). It backfills at start, follows a policy change that
 * adds one symbol and removes another, answers the health check, prints EMF metrics, and on SIGTERM mid-stream
 * flushes what it holds (candles, the coalesced book, a last heartbeat) and exits 0.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { dynamoDocumentClient } from '../../../shared/adapters/aws-clients.js';
import { DynamoMarketStore } from '../../../shared/adapters/dynamo-market-store.js';
import { DynamoPolicyStore } from '../../../shared/adapters/dynamo-policy-store.js';
import { emulatorEnv, startEmulators, type Emulators } from '../../../shared/local/emulators.js';
import { provision } from '../../../shared/local/provision.js';
import { ENV, HEARTBEAT_SOURCE } from '../../../shared/resources.js';
import { STREAM_METRIC } from '../../../shared/services/stream-metrics.js';
import { FakeBinanceWs, type FakeKline } from '../../support/fake-binance-ws.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const M = 60_000;
const BTC = 'BTC/USDT';
const ETH = 'ETH/USDT';
/** The child runs on the wall clock: the exchange's history ends at the last closed minute. */
const NOW_MINUTE = Math.floor(Date.now() / M) * M;
const FAR = NOW_MINUTE + 100 * M;

const until = <T>(check: () => T | Promise<T>) => vi.waitFor(check, { timeout: 20_000, interval: 50 });

/** Candle i minutes after NOW_MINUTE - 30 m (i < 30 had closed when the test started). */
function k(symbol: string, i: number, extra: Partial<FakeKline> = {}): FakeKline {
  const base = symbol === BTC ? 46_000 : 3_500;
  const open = base + (i % 5);
  const close = base + ((i + 1) % 5);
  return { openTime: NOW_MINUTE - 30 * M + i * M, open, close, high: Math.max(open, close) + 1, low: Math.min(open, close) - 1, volume: 1 + i, closed: true, ...extra };
}
const minute = (openTime: number) => (openTime - (NOW_MINUTE - 30 * M)) / M;

let emulators: Emulators;
let fake: FakeBinanceWs;
let child: ChildProcess;
let store: DynamoMarketStore;
let policies: DynamoPolicyStore;
const lines: Record<string, unknown>[] = [];
let exit: Promise<number | null>;
let stderr = '';

beforeAll(async () => {
  emulators = await startEmulators();
  const tables = (await provision(emulators, 'mainproc')).tables;
  const client = dynamoDocumentClient({ endpoint: emulators.dynamoEndpoint, region: emulators.region, credentials: emulators.credentials });
  store = new DynamoMarketStore({ tableName: tables.market, client });
  policies = new DynamoPolicyStore({ tableName: tables.policy, client });
  await policies.write({ symbols: [BTC] }, { by: 'test', at: Date.now() });
  fake = await FakeBinanceWs.start([BTC, ETH]);
  for (const s of [BTC, ETH]) fake.addHistory(s, Array.from({ length: 30 }, (_, i) => k(s, i)));
  child = spawn(path.join(ROOT, 'node_modules/.bin/node'), ['--import', 'tsx', 'functions/market-stream/main.ts'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH, ...emulatorEnv(emulators),
      [ENV.marketTable]: tables.market, [ENV.policyTable]: tables.policy, [ENV.exchangeId]: 'binance',
      EXCHANGE_WS_URL: fake.wsUrl, EXCHANGE_REST_ORIGIN: `http://127.0.0.1:${fake.port}`, HEALTH_PORT: '0',
      // Heartbeats (and the timer that writes coalesced books) only every minute: what SIGTERM finds pending is flushed by stop().
      HEARTBEAT_SECONDS: '60', METRICS_SECONDS: '0.5', POLICY_REFRESH_SECONDS: '0.3',
      POWERTOOLS_SERVICE_NAME: 'market-stream', POWERTOOLS_METRICS_NAMESPACE: 'Stratus', POWERTOOLS_LOG_LEVEL: 'INFO',
    },
  });
  let buffer = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    const parts = buffer.split('\n');
    buffer = parts.pop()!;
    for (const line of parts) { try { lines.push(JSON.parse(line) as Record<string, unknown>); } catch { /* not JSON */ } }
  });
  child.stderr!.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
  exit = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}, 30_000);

afterAll(async () => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  await fake?.close();
  await emulators?.stop();
});

const logged = (message: string) => lines.find((l) => l['message'] === message);
const stored = async (symbol: string) => (await store.getRecentClosedCandles(symbol, '1m', FAR, 1_000)).map((c) => minute(c.openTime));
const health = async () => {
  const port = logged('market stream started')!['healthPort'] as number;
  const res = await fetch(`http://127.0.0.1:${port}/health`);
  return { status: res.status, body: (await res.json()) as { messages: number; booksWritten: number; booksPending: number } };
};

describe('market-stream main.ts in a child process', () => {
  it('starts, backfills the last closed candles by REST and reports unhealthy until messages flow', async () => {
    await until(() => expect(logged('market stream started')).toBeDefined());
    expect(await stored(BTC)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    expect((await health()).status).toBe(503);
    await fake.waitForSubscription('btcusdt@kline_1m');
    await until(async () => {
      fake.pushKline(BTC, k(BTC, 30, { closed: false }));
      fake.pushBookTicker(BTC, '46000.01', '46000.02');
      expect((await health()).status).toBe(200);
    });
  });

  it('follows a policy change that adds ETH and removes BTC, without a restart', async () => {
    await policies.write({ symbols: [ETH] }, { by: 'test', at: Date.now() });
    await until(() => expect([...fake.subscriptions()].sort()).toEqual(['ethusdt@bookTicker', 'ethusdt@kline_1m']));
    expect(await stored(ETH)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    expect(logged('symbols changed')).toMatchObject({ from: [BTC], to: [ETH] });
    fake.pushKline(ETH, k(ETH, 30));
    await until(async () => { fake.pushKline(ETH, k(ETH, 31, { closed: false })); expect(await stored(ETH)).toContain(30); });
    fake.pushKline(ETH, k(ETH, 31));
  });

  it('on SIGTERM mid-stream flushes the coalesced book and a last heartbeat, prints its metrics and exits 0', async () => {
    await until(async () => { fake.pushKline(ETH, k(ETH, 32, { closed: false })); expect(await stored(ETH)).toContain(31); });
    let bid = 3_501;
    await until(async () => {
      bid += 0.01;
      fake.pushBookTicker(ETH, bid.toFixed(2), (bid + 0.01).toFixed(2)); // books within bookEveryMs of the last write wait
      expect((await health()).body.booksPending).toBe(1);
    });
    const heartbeatBefore = await store.getHeartbeat(HEARTBEAT_SOURCE);
    child.kill('SIGTERM');
    expect(await exit, stderr).toBe(0);
    expect(await stored(ETH)).toEqual(Array.from({ length: 32 }, (_, i) => i));
    expect(await store.getTopOfBook(ETH)).toMatchObject({ bid: String(Number(bid.toFixed(2))), ask: String(Number((bid + 0.01).toFixed(2))) });
    const stopped = logged('market stream stopped') as { messages: number; booksPending: number };
    expect(stopped).toMatchObject({ booksPending: 0 });
    const last = await store.getHeartbeat(HEARTBEAT_SOURCE);
    expect(last!.time).toBeGreaterThan(heartbeatBefore!.time);
    expect(last).toMatchObject({ messages: stopped.messages, lastCandle: { [ETH]: k(ETH, 31).openTime } });
    const emf = lines.filter((l) => '_aws' in l);
    expect(emf.length).toBeGreaterThan(0);
    expect(emf.at(-1)).toMatchObject({ service: 'market-stream', [STREAM_METRIC.heartbeats]: 1, [STREAM_METRIC.candlesWritten]: expect.any(Number) });
    expect((emf.at(-1)!['_aws'] as { CloudWatchMetrics: { Namespace: string }[] }).CloudWatchMetrics[0]!.Namespace).toBe('Stratus');
  });
});
