/** functions/market-stream/main.ts as the container runs it (child process on dynalite and the fake Binance): its EMF names and units. */
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { emulatorEnv, startEmulators, type Emulators } from '../../../shared/local/emulators.js';
import { provision } from '../../../shared/local/provision.js';
import { metricsOf } from '../../../shared/metrics-catalog.js';
import { ENV } from '../../../shared/resources.js';
import { STREAM_SERVICE_NAME } from '../../../shared/services/stream-metrics.js';
import { FakeBinanceWs } from '../../support/fake-binance-ws.js';
import { expectCatalogMetrics, parseEmf } from './emf.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
let emulators: Emulators;
let fake: FakeBinanceWs;
let child: ChildProcess;
let stdout = '';

beforeAll(async () => {
  emulators = await startEmulators();
  const tables = (await provision(emulators, 'streamemf')).tables;
  fake = await FakeBinanceWs.start(['BTC/USDT']);
  child = spawn(path.join(ROOT, 'node_modules/.bin/node'), ['--import', 'tsx', 'functions/market-stream/main.ts'], {
    cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH, ...emulatorEnv(emulators), [ENV.marketTable]: tables.market, [ENV.exchangeId]: 'binance', SYMBOLS: 'BTC/USDT',
      EXCHANGE_WS_URL: fake.wsUrl, EXCHANGE_REST_ORIGIN: `http://127.0.0.1:${fake.port}`, HEALTH_PORT: '0',
      HEARTBEAT_SECONDS: '0.2', METRICS_SECONDS: '0.3',
      POWERTOOLS_SERVICE_NAME: STREAM_SERVICE_NAME, POWERTOOLS_METRICS_NAMESPACE: 'Stratus', POWERTOOLS_LOG_LEVEL: 'WARN',
    },
  });
  child.stdout!.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
}, 30_000);

afterAll(async () => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  await fake?.close();
  await emulators?.stop();
});

describe('market stream metrics (EMF on the container\'s stdout)', () => {
  it('emits every catalog metric of the market stream, each with its unit and only the service dimension', async () => {
    await vi.waitFor(() => expect(parseEmf(stdout).length).toBeGreaterThan(0), { timeout: 20_000, interval: 100 });
    const report = parseEmf(stdout.split('\n').find((l) => l.includes('"_aws"'))!);
    expectCatalogMetrics(report, STREAM_SERVICE_NAME, metricsOf(STREAM_SERVICE_NAME));
    expect(report.map((m) => m.name).sort()).toEqual(metricsOf(STREAM_SERVICE_NAME).map((d) => d.name).sort());
    expect(report.every((m) => m.dimensions.join() === 'service')).toBe(true);
  });
});
