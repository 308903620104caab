/** The policy accepts exactly the exchanges the product can build a venue and a market stream for. */
import { describe, expect, it } from 'vitest';
import { createCcxtClient } from '../../../shared/adapters/ccxt-exchange.js';
import { createProExchange } from '../../../shared/adapters/ccxt-market-source.js';
import { validatePolicy } from '../../../shared/domain/policy.js';
import { SUPPORTED_EXCHANGE_IDS } from '../../../shared/domain/policy-sanity-ranges.js';

describe('exchange.id', () => {
  it.each(SUPPORTED_EXCHANGE_IDS.map((id) => [id]))('accepts %s, for which a ccxt venue and a ccxt.pro stream are built', (id) => {
    expect(validatePolicy({ exchange: { id } }).ok).toBe(true);
    expect(createCcxtClient(id).id).toBe(id);
    expect(createProExchange(id)).toBeDefined();
  });

  it.each([['kraken'], ['coinbase'], ['Binance'], ['binanceus'], ['x'.repeat(5000)]])('refuses %s, which the product cannot trade (UNSUPPORTED_EXCHANGE)', (id) => {
    const r = validatePolicy({ exchange: { id } });
    expect(!r.ok && r.problems).toEqual([expect.objectContaining({ path: 'exchange.id', code: 'UNSUPPORTED_EXCHANGE' })]);
    expect(!r.ok && r.problems[0]!.message.length).toBeLessThan(200);
    expect(() => createCcxtClient(id)).toThrow(/not supported/);
  });
});
