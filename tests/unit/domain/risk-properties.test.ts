import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decide, type DecideInput } from '../../../shared/domain/decide.js';
import { applyFill, release, reserve, valuation, type Ledger } from '../../../shared/domain/ledger.js';
import { splitSymbol } from '../../../shared/domain/market.js';
import { Decimal, dec, ZERO } from '../../../shared/domain/money.js';
import type { OrderRequest } from '../../../shared/domain/order.js';
import {
  amount, entryArb, entryInput, exposureOf, marketsArb, openSymbols, policyArb, pricesArb, SYMBOLS,
} from './risk-arbitraries.js';
import { ledger } from './risk-fixtures.js';

const pctOf = (equity: Decimal, pct: number) => equity.mul(pct).div(100);
/** A failing property shrinks for at most 20 s, then reports its smallest counterexample so far as a failure. */
const BOUNDED = { interruptAfterTimeLimit: 20_000, markInterruptAsFailure: true };
const paper = (input: DecideInput): DecideInput => ({ ...input, policy: { ...input.policy, mode: 'PAPER' } });

describe('risk properties', () => {
  it('(1) approves no entry while the kill switch is not ARMED, whatever the portfolio, policy, mode or market', () => {
    fc.assert(fc.property(entryArb(fc.constantFrom('TRIPPED' as const, 'COOLDOWN' as const)), (input) => {
      const out = decide(input);
      expect(out.decision.approved).toBe(false);
      expect(out.decision.order).toBeUndefined();
      expect(out.reservation).toBeUndefined();
      expect(out.decision.reasons.map((r) => r.code)).toContain('KILL_SWITCH_NOT_ARMED');
    }), { numRuns: 1_000, ...BOUNDED });
  });

  it('(3) sizes every approved entry at or above the fee-adjusted minimum and within every cap and free cash', () => {
    // Caps up to 300% so free cash, not only the exposure cap, can be what binds.
    let approvals = 0;
    fc.assert(fc.property(entryArb(fc.constant('ARMED' as const), 300).map(paper), (input) => {
      const out = decide(input);
      if (!out.decision.approved) return;
      approvals++;
      const { policy, market, intent, price } = input;
      const r = policy.risk;
      const fee = dec(market.takerFeeRate);
      const quantity = dec(out.decision.order!.quantity);
      const notional = quantity.mul(price);
      const cost = notional.mul(fee.add(1));
      const floor = Decimal.max(dec(r.minNotional), dec(market.minNotional).mul(fee.mul(2).add(1)).mul(dec(r.minNotionalBufferPct).div(100).add(1)));
      expect(notional.gte(floor)).toBe(true);
      expect(quantity.gte(dec(market.minAmount))).toBe(true);
      expect(quantity.mod(dec(market.amountStep)).isZero()).toBe(true);
      expect(out.reservation!.notional.eq(cost)).toBe(true);
      const v = valuation(input.ledger, input.marks);
      const buys = Object.values(input.ledger.reservations).filter((x) => x.side === 'buy');
      const p = input.ledger.positions[intent.symbol];
      const held = buys.filter((x) => x.symbol === intent.symbol).reduce((s, x) => s.add(x.notional), p ? (input.marks[p.symbol] ? p.quantity.mul(input.marks[p.symbol]!) : p.costBasis) : ZERO);
      expect(held.add(cost).lte(pctOf(v.equity, r.maxPositionPct))).toBe(true);
      expect(held.add(cost).lte(dec(r.maxPositionNotional))).toBe(true);
      expect(v.exposure.add(cost).lte(pctOf(v.equity, r.maxTotalExposurePct))).toBe(true);
      expect(cost.lte(input.ledger.cash.sub(v.reservedNotional))).toBe(true);
      const budget = policy.strategies.find((s) => s.name === intent.strategy)?.riskBudgetPct;
      if (budget !== undefined) {
        const mine = Object.values(input.ledger.positions).filter((x) => x.strategy === intent.strategy)
          .reduce((s, x) => s.add(input.marks[x.symbol] ? x.quantity.mul(input.marks[x.symbol]!) : x.costBasis), ZERO);
        const pending = buys.filter((x) => x.strategy === intent.strategy).reduce((s, x) => s.add(x.notional), ZERO);
        expect(mine.add(pending).add(cost).lte(pctOf(v.equity, budget))).toBe(true);
      }
    }), { numRuns: 2_000, ...BOUNDED });
    expect(approvals).toBeGreaterThan(100);
  });

  it('(2) keeps exposure and open positions within their caps after any sequence of approvals, fills and cancels', () => {
    const step = fc.record({ op: fc.constantFrom('entry', 'entry', 'entry', 'exit', 'fill', 'fill', 'cancel'), sym: fc.nat(2), strat: fc.nat(1), pick: fc.nat() });
    let approvals = 0;
    fc.assert(fc.property(
      policyArb, marketsArb, pricesArb, amount(100, 100_000), fc.option(amount(0.01, 5_000), { nil: undefined }), fc.array(step, { minLength: 10, maxLength: 40, size: 'max' }),
      (anyPolicy, markets, prices, cash, atr, steps) => {
        const policy = { ...anyPolicy, mode: 'PAPER' as const };
        const marks = Object.fromEntries(SYMBOLS.map((s, i) => [s, prices[i]!]));
        let book: Ledger = ledger({ cash, peakEquity: cash, startingCash: cash });
        const inFlight: OrderRequest[] = [];
        steps.forEach((s, i) => {
          if (s.op === 'entry' || s.op === 'exit') {
            const out = decide(entryInput(policy, markets[s.sym]!, prices, book, s.sym, s.strat, 'ARMED', true, atr, s.op, i + 1, 1_000 + i));
            if (!out.decision.approved) return;
            approvals++;
            book = reserve(book, out.reservation!);
            inFlight.push(out.decision.order!);
          } else if (inFlight.length) {
            const [order] = inFlight.splice(s.pick % inFlight.length, 1);
            if (s.op === 'fill') book = fillAll(book, order!, dec(markets[0]!.takerFeeRate), i);
            book = release(book, order!.orderId);
          }
          const { exposure, equity } = exposureOf(book, marks);
          expect(exposure.lte(pctOf(equity, policy.risk.maxTotalExposurePct)), `exposure ${exposure} of ${equity}`).toBe(true);
          expect(openSymbols(book)).toBeLessThanOrEqual(policy.risk.maxOpenPositions);
        });
      },
    ), { numRuns: 400, ...BOUNDED });
    expect(approvals).toBeGreaterThan(400);
  });
});

/** Fills the whole order at its reference price with the taker fee in quote. */
function fillAll(book: Ledger, order: OrderRequest, fee: Decimal, i: number): Ledger {
  const notional = dec(order.quantity).mul(dec(order.referencePrice));
  const { base, quote } = splitSymbol(order.symbol);
  return applyFill(book, {
    tradeId: `t${i}`, orderId: order.orderId, clientOrderId: order.clientOrderId, symbol: order.symbol, side: order.side,
    quantity: order.quantity, price: order.referencePrice, fee: notional.mul(fee).toFixed(), feeCurrency: quote, liquidity: 'taker',
    time: 1_000 + i, policyHash: 'h', strategy: order.strategy,
  }, base, quote).ledger;
}
