import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { dynamoDocumentClient } from '../../shared/adapters/aws-clients.js';
import { DynamoStateStore } from '../../shared/adapters/dynamo-state-store.js';
import { DynamoMarketStore } from '../../shared/adapters/dynamo-market-store.js';
import type { CliContext } from '../../shared/cli/cli-context.js';
import { runCli } from '../../shared/cli/run-cli.js';
import type { TradesView } from '../../shared/cli/trades-command.js';
import { startLiveCommand } from '../../shared/local/live-start.js';
import { findRunning, openLocalState } from '../../shared/local/live-state.js';
import { clientOrderIdFor, orderIdFor, type OrderRecord, type OrderRequest } from '../../shared/domain/order.js';
import { recordApprovedDecision } from '../support/approved-decision.js';
import { runLive, type LiveEvent, type LiveSummary } from '../../shared/local/live-runner.js';
import { FakeBinanceWs, type FakeKline } from '../support/fake-binance-ws.js';

const M = 60_000;
const T0 = Date.UTC(2026, 0, 5, 10, 0);
const SYMBOL = 'BTC/USDT';
const POLICY = { symbols: [SYMBOL], strategies: [{ name: 'sma-cross', enabled: true, params: { fast: 2, slow: 4 } }] };

/** The wall clock of the live process, moved by the test: the scheduler fires on it exactly as on Date.now. */
const clock = { t: T0, now() { return this.t; } };
const until = <T>(check: () => T | Promise<T>) => vi.waitFor(check, { timeout: 8_000, interval: 20 });
/** The request part of a stored order. */
const orderRequestOf = ({ status: _s, filledQuantity: _f, averagePrice: _a, fees: _fe, exchangeOrderId: _e, rejectReason: _r, updatedAt: _u, ...rest }: OrderRecord): OrderRequest => rest;
const kline = (openTime: number, close: number, closed = true): FakeKline =>
  ({ openTime, open: close, high: close + 5, low: close - 5, close, volume: 10, closed });

