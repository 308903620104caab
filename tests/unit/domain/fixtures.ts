import type { Candle } from '../../../shared/domain/candle.js';
import type { DecideInput } from '../../../shared/domain/decide.js';
import { intentIdFor, type Intent, type IntentKind } from '../../../shared/domain/intent.js';
import { newLedger, type Ledger, type Position, type Reservation } from '../../../shared/domain/ledger.js';
import type { MarketInfo } from '../../../shared/domain/market.js';
import { dec } from '../../../shared/domain/money.js';
import type { Fill } from '../../../shared/domain/order.js';
import { defaultPolicy, type Policy } from '../../../shared/domain/policy.js';

/** BTC/USDT with Binance-like rules: 0.00001 lots, 5 USDT exchange minimum, 10 bps taker. */
export const BTC: MarketInfo = {
  symbol: 'BTC/USDT', base: 'BTC', quote: 'USDT', amountStep: '0.00001', priceStep: '0.01',
  minAmount: '0.00001', minNotional: '5', takerFeeRate: '0.001', makerFeeRate: '0.001',
};

export function intent(kind: IntentKind, symbol = 'BTC/USDT', candleCloseTime = 60_000): Intent {
  const side = kind === 'entry' ? 'buy' : 'sell';
  return {
    intentId: intentIdFor('momentum', symbol, side, candleCloseTime), strategy: 'momentum', symbol, side, kind,
    candleCloseTime, referencePrice: '50000', score: 7, reason: 'test', createdAt: candleCloseTime,
    policyHash: 'intent-policy-hash', policyVersion: 1,
  };
}

export function withRisk(risk: Partial<Policy['risk']>, mode: Policy['mode'] = 'PAPER'): Policy {
  const p = defaultPolicy();
  return { ...p, mode, risk: { ...p.risk, ...risk } };
}

export function position(symbol: string, quantity: string, costBasis: string): Position {
  return { symbol, quantity: dec(quantity), costBasis: dec(costBasis), openedAt: 0 };
}

export function reservation(orderId: string, notional: string, side: 'buy' | 'sell' = 'buy', symbol = 'ETH/USDT'): Reservation {
  return { orderId, symbol, side, notional: dec(notional), createdAt: 0 };
}

/** A ledger: 10 000 USDT starting cash, then the given overrides (cash is not rebalanced). */
export function ledger(over: Partial<Ledger> = {}): Ledger {
  return { ...newLedger('10000', 0), ...over };
}

/** A risk/decide context for an entry at 50 000 under the default policy and an ARMED switch. */
export function ctx(over: Partial<DecideInput> = {}): DecideInput {
  return {
    intent: intent('entry'), policy: defaultPolicy(), ledger: ledger(), killSwitch: 'ARMED', market: BTC,
    price: dec('50000'), marks: {}, now: 120_000, policyHash: 'policy-hash', policyVersion: 3, ...over,
  };
}

export function fill(over: Partial<Fill> = {}): Fill {
  return {
    tradeId: 't1', orderId: 'o1', clientOrderId: 'stxo1', symbol: 'BTC/USDT', side: 'buy', quantity: '0.2',
    price: '20000', fee: '4', feeCurrency: 'USDT', liquidity: 'taker', time: 1_000, policyHash: 'h', ...over,
  };
}

/** 1m candles for BTC/USDT with the given closes, the first opening at t = 0. */
export function candles(closes: readonly number[], symbol = 'BTC/USDT'): Candle[] {
  return closes.map((close, i) => ({
    symbol, timeframe: '1m', openTime: i * 60_000, open: close, high: close, low: close, close, volume: 1,
  }));
}

/** Freezes an object graph so any mutation by the code under test throws. */
export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
