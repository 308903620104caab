import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyFill, newLedger, valuation, type Ledger } from '../../../shared/domain/ledger.js';
import { dec, floorToStep, money, roundToStep, type Decimal } from '../../../shared/domain/money.js';
import { fill } from './fixtures.js';

const SYMBOLS = ['BTC/USDT', 'ETH/USDT'] as const;
const STEP = '0.00001';

/** One trading action: buy an amount, or sell a fraction of what is held; fee rate in bps, in base or quote. */
const action = fc.record({
  symbol: fc.constantFrom(...SYMBOLS),
  side: fc.constantFrom('buy', 'sell'),
  units: fc.integer({ min: 1, max: 5_000_000 }), // × 0.00001
  fraction: fc.integer({ min: 1, max: 100 }), // % of the position to sell
  priceCents: fc.integer({ min: 1, max: 10_000_000 }),
  feeBps: fc.integer({ min: 0, max: 100 }),
  feeInBase: fc.boolean(),
  /** Whether the fill continues the previous order (a further fill of a multi-trade order). */
  continuesOrder: fc.boolean(),
});

type Action = typeof action extends fc.Arbitrary<infer T> ? T : never;

function step(l: Ledger, a: Action, i: number): Ledger {
  const price = dec(a.priceCents).div(100);
  const rate = dec(a.feeBps).div(10_000);
  const base = a.symbol.split('/')[0]!;
  let qty: Decimal;
  if (a.side === 'buy') {
    qty = dec(a.units).mul(STEP);
  } else {
    const held = l.positions[a.symbol]?.quantity;
    if (!held) return l;
    qty = floorToStep(held.mul(a.fraction).div(100).div(rate.add(1)), STEP);
    if (qty.isZero()) return l;
  }
  const fee = a.feeInBase ? roundToStep(qty.mul(rate), '0.00000001') : roundToStep(qty.mul(price).mul(rate), '0.00000001');
  const f = fill({
    tradeId: `t${i}`, symbol: a.symbol, side: a.side as 'buy' | 'sell', quantity: money(qty), price: money(price),
    fee: money(fee), feeCurrency: a.feeInBase ? base : 'USDT',
  });
  return applyFill(l, f, base, 'USDT', { continuesOrder: a.continuesOrder }).ledger;
}

describe('ledger invariant', () => {
  it('equity − startingCash equals realizedPnl + unrealizedPnl exactly, and the journal sums to realizedPnl, after any fills and at any marks', () => {
    fc.assert(
      fc.property(
        fc.array(action, { maxLength: 40 }),
        fc.record({ 'BTC/USDT': fc.option(fc.integer({ min: 1, max: 10_000_000 })), 'ETH/USDT': fc.option(fc.integer({ min: 1, max: 10_000_000 })) }),
        (actions, markCents) => {
          const l = actions.reduce(step, newLedger('10000', 0));
          const marks: Record<string, Decimal> = {};
          for (const s of SYMBOLS) if (markCents[s] !== null) marks[s] = dec(markCents[s]!).div(100);
          const v = valuation(l, marks);
          const lhs = v.equity.sub(l.startingCash);
          const rhs = l.realizedPnl.add(v.unrealizedPnl);
          expect(lhs.eq(rhs), `${lhs.toFixed()} != ${rhs.toFixed()}`).toBe(true);
          for (const p of Object.values(l.positions)) expect(p.quantity.gt(0)).toBe(true);
          const journaled = (l.trades ?? []).reduce((s, t) => s.add(t.pnl), dec(0));
          expect(journaled.eq(l.realizedPnl), `journal ${journaled.toFixed()} != realized ${l.realizedPnl.toFixed()}`).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });
});
