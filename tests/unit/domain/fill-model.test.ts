import { describe, expect, it } from 'vitest';
import { ceilToStep, fillMarketOrder, marketFillPrice, orderRuleViolation, takerFee } from '../../../shared/domain/fill-model.js';
import type { MarketInfo } from '../../../shared/domain/market.js';

const market = (symbol: string, priceStep: string, amountStep: string): MarketInfo => {
  const [base = '', quote = ''] = symbol.split('/');
  return { symbol, base, quote, priceStep, amountStep, minAmount: amountStep, minNotional: '5', takerFeeRate: '0.001', makerFeeRate: '0.001' };
};
const BTC = market('BTC/USDT', '0.01', '0.00001');
const DOGE = market('DOGE/USDT', '0.00001', '1');
const XRP = market('XRP/USDT', '0.0001', '0.1');

describe('fillMarketOrder', () => {
  // Every expectation below is worked by hand in the comment beside it.
  it.each([
    {
      name: 'buys at the ask plus slippage, rounded up to the tick',
      side: 'buy', quantity: '0.002', bid: '50000.00', ask: '50000.10', slippageBps: 5, m: BTC,
      // 50000.10 x 1.0005 = 50025.10005 -> up to 50025.11; 50025.11 x 0.002 = 100.05022; x 0.001 = 0.10005022
      price: '50025.11', fee: '0.10005022',
    },
    {
      name: 'sells at the bid minus slippage, already on a tick',
      side: 'sell', quantity: '0.0015', bid: '50000.00', ask: '50000.10', slippageBps: 5, m: BTC,
      // 50000 x 0.9995 = 49975 (on tick); 49975 x 0.0015 = 74.9625; x 0.001 = 0.0749625
      price: '49975', fee: '0.0749625',
    },
    {
      name: 'sells at the bid minus slippage, rounded down to the tick',
      side: 'sell', quantity: '100', bid: '0.12345', ask: '0.12346', slippageBps: 5, m: DOGE,
      // 0.12345 x 0.9995 = 0.123388275 -> down to 0.12338; x 100 = 12.338; x 0.001 = 0.012338
      price: '0.12338', fee: '0.012338',
    },
    {
      name: 'buys at the ask itself when there is no slippage',
      side: 'buy', quantity: '0.001', bid: '3000.00', ask: '3000.05', slippageBps: 0, m: BTC,
      // 3000.05 x 0.001 = 3.00005; x 0.001 = 0.00300005
      price: '3000.05', fee: '0.00300005',
    },
    {
      name: 'rounds a half-tick slipped buy price up, against us',
      side: 'buy', quantity: '0.1', bid: '99.99', ask: '100.00', slippageBps: 0.5, m: BTC,
      // 100 x 1.00005 = 100.005 -> up to 100.01; x 0.1 = 10.001; x 0.001 = 0.010001
      price: '100.01', fee: '0.010001',
    },
  ] as const)('$name', ({ side, quantity, bid, ask, slippageBps, m, price, fee }) => {
    const fill = fillMarketOrder({ side, quantity, book: { bid, ask }, slippageBps, feeRate: '0.001', market: m });
    expect(fill.price.toFixed()).toBe(price);
    expect(fill.quantity.eq(quantity)).toBe(true);
    expect(fill.fee.toFixed()).toBe(fee);
    expect(fill.feeCurrency).toBe('USDT');
    expect(fill.liquidity).toBe('taker');
  });

  it('ignores the side of the book it does not trade against', () => {
    const a = fillMarketOrder({ side: 'buy', quantity: '1', book: { bid: '1', ask: '2.0000' }, slippageBps: 0, feeRate: '0', market: XRP });
    const b = fillMarketOrder({ side: 'buy', quantity: '1', book: { bid: '1.9', ask: '2.0000' }, slippageBps: 0, feeRate: '0', market: XRP });
    expect(a.price.toFixed()).toBe('2');
    expect(b.price.toFixed()).toBe('2');
  });

  it.each([
    { name: 'a zero quantity', quantity: '0', bid: '1', ask: '1', slippageBps: 0, side: 'buy' },
    { name: 'a buy with no ask', quantity: '1', bid: '1', ask: '0', slippageBps: 0, side: 'buy' },
    { name: 'a sell with no bid', quantity: '1', bid: '0', ask: '1', slippageBps: 0, side: 'sell' },
    { name: 'negative slippage', quantity: '1', bid: '1', ask: '1', slippageBps: -1, side: 'buy' },
  ] as const)('refuses $name', ({ quantity, bid, ask, slippageBps, side }) => {
    expect(() => fillMarketOrder({ side, quantity, book: { bid, ask }, slippageBps, feeRate: '0.001', market: XRP })).toThrow(RangeError);
  });

  it('refuses a sell whose slipped price rounds down to zero', () => {
    // 0.00001 x 0.9995 = 0.0000099950 -> down to 0 at a 0.00001 tick
    expect(() => fillMarketOrder({ side: 'sell', quantity: '1', book: { bid: '0.00001', ask: '0.00002' }, slippageBps: 5, feeRate: '0', market: DOGE }))
      .toThrow(/rounds to 0/);
  });
});

describe('takerFee', () => {
  it.each([
    // 1.51782 x 0.00075 = 0.001138365: exactly half at the 9th place -> even (…36)
    { notional: '1.51782', rate: '0.00075', fee: '0.00113836' },
    // 1.51783 x 0.00075 = 0.0011383725 -> 0.00113837
    { notional: '1.51783', rate: '0.00075', fee: '0.00113837' },
    // 1.51786 x 0.00075 = 0.001138395: exactly half -> even (…40)
    { notional: '1.51786', rate: '0.00075', fee: '0.0011384' },
  ])('charges $fee on $notional at $rate (8 dp, half-even)', ({ notional, rate, fee }) => {
    expect(takerFee(notional, rate).toFixed()).toBe(fee);
  });
});

describe('marketFillPrice and ceilToStep', () => {
  it('rounds up only when off the tick', () => {
    expect(ceilToStep('100.01', '0.01').toFixed()).toBe('100.01');
    expect(ceilToStep('100.001', '0.01').toFixed()).toBe('100.01');
  });

  it('moves the price against us by exactly the slippage on each side', () => {
    expect(marketFillPrice('buy', { bid: '0', ask: '2000' }, 10, '0.01').toFixed()).toBe('2002');
    expect(marketFillPrice('sell', { bid: '2000', ask: '0' }, 10, '0.01').toFixed()).toBe('1998');
  });
});

describe('orderRuleViolation', () => {
  it.each([
    { name: 'a quantity off the lot step', quantity: '0.000015', price: '50000', rule: 'AMOUNT_STEP' },
    { name: 'a zero quantity', quantity: '0', price: '50000', rule: 'POSITIVE_QUANTITY' },
    // 0.00009 x 50000 = 4.5 < 5
    { name: 'a notional below the minimum', quantity: '0.00009', price: '50000', rule: 'MIN_NOTIONAL' },
  ])('reports $name', ({ quantity, price, rule }) => {
    expect(orderRuleViolation(BTC, quantity, price)?.rule).toBe(rule);
  });

  it('reports an amount under minAmount even when it is on the step', () => {
    const coarse = { ...XRP, minAmount: '1' };
    expect(orderRuleViolation(coarse, '0.5', '100')?.rule).toBe('MIN_AMOUNT');
  });

  it('passes an order exactly at the minimum notional', () => {
    // 0.0001 x 50000 = 5
    expect(orderRuleViolation(BTC, '0.0001', '50000')).toBeUndefined();
  });
});
