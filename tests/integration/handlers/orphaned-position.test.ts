import type { Context, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RISK_EXIT_STRATEGY } from '../../../shared/domain/exits.js';
import { lambdaContext } from '../../../shared/local/lambda-context.js';
import { SqsEventSource } from '../../../shared/local/sqs-event-source.js';
import { schedulerTime } from '../../../shared/local/local-scheduler.js';
import { HEARTBEAT_SOURCE, QUEUES, type ScheduledInvocation } from '../../../shared/resources.js';
import { seedMarket, startPipelineEnv, trendingCandles, type PipelineEnv } from '../../support/pipeline-env.js';

const T = Date.UTC(2021, 4, 19, 12, 0, 0);
const BTC = 'BTC/USDT';
const ETH = 'ETH/USDT';
const SOL = 'SOL/USDT';
type Scheduled = (e: ScheduledInvocation, c: Context) => Promise<Record<string, unknown>>;
type Batch = (e: SQSEvent, c: Context) => Promise<unknown>;

let env: PipelineEnv | undefined;

/** The deployed handlers on one pipeline environment, and one full cycle: signal, then risk and execution drained. */
async function pipeline(e: PipelineEnv) {
  const [s, r, x, m] = await Promise.all([
    import('../../../functions/signal/handler.js'), import('../../../functions/risk/handler.js'),
    import('../../../functions/execution/handler.js'), import('../../../functions/metrics/handler.js'),
  ]);
  const consumer = (id: 'signals' | 'orders', handler: Batch) => new SqsEventSource({
    sqs: e.sqs, queueUrl: e.provisioned.queues[id].url, queueArn: e.provisioned.queues[id].arn, batchSize: QUEUES[id].batchSize,
    region: e.emulators.region, functionName: id === 'signals' ? 'risk' : 'execution', handler: handler as never,
  });
  const signal = s.createSignalHandler(e.deps) as unknown as Scheduled;
  const metrics = m.createMetricsHandler(e.deps) as unknown as Scheduled;
  const risk = consumer('signals', r.createRiskHandler(e.deps) as unknown as Batch);
  const execution = consumer('orders', x.createExecutionHandler(e.deps) as unknown as Batch);
  const at = (minute: number, job: 'signal' | 'metrics'): ScheduledInvocation => ({ source: 'stratus.scheduler', job, scheduledTime: schedulerTime(minute) });
  return {
    metrics: (minute: number) => metrics(at(minute, 'metrics'), lambdaContext('metrics')),
    async cycle(minute: number) {
      const out = await signal(at(minute, 'signal'), lambdaContext('signal'));
      expect((await risk.drain({ maxWaitMs: 10_000 })).drained).toBe(true);
      expect((await execution.drain({ maxWaitMs: 10_000 })).drained).toBe(true);
      return out;
    },
  };
}

/** The market stream's writes for newly closed candles (open time `openTime`) at these closes, with fresh books and a heartbeat. */
async function closeCandles(e: PipelineEnv, openTime: number, closes: Record<string, number>): Promise<void> {
  const now = e.clock.now();
  for (const [symbol, close] of Object.entries(closes)) {
    await e.deps.market.putCandles([{ symbol, timeframe: '1m', openTime, open: close, high: close, low: close, close, volume: 10 }]);
    await e.deps.market.putTopOfBook({ symbol, bid: String(close), ask: String(close), time: now });
  }
  const lastCandle = Object.fromEntries(Object.keys(closes).map((s) => [s, openTime]));
  await e.deps.market.putHeartbeat({ source: HEARTBEAT_SOURCE, time: now, lastCandle, messages: 50, lagMs: 0 });
}

beforeAll(async () => {
  env = await startPipelineEnv(`o${process.pid}`, T + 5_000);
}, 60_000);
afterAll(async () => env?.stop());

describe('positions whose symbol or strategy the policy drops keep their exits (deployed handlers on dynalite + fauxqs)', () => {
  it('policy rewritten without BTC and without the strategy that opened BTC and ETH; prices fall through the stop: both stop-loss exits are placed and filled', async () => {
    const e = env!;
    const pacing = { minSecondsBetweenTrades: 0 };
    await e.deps.policies.write({ symbols: [BTC, ETH], strategies: [{ name: 'momentum', params: {} }], pacing }, { by: 'test', at: T });
    await seedMarket(e, trendingCandles(BTC, T, 40, 40_000), '40000');
    await seedMarket(e, trendingCandles(ETH, T, 40, 3_000), '3000');
    const p = await pipeline(e);
    expect(await p.cycle(T)).toMatchObject({ intents: 2 });
    const opened = (await e.deps.state.getLedger())!.value.positions;
    expect([opened[BTC]?.strategy, opened[ETH]?.strategy]).toEqual(['momentum', 'momentum']);

    // BTC leaves the policy; ETH stays but momentum is gone; the stop tightens to −5 %.
    await e.deps.policies.write({ symbols: [ETH, SOL], strategies: [{ name: 'sma-cross', symbols: [SOL], params: {} }], exits: { stopLossPct: -5 }, pacing },
      { by: 'operator', at: e.clock.now() });
    e.clock.set(T + 60_000 + 5_000);
    await closeCandles(e, T, { [BTC]: 37_000, [ETH]: 2_780 }); // about −7.8 % and −7.4 % from the fills
    const marked = await p.metrics(T + 60_000); // BTC is still marked (at the 37 000 book), though no longer listed
    expect(marked).toMatchObject({ openPositions: 2 });
    expect(Number(marked['unrealizedPnl'])).toBeLessThan(0);
    expect(await p.cycle(T + 60_000)).toMatchObject({ intents: 2 });

    const exits = (await e.deps.state.listDecisions()).filter((d) => d.kind === 'exit');
    expect(exits.map((d) => [d.symbol, d.side, d.strategy, d.approved]).sort()).toEqual([
      [BTC, 'sell', RISK_EXIT_STRATEGY, true], [ETH, 'sell', RISK_EXIT_STRATEGY, true],
    ]);
    const sells = (await e.deps.state.listOrders()).filter((o) => o.side === 'sell');
    expect(sells.map((o) => [o.symbol, o.status, o.exitReason]).sort()).toEqual([[BTC, 'FILLED', 'stop-loss'], [ETH, 'FILLED', 'stop-loss']]);
    expect((await e.deps.state.listFills()).filter((f) => f.side === 'sell')).toHaveLength(2);
    const ledger = (await e.deps.state.getLedger())!.value;
    expect(ledger.positions).toEqual({});
    expect((ledger.trades ?? []).map((t) => [t.symbol, t.strategy, t.exitReason]).sort()).toEqual([[BTC, 'momentum', 'stop-loss'], [ETH, 'momentum', 'stop-loss']]);
  }, 60_000);
});
