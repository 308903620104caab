import type { Ledger } from './ledger.js';
import { Decimal, ZERO } from './money.js';

/** Mark-to-market view of a ledger; amounts in quote currency, percentages as 0–100 (not fractions). */
export interface Valuation {
  /** cash + positionsValue. */
  readonly equity: Decimal;
  readonly positionsValue: Decimal;
  /** positionsValue − cost basis of the positions held. */
  readonly unrealizedPnl: Decimal;
  /** Sum of buy reservations (sell reservations set no cash aside). */
  readonly reservedNotional: Decimal;
  /** positionsValue + reservedNotional. */
  readonly exposure: Decimal;
  /** exposure / equity × 100; 0 with no exposure, Infinity when equity ≤ 0 with exposure. */
  readonly exposurePct: Decimal;
  /** (max(peakEquity, equity) − equity) / that peak × 100; 0 when the peak is not positive. */
  readonly drawdownPct: Decimal;
}

/**
 * Values a ledger at `marks` (price per unit of base, keyed by symbol). A position with no mark is
 * valued at its average cost (costBasis / quantity), i.e. at its cost basis, so its unrealized PnL is 0.
 * Invariant: equity − startingCash = realizedPnl + unrealizedPnl, exactly.
 */
export function valuation(ledger: Ledger, marks: Readonly<Record<string, Decimal>>): Valuation {
  let positionsValue = ZERO;
  let costBasis = ZERO;
  for (const p of Object.values(ledger.positions)) {
    const mark = marks[p.symbol];
    positionsValue = positionsValue.add(mark === undefined ? p.costBasis : p.quantity.mul(mark));
    costBasis = costBasis.add(p.costBasis);
  }
  let reservedNotional = ZERO;
  for (const r of Object.values(ledger.reservations)) {
    if (r.side === 'buy') reservedNotional = reservedNotional.add(r.notional);
  }
  const equity = ledger.cash.add(positionsValue);
  const exposure = positionsValue.add(reservedNotional);
  const peak = Decimal.max(ledger.peakEquity, equity);
  let exposurePct: Decimal | undefined;
  let drawdownPct: Decimal | undefined;
  // The two percentages are divisions (~4 µs each at 40 digits), computed on first read: most readers want equity.
  return {
    equity,
    positionsValue,
    unrealizedPnl: positionsValue.sub(costBasis),
    reservedNotional,
    exposure,
    get exposurePct() {
      return (exposurePct ??= percentOf(exposure, equity));
    },
    get drawdownPct() {
      return (drawdownPct ??= peak.gt(0) ? peak.sub(equity).div(peak).mul(100) : ZERO);
    },
  };
}

/** cash + Σ quantity × mark (a position without a mark at its cost basis): valuation(...).equity alone. */
export function markedEquity(ledger: Ledger, marks: Readonly<Record<string, Decimal>>): Decimal {
  let equity = ledger.cash;
  for (const p of Object.values(ledger.positions)) {
    const mark = marks[p.symbol];
    equity = equity.add(mark === undefined ? p.costBasis : p.quantity.mul(mark));
  }
  return equity;
}

function percentOf(part: Decimal, whole: Decimal): Decimal {
  if (part.isZero()) return ZERO;
  return whole.gt(0) ? part.div(whole).mul(100) : new Decimal(Infinity);
}
