/**
 * functions/market-stream/main.ts as the container runs it (child process, dynalite, fake Binance), given the state
 * table: it follows a symbol the policy no longer lists while the ledger holds a position in it, and lets it go once
 * the position is closed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { dynamoDocumentClient } from '../../../shared/adapters/aws-clients.js';
import { DynamoMarketStore } from '../../../shared/adapters/dynamo-market-store.js';
import { DynamoPolicyStore } from '../../../shared/adapters/dynamo-policy-store.js';
import { DynamoStateStore } from '../../../shared/adapters/dynamo-state-store.js';
import { newLedger } from '../../../shared/domain/ledger.js';
import { dec } from '../../../shared/domain/money.js';
import { emulatorEnv, startEmulators, type Emulators } from '../../../shared/local/emulators.js';
import { provision } from '../../../shared/local/provision.js';
import { ENV } from '../../../shared/resources.js';
import { FakeBinanceWs, type FakeKline } from '../../support/fake-binance-ws.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const M = 60_000;
const BTC = 'BTC/USDT';
const ETH = 'ETH/USDT';
const NOW_MINUTE = Math.floor(Date.now() / M) * M;
const until = <T>(check: () => T | Promise<T>) => vi.waitFor(check, { timeout: 20_000, interval: 50 });

function k(symbol: string, i: number): FakeKline {
  const base = symbol === BTC ? 46_000 : 3_500;
  return { openTime: NOW_MINUTE - 10 * M + i * M, open: base, close: base + 1, high: base + 2, low: base - 1, volume: 1, closed: true };
}

let emulators: Emulators;
let fake: FakeBinanceWs;
let child: ChildProcess;
let market: DynamoMarketStore;
let state: DynamoStateStore;
const lines: Record<string, unknown>[] = [];
let stderr = '';

beforeAll(async () => {
  emulators = await startEmulators();
  const tables = (await provision(emulators, 'heldproc')).tables;
  const client = dynamoDocumentClient({ endpoint: emulators.dynamoEndpoint, region: emulators.region, credentials: emulators.credentials });
  market = new DynamoMarketStore({ tableName: tables.market, client });
  state = new DynamoStateStore({ tableName: tables.state, client });
  await new DynamoPolicyStore({ tableName: tables.policy, client }).write({ symbols: [BTC] }, { by: 'test', at: Date.now() });
  const ledger = newLedger('10000', 0);
  await state.putLedger({ ...ledger, positions: { [ETH]: { symbol: ETH, quantity: dec('0.1'), costBasis: dec('350'), openedAt: 0 } } }, 0);
  fake = await FakeBinanceWs.start([BTC, ETH]);
  for (const s of [BTC, ETH]) fake.addHistory(s, Array.from({ length: 10 }, (_, i) => k(s, i)));
  child = spawn(path.join(ROOT, 'node_modules/.bin/node'), ['--import', 'tsx', 'functions/market-stream/main.ts'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH, ...emulatorEnv(emulators),
      [ENV.marketTable]: tables.market, [ENV.policyTable]: tables.policy, [ENV.stateTable]: tables.state, [ENV.exchangeId]: 'binance',
      EXCHANGE_WS_URL: fake.wsUrl, EXCHANGE_REST_ORIGIN: `http://127.0.0.1:${fake.port}`, HEALTH_PORT: '0',
      HEARTBEAT_SECONDS: '60', METRICS_SECONDS: '60', POLICY_REFRESH_SECONDS: '0.3',
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
}, 30_000);

afterAll(async () => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  await fake?.close();
  await emulators?.stop();
});

const logged = (message: string) => lines.find((l) => l['message'] === message);

describe('market-stream main.ts with the state table', () => {
  it('follows a held symbol the policy does not list, backfilling it, and lets it go once the position is closed', async () => {
    await until(() => expect(logged('market stream started'), stderr).toBeDefined());
    expect(logged('market stream started')).toMatchObject({ symbols: [BTC, ETH], heldOnly: [ETH] });
    await until(() => expect([...fake.subscriptions()]).toContain('ethusdt@kline_1m'));
    const eth = await market.getRecentClosedCandles(ETH, '1m', NOW_MINUTE + M, 100);
    expect(eth.map((c) => c.openTime)).toEqual(Array.from({ length: 10 }, (_, i) => k(ETH, i).openTime));

    const stored = (await state.getLedger())!;
    await state.putLedger({ ...stored.value, positions: {} }, stored.version);
    await until(() => expect(logged('symbols changed')).toMatchObject({ from: [BTC, ETH], to: [BTC], heldOnly: [] }));
    await until(() => expect([...fake.subscriptions()].sort()).toEqual(['btcusdt@bookTicker', 'btcusdt@kline_1m']));
  }, 40_000);
});
