import { describe, expect, it } from 'vitest';
import { dec, sum } from '../../shared/domain/money.js';
import { valuation } from '../../shared/domain/ledger.js';
import { readCandleDir, replayDataDir } from '../../shared/local/candle-files.js';
import { runEmbedded } from '../../shared/local/embedded.js';
import type { EmbeddedSummary } from '../../shared/local/summary.js';
import type { Deps } from '../../shared/runtime/deps.js';
import { executeOrder } from '../../shared/services/execute-order.js';
import { marksFor } from '../../shared/services/portfolio.js';

const SYMBOLS = ['BTC/USDT', 'ETH/USDT', 'SOL/USDT'];
const FROM = Date.UTC(2021, 4, 19, 0, 0);
const TO = Date.UTC(2021, 4, 19, 6, 0);

describe('the embedded pipeline on six hours of real candles (19 May 2021)', () => {
  it('trades, and its books are consistent: fills ↔ orders ↔ approved decisions, no duplicates, redelivery is harmless', async () => {
    const candles = await readCandleDir(replayDataDir(), SYMBOLS, '1m', { from: FROM, to: TO });
    const audit: string[] = [];
    let summary: EmbeddedSummary | undefined;
    summary = await runEmbedded({
      candles, policy: { symbols: SYMBOLS },
      onFinished: async (deps: Deps) => {
        const decisions = await deps.state.listDecisions();
        const orders = await deps.state.listOrders();
        const fills = await deps.state.listFills();
        expect(fills.length).toBeGreaterThan(0);

        // no duplicate order ids, client order ids or trade ids
        expect(new Set(orders.map((o) => o.orderId)).size).toBe(orders.length);
        expect(new Set(orders.map((o) => o.clientOrderId)).size).toBe(orders.length);
        expect(new Set(fills.map((f) => `${f.symbol}#${f.tradeId}`)).size).toBe(fills.length);

        // every order comes from an approved decision that names it
        const approvedOrderIds = new Map(decisions.filter((d) => d.approved && d.order).map((d) => [d.order!.orderId, d]));
        for (const o of orders) {
          const d = approvedOrderIds.get(o.orderId);
          expect(d, `order ${o.orderId} has no approved decision`).toBeDefined();
          expect(o.policyHash).toBe(d!.policyHash);
        }

        // every fill belongs to an order, and each order's filled quantity is the sum of its fills
        const byOrder = new Map(orders.map((o) => [o.orderId, o]));
        for (const f of fills) expect(byOrder.has(f.orderId), `fill ${f.tradeId} has no order`).toBe(true);
        for (const o of orders) {
          const q = sum(fills.filter((f) => f.orderId === o.orderId).map((f) => f.quantity));
          expect(q.eq(dec(o.filledQuantity)), `order ${o.orderId}: fills ${q} vs ${o.filledQuantity}`).toBe(true);
        }

        // the ledger is the sum of the fills, and equity - start = realized + unrealized
        const ledger = (await deps.state.getLedger())!;
        expect(ledger.value.fillCount).toBe(fills.length);
        expect(ledger.value.feesPaid.eq(sum(fills.map((f) => f.fee)))).toBe(true);
        expect(ledger.value.reservations).toEqual({});
        const v = valuation(ledger.value, await marksFor(deps.market, ledger.value));
        expect(v.equity.sub(ledger.value.startingCash).eq(ledger.value.realizedPnl.add(v.unrealizedPnl))).toBe(true);

        // redelivering every order changes nothing: no new placement, no new fill, ledger untouched
        for (const o of orders) await executeOrder(deps, o);
        expect(await deps.state.listFills()).toHaveLength(fills.length);
        expect((await deps.state.getLedger())!.version).toBe(ledger.version);
        audit.push('done');
      },
    });
    expect(audit).toEqual(['done']);
    expect(summary.candlesReplayed).toBe(3 * 360);
    expect(summary.fills).toBeGreaterThan(0);
    expect(summary.decisions.approved).toBe(summary.orders.total);
    expect(summary.deadLetters).toEqual({ signals: 0, orders: 0 });
    expect(summary.runtime).toEqual({ scheduledErrors: 0, handlerErrors: 0, undrainedPolls: 0 });
  }, 180_000);
});
