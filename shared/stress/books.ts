import { dec, money, ZERO, type Decimal } from '../domain/money.js';
import type { Observation } from './observe.js';
import { criterion, type Criterion } from './scenario.js';

/**
 * The books balance: the ledger's cash equals starting cash − Σ buys (price × quantity + fee) + Σ sells
 * (price × quantity − fee) over the stored fills, each position's quantity equals Σ bought − Σ sold − dust
 * written off, the ledger counted each fill once (fillCount = fills, trade ids unique), and nothing stays
 * reserved once no order is open. Fees are taken as quote currency (the paper venue's).
 */
export function booksBalance(o: Pick<Observation, 'fills' | 'ledger' | 'orders'>): Criterion {
  const name = 'books balance (ledger = replay of the fills)';
  const ledger = o.ledger;
  if (!ledger) return criterion(name, 'ledger present', 'no ledger', o.fills.length === 0);
  const problems: string[] = [];
  let cash = ledger.startingCash;
  const held: Record<string, Decimal> = {};
  for (const f of o.fills) {
    const value = dec(f.price).mul(f.quantity);
    cash = f.side === 'buy' ? cash.sub(value).sub(f.fee) : cash.add(value).sub(f.fee);
    held[f.symbol] = (held[f.symbol] ?? ZERO)[f.side === 'buy' ? 'add' : 'sub'](f.quantity);
  }
  for (const d of ledger.dustWriteOffs ?? []) held[d.symbol] = (held[d.symbol] ?? ZERO).sub(d.quantity);
  if (!cash.eq(ledger.cash)) problems.push(`cash ${money(ledger.cash)} ≠ replayed ${money(cash)}`);
  for (const symbol of new Set([...Object.keys(held), ...Object.keys(ledger.positions)])) {
    const want = held[symbol] ?? ZERO;
    const got = ledger.positions[symbol]?.quantity ?? ZERO;
    if (!want.eq(got)) problems.push(`${symbol} ${money(got)} ≠ replayed ${money(want)}`);
  }
  const ids = new Set(o.fills.map((f) => f.tradeId));
  if (ids.size !== o.fills.length) problems.push(`${o.fills.length - ids.size} duplicate trade ids`);
  if (ledger.fillCount !== o.fills.length) problems.push(`fillCount ${ledger.fillCount} ≠ ${o.fills.length} fills`);
  const open = o.orders.filter((x) => ['NEW', 'SUBMITTING', 'OPEN', 'PARTIALLY_FILLED'].includes(x.status)).length;
  const reserved = Object.keys(ledger.reservations).length;
  if (open === 0 && reserved > 0) problems.push(`${reserved} reservations left with no open order`);
  return criterion(name, 'cash, positions, fill count match; no stray reservation', problems.length ? problems.join('; ') : `cash ${money(ledger.cash)}, ${o.fills.length} fills`, problems.length === 0);
}

/** The local runtime stayed healthy: no handler or scheduled invocation threw, every queue drained, no dead letters. */
export function runtimeClean(o: Pick<Observation, 'summary'>, allow: { scheduledErrors?: number; handlerErrors?: number } = {}): Criterion {
  const r = o.summary.runtime;
  const dl = o.summary.deadLetters;
  const measured = `scheduled errors ${r.scheduledErrors}, handler errors ${r.handlerErrors}, undrained ${r.undrainedPolls}, DLQ ${dl.signals}/${dl.orders}`;
  const pass = r.scheduledErrors <= (allow.scheduledErrors ?? 0) && r.handlerErrors <= (allow.handlerErrors ?? 0) && r.undrainedPolls === 0 && dl.signals + dl.orders === 0;
  return criterion('runtime clean, nothing dead-lettered', `errors ≤ ${allow.scheduledErrors ?? 0}/${allow.handlerErrors ?? 0}, 0 undrained, DLQ 0/0`, measured, pass);
}
