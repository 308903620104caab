import {
  release, valuation, type Ledger, type OrderLogEntry, type Position, type Reservation, type Valuation,
} from '../ledger.js';
import { type Decimal, ZERO } from '../money.js';
import { orderIdFor } from '../order.js';
import type { RiskContext } from './context.js';

/** The portfolio as the guards see it for one intent; amounts in quote. */
export interface PortfolioView {
  /** The ledger without this intent's own reservation (present on a redelivery). */
  readonly ledger: Ledger;
  readonly valuation: Valuation;
  /** The position held in the intent's symbol, if any. */
  readonly position: Position | undefined;
  /** Other orders' buy reservations for the intent's symbol: entries approved but not yet final. */
  readonly pendingBuys: readonly Reservation[];
  /** Other orders' sell reservations for the intent's symbol: exits in flight. */
  readonly pendingSells: readonly Reservation[];
  /** The symbol's position value (at its mark, else its cost basis) plus its pending buys. */
  readonly held: Decimal;
  /** The intent strategy's position values plus its pending buys (positions without a strategy are not counted). */
  readonly strategyHeld: Decimal;
  /** Cash not already reserved for other buys. */
  readonly freeCash: Decimal;
  /** Symbols other than the intent's with a position or a pending buy. */
  readonly otherOpenSymbols: number;
  /** An entry on a symbol already held or with an entry in flight: a pyramiding add. */
  readonly isAdd: boolean;
  /** Approved orders, newest last, without this intent's own entry (logged before a crash, then redelivered). */
  readonly orderLog: readonly OrderLogEntry[];
}

/** A position's value: quantity × mark, or its cost basis when there is no mark. */
export function positionValue(p: Position, marks: Readonly<Record<string, Decimal>>): Decimal {
  const mark = marks[p.symbol];
  return mark === undefined ? p.costBasis : p.quantity.mul(mark);
}

/** Builds the view once per evaluation; pure. */
export function portfolioView(ctx: RiskContext): PortfolioView {
  const { intent, marks } = ctx;
  const ownId = orderIdFor(intent.intentId);
  const ledger = release(ctx.ledger, ownId);
  const value = valuation(ledger, marks);
  const position = ledger.positions[intent.symbol];
  const reservations = Object.values(ledger.reservations);
  const pendingBuys = reservations.filter((r) => r.symbol === intent.symbol && r.side === 'buy');
  const pendingSells = reservations.filter((r) => r.symbol === intent.symbol && r.side === 'sell');
  const held = pendingBuys.reduce((s, r) => s.add(r.notional), position ? positionValue(position, marks) : ZERO);
  let strategyHeld = ZERO;
  for (const p of Object.values(ledger.positions)) if (p.strategy === intent.strategy) strategyHeld = strategyHeld.add(positionValue(p, marks));
  for (const r of reservations) if (r.side === 'buy' && r.strategy === intent.strategy) strategyHeld = strategyHeld.add(r.notional);
  const open = new Set([...Object.keys(ledger.positions), ...reservations.filter((r) => r.side === 'buy').map((r) => r.symbol)]);
  open.delete(intent.symbol);
  return {
    ledger, valuation: value, position, pendingBuys, pendingSells, held, strategyHeld,
    freeCash: ledger.cash.sub(value.reservedNotional),
    otherOpenSymbols: open.size,
    isAdd: intent.side === 'buy' && (position !== undefined || pendingBuys.length > 0),
    orderLog: withoutOwnEntry(ctx.ledger.orderLog ?? [], ctx.ledger.reservations[ownId]),
  };
}

/** Drops the log entry written with this intent's own reservation (same symbol, side and time), if any. */
function withoutOwnEntry(log: readonly OrderLogEntry[], own: Reservation | undefined): readonly OrderLogEntry[] {
  if (!own) return log;
  const i = log.findLastIndex((e) => e.symbol === own.symbol && e.side === own.side && e.at === own.createdAt);
  return i < 0 ? log : [...log.slice(0, i), ...log.slice(i + 1)];
}
