import { createHash } from 'node:crypto';

export type Side = 'buy' | 'sell';
/** entry opens or increases a position; exit reduces or closes one. */
export type IntentKind = 'entry' | 'exit';

/**
 * What a strategy wants to do after a candle closed. The intent id is the
 * SQS FIFO deduplication id: one candle can never produce two intents.
 */
export interface Intent {
  readonly intentId: string;
  readonly strategy: string;
  readonly symbol: string;
  readonly side: Side;
  readonly kind: IntentKind;
  /** Close time (epoch ms) of the candle the decision was made on. */
  readonly candleCloseTime: number;
  /** Close price of that candle, decimal string. */
  readonly referencePrice: string;
  /** Strategy's own score and human-readable reason. */
  readonly score: number;
  readonly reason: string;
  readonly createdAt: number;
  readonly policyHash: string;
  readonly policyVersion: number;
}

/** sha256(strategy|symbol|side|candleCloseTime) as hex: the intent id and SQS dedup id. */
export function intentIdFor(strategy: string, symbol: string, side: Side, candleCloseTime: number): string {
  return createHash('sha256').update(`${strategy}|${symbol}|${side}|${candleCloseTime}`).digest('hex');
}