describe('stratus start --live: paper trading on a fake Binance (REST + websocket), state kept on disk', () => {
  let fake: FakeBinanceWs;
  let dir: string;

  beforeAll(async () => {
    fake = await FakeBinanceWs.start([SYMBOL]);
    fake.addHistory(SYMBOL, Array.from({ length: 30 }, (_, i) => kline(T0 - (30 - i) * M, 50_000)));
    dir = await mkdtemp(join(tmpdir(), 'stratus-live-'));
  });
  afterAll(async () => {
    await fake?.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** The session's options for the fake: its endpoints, the test's clock, a fast poll. */
  const liveOptions = (abort: AbortController, events: LiveEvent[]) => ({
    signal: abort.signal, clock, pollMs: 20, endpoints: { wsUrl: fake.wsUrl, restOrigin: `http://127.0.0.1:${fake.port}` },
    source: { backoff: { initialMs: 5, maxMs: 20 } }, onEvent: (e: LiveEvent) => events.push(e),
  });

  /** Once the session runs: its stores (through the endpoints it recorded in the state dir) and what stops it. */
  async function attach<T>(events: LiveEvent[], abort: AbortController, done: Promise<T>) {
    done.catch(() => undefined);
    await until(() => expect(events.some((e) => e.type === 'started')).toBe(true));
    await fake.waitForSubscription('btcusdt@kline_1m');
    const running = (await findRunning(dir))!;
    const client = dynamoDocumentClient({ endpoint: running.env.AWS_ENDPOINT_URL_DYNAMODB!, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    const market = new DynamoMarketStore({ tableName: running.env.MARKET_TABLE!, client });
    const state = new DynamoStateStore({ tableName: running.env.STATE_TABLE!, client });
    return { events, market, state, stop: async (): Promise<T> => { abort.abort(); return done; } };
  }

  /** Starts a session with runLive; resolves once it is running. */
  async function start(policy?: Record<string, unknown>) {
    const events: LiveEvent[] = [];
    const abort = new AbortController();
    const done = runLive({ stateDir: dir, exchange: 'binance', ...(policy ? { policy } : {}), ...liveOptions(abort, events) });
    return attach<LiveSummary>(events, abort, done);
  }

  /** Runs `fn` on the state store of the stopped state dir (its own emulators on the folder). */
  async function withStoppedState<T>(fn: (state: DynamoStateStore) => Promise<T>): Promise<T> {
    const opened = await openLocalState(dir);
    try {
      const client = dynamoDocumentClient({ endpoint: opened.env.AWS_ENDPOINT_URL_DYNAMODB!, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
      return await fn(new DynamoStateStore({ tableName: opened.env.STATE_TABLE!, client }));
    } finally {
      await opened.close();
    }
  }

  /** An operator command's context: output captured, the test's clock. */
  const operator = () => {
    const io = { out: '', err: '' };
    const ctx = {
      out: (t: string) => { io.out += t; }, err: (t: string) => { io.err += t; }, clock, readText: async () => '',
      policies: () => { throw new Error('unused'); }, state: () => { throw new Error('unused'); },
    } as CliContext;
    return { io, ctx };
  };

  /** Minute k closes at `close`: the closing update, the next candle's first update, a book; then the signal at :05. */
  async function minute(s: Awaited<ReturnType<typeof attach>>, k: number, close: number) {
    clock.t = T0 + (k + 1) * M + 1_000;
    fake.pushKline(SYMBOL, kline(T0 + k * M, close));
    fake.pushKline(SYMBOL, kline(T0 + (k + 1) * M, close, false));
    fake.pushBookTicker(SYMBOL, String(close - 0.01), String(close + 0.01));
    await until(async () => expect((await s.market.getRecentClosedCandles(SYMBOL, '1m', clock.t, 1))[0]?.openTime).toBe(T0 + k * M));
    const cycles = s.events.filter((e) => e.type === 'cycle').length;
    clock.t = T0 + (k + 1) * M + 6_000;
    await until(() => expect(s.events.filter((e) => e.type === 'cycle').length).toBeGreaterThan(cycles));
  }

  it('trades from the live stream, stops gracefully; a restart resumes the position and ledger and delivers once the order a dead session never executed', async () => {
    clock.t = T0 + 3_000;
    const first = await start(POLICY);
    await minute(first, 0, 50_100); // fast SMA crosses above slow: buy
    await until(async () => expect((await first.state.listFills()).length).toBe(1));
    const summary1 = await first.stop();
    expect(summary1).toMatchObject({ resumed: false, fills: 1, openPositions: [SYMBOL], deadLetters: { signals: 0, orders: 0 } });
    expect(summary1.runtime).toEqual({ scheduledErrors: 0, handlerErrors: 0, undrainedPolls: 0 });
    expect(await findRunning(dir)).toBeUndefined();

    // A session that died between a decision and its execution: the decision is on disk, its order message was in memory.
    const lost = await withStoppedState(async (state) => {
      const [buy] = await state.listOrders();
      const intentId = createHash('sha256').update('lost with the queue').digest('hex');
      const orderId = orderIdFor(intentId);
      const request = { ...orderRequestOf(buy!), intentId, orderId, clientOrderId: clientOrderIdFor(orderId), quantity: '0.001', reservedNotional: '50.1', createdAt: T0 + M + 20_000 };
      await recordApprovedDecision(state, request, T0 + M + 20_000);
      return request;
    });

    clock.t = T0 + M + 30_000;
    const second = await start();
    expect(second.events[0]).toMatchObject({ type: 'started', resumed: true, redelivered: 1 });
    await until(async () => expect((await second.state.getOrder(lost.orderId))?.value.status).toBe('FILLED'));
    const resumed = (await second.state.getLedger())!.value;
    expect(Object.keys(resumed.positions)).toEqual([SYMBOL]);
    expect(resumed.fillCount).toBe(2);
    await minute(second, 1, 50_200); // holding, no cross: nothing
    await minute(second, 2, 49_700); // fast crosses below: sell
    await until(async () => expect((await second.state.listFills()).length).toBe(3));
    const orders = await second.state.listOrders();
    const summary2 = await second.stop();
    expect(summary2).toMatchObject({ resumed: true, fills: 3, openPositions: [], orders: { total: 3 } });
    expect(new Set(orders.map((o) => o.clientOrderId)).size).toBe(orders.length);
    expect(fake.restRequests.filter((r) => !r.startsWith('GET /api/v3/exchangeInfo') && !r.startsWith('GET /api/v3/klines'))).toEqual([]);
  }, 30_000);

  it('operator commands work on the state dir: trades from disk, a kill against the running session stops its entries, the switch survives', async () => {
    const offline = operator();
    expect(await runCli(['trades', '--local', dir, '--json'], offline.ctx)).toBe(0);
    const view = JSON.parse(offline.io.out) as TradesView;
    expect(view.closed).toEqual([expect.objectContaining({ symbol: SYMBOL, strategy: 'sma-cross', pnl: '-3.74646809', quantity: '0.00499' })]);
    expect(view.open).toEqual([]);
    expect(offline.io.err).toContain(`no live process runs on ${dir}`);

    clock.t = T0 + 3 * M + 20_000;
    const cli = operator();
    const events: LiveEvent[] = [];
    const abort = new AbortController();
    const third = await attach(events, abort, startLiveCommand(cli.ctx, { live: true, 'state-dir': dir }, liveOptions(abort, events)));
    expect(cli.io.err).toContain(`state dir   ${dir} (resumed`);
    // the sell decided 15 s before this start has its order: nothing is delivered again
    expect(events[0]).toMatchObject({ type: 'started', redelivered: 0 });

    const kill = operator();
    expect(await runCli(['kill', '--local', dir, '--reason', 'operator halt', '--by', 'tester'], kill.ctx)).toBe(0);
    expect(kill.io.err).toBe('');
    clock.t -= 2_000; // the wall clock steps back (NTP): the session's scheduler holds its time and goes on
    await new Promise((r) => setTimeout(r, 100));
    await minute(third, 3, 50_500);
    await minute(third, 4, 51_000); // fast crosses above slow again: an entry, refused while TRIPPED
    const decisions = operator();
    expect(await runCli(['decisions', '--local', dir, '--since', new Date(T0 + 4 * M).toISOString()], decisions.ctx)).toBe(0);
    expect(decisions.io.out).toMatch(/BTC\/USDT\s+buy\s+entry\s+rejected.*KILL_SWITCH_NOT_ARMED/);
    expect(await third.state.listFills()).toHaveLength(3);
    expect(await third.stop()).toBe(0);
    expect(cli.io.out).toContain('kill switch       TRIPPED (operator halt)');
    expect(events.filter((e) => e.type === 'error')).toEqual([]);

    const after = operator();
    expect(await runCli(['status', '--local', dir], after.ctx)).toBe(2);
    expect(after.io.out).toMatch(/kill switch\s+CRITICAL\s+TRIPPED \(operator halt, by tester\)/);
    expect(after.io.out).toMatch(/dlq stratus-\S+\s+OK\s+0 message/);
    expect(after.io.out).not.toContain('cannot be read');

    const locks = operator();
    expect(await runCli(['locks', '--local', dir], locks.ctx)).toBe(0);
    expect(locks.io.out).toMatch(/^(no active protection locks|SCOPE)/);
    const reset = operator();
    expect(await runCli(['reset', '--local', dir, '--by', 'tester', '--reason', 'checked'], reset.ctx)).toBe(0);
    expect(reset.io.out).toMatch(/^kill switch (COOLDOWN until|ARMED)/);
    const later = operator();
    await runCli(['status', '--local', dir, '--json'], later.ctx);
    expect(JSON.parse(later.io.out).checks[0]).toMatchObject({ name: 'kill switch', detail: expect.not.stringContaining('TRIPPED') });
  }, 30_000);
});
