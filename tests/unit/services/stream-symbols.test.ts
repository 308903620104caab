import { describe, expect, it } from 'vitest';
import { newLedger, type Ledger } from '../../../shared/domain/ledger.js';
import { dec } from '../../../shared/domain/money.js';
import { streamSelection } from '../../../shared/services/stream-symbols.js';

const BTC = 'BTC/USDT';
const ETH = 'ETH/USDT';
const SOL = 'SOL/USDT';

function holding(...symbols: string[]): Ledger {
  const l = newLedger('10000', 0);
  return { ...l, positions: Object.fromEntries(symbols.map((symbol) => [symbol, { symbol, quantity: dec(1), costBasis: dec(100), openedAt: 0 }])) };
}

describe('the market stream follows the policy symbols and every held symbol', () => {
  it('adds a symbol the policy dropped while a position in it is open, after the listed ones', async () => {
    const selection = await streamSelection({ policy: async () => ({ symbols: [ETH], timeframe: '1m' }), ledger: async () => holding(BTC, ETH) });
    expect(selection).toEqual({ symbols: [ETH, BTC], timeframe: '1m', heldOnly: [BTC] });
  });

  it('adds held symbols to a fixed SYMBOLS list too, and follows only the listed ones once nothing is held', async () => {
    const src = { policy: async () => undefined, fixed: [SOL] };
    expect((await streamSelection({ ...src, ledger: async () => holding(BTC) })).symbols).toEqual([SOL, BTC]);
    expect((await streamSelection({ ...src, ledger: async () => holding() })).symbols).toEqual([SOL]);
  });

  it('keeps the held symbols it followed when the ledger cannot be read, and says so', async () => {
    const policy = async () => ({ symbols: [ETH], timeframe: '5m' });
    const before = await streamSelection({ policy, ledger: async () => holding(BTC) });
    const errors: unknown[] = [];
    const after = await streamSelection({ policy, ledger: async () => { throw new Error('throttled'); }, onLedgerError: (e) => errors.push(e) }, before);
    expect(after).toEqual({ symbols: [ETH, BTC], timeframe: '5m', heldOnly: [BTC] });
    expect(errors).toHaveLength(1);
  });
});
