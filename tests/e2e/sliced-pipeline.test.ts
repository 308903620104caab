import { describe, expect, it } from 'vitest';
import type { OrderRecord } from '../../shared/domain/order.js';
import { isSlicedParent, sliceOrderId } from '../../shared/domain/slicing.js';
import { readCandleDir, replayDataDir } from '../../shared/local/candle-files.js';
import { runEmbedded } from '../../shared/local/embedded.js';

const SYMBOLS = ['BTC/USDT', 'ETH/USDT'];
const FROM = Date.UTC(2021, 4, 19, 14, 0);
const TO = Date.UTC(2021, 4, 19, 15, 30);

describe('the embedded pipeline with execution.slicing on the shipped data', () => {
  it('sends every approved order above the threshold as its children through orders.fifo and execution (all due at once, Almgren–Chriss fills), and settles the parents', async () => {
    const candles = await readCandleDir(replayDataDir(), SYMBOLS, '1m', { from: FROM, to: TO });
    let orders: OrderRecord[] = [];
    let reservations: string[] = [];
    const summary = await runEmbedded({
      candles,
      policy: {
        symbols: SYMBOLS, risk: { stakePct: 10, maxPositionPct: 12 },
        exits: { stopLossPct: -1, takeProfitPct: 1, timeStopMinutes: 30 },
        execution: { impactModel: 'almgren-chriss', slicing: { enabled: true, thresholdPctOfRecentVolume: 0.001, slices: 3, intervalSeconds: 0 } },
      },
      onFinished: async (deps) => {
        orders = await deps.state.listOrders();
        reservations = Object.keys((await deps.state.getLedger())!.value.reservations);
      },
    });
    expect(summary.runtime).toEqual({ scheduledErrors: 0, handlerErrors: 0, undrainedPolls: 0 });
    expect(summary.deadLetters).toEqual({ signals: 0, orders: 0 });
    const parents = orders.filter(isSlicedParent);
    expect(parents.length).toBeGreaterThan(1);
    for (const p of parents) {
      const children = p.slices!.map((_, i) => orders.find((o) => o.orderId === sliceOrderId(p.orderId, i)));
      expect(children.every((c) => c?.status === 'FILLED'), `${p.clientOrderId}: ${children.map((c) => c?.status).join(',')}`).toBe(true);
      expect(p).toMatchObject({ status: 'FILLED', filledQuantity: p.quantity });
      expect(reservations).not.toContain(p.orderId);
    }
  }, 120_000);

  it('sends later children on the manage loop passes once they are due, each parent holding its reservation exactly while not final', async () => {
    const candles = await readCandleDir(replayDataDir(), SYMBOLS, '1m', { from: FROM, to: TO });
    let orders: OrderRecord[] = [];
    let reservations: string[] = [];
    const summary = await runEmbedded({
      candles,
      policy: {
        symbols: SYMBOLS, risk: { stakePct: 10, maxPositionPct: 12 }, exits: { stopLossPct: -1, takeProfitPct: 1, timeStopMinutes: 30 },
        execution: { slicing: { enabled: true, thresholdPctOfRecentVolume: 0.001, slices: 2, intervalSeconds: 60 } },
      },
      onFinished: async (deps) => {
        orders = await deps.state.listOrders();
        reservations = Object.keys((await deps.state.getLedger())!.value.reservations);
      },
    });
    expect(summary.runtime).toEqual({ scheduledErrors: 0, handlerErrors: 0, undrainedPolls: 0 });
    expect(summary.deadLetters).toEqual({ signals: 0, orders: 0 });
    const parents = orders.filter(isSlicedParent);
    expect(parents.length).toBeGreaterThan(1);
    const later = parents.map((p) => orders.find((o) => o.orderId === sliceOrderId(p.orderId, 1))).filter((c) => c !== undefined);
    expect(later.length).toBeGreaterThan(0);
    for (const c of later) expect(c.createdAt - parents.find((p) => p.orderId === c.parentOrderId)!.createdAt).toBeGreaterThanOrEqual(60_000);
    for (const p of parents) expect(reservations.includes(p.orderId), `${p.clientOrderId} ${p.status}`).toBe(!['FILLED', 'CANCELED', 'EXPIRED', 'REJECTED'].includes(p.status));
  }, 120_000);
});
