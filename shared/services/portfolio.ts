import type { Ledger } from '../domain/ledger.js';
import { newLedger } from '../domain/ledger.js';
import { dec, type Decimal } from '../domain/money.js';
import type { Policy } from '../domain/policy.js';
import type { MarketDataStore, StateStore, Versioned } from '../ports.js';

/** The stored ledger, created from the policy's starting cash on first use (conditional create). */
export async function loadLedger(state: StateStore, policy: Policy, now: number): Promise<Versioned<Ledger>> {
  const stored = await state.getLedger();
  if (stored) return stored;
  const fresh = newLedger(policy.paper.startingCash, now);
  if (await state.putLedger(fresh, 0)) return { value: fresh, version: 1 };
  const raced = await state.getLedger();
  if (!raced) throw new Error('ledger vanished after a conflicting create');
  return raced;
}

/** Mark prices (best bid) for every held symbol; symbols without a book are left out. */
export async function marksFor(market: MarketDataStore, ledger: Ledger): Promise<Record<string, Decimal>> {
  const marks: Record<string, Decimal> = {};
  for (const symbol of Object.keys(ledger.positions)) {
    const book = await market.getTopOfBook(symbol);
    if (book) marks[symbol] = dec(book.bid);
  }
  return marks;
}
