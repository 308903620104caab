import type { Candle } from '../domain/candle.js';
import type { KillSwitchState } from '../domain/kill-switch.js';
import { newLedger, type Ledger } from '../domain/ledger.js';
import type { MarketInfo } from '../domain/market.js';
import { dec, type Decimal } from '../domain/money.js';
import type { OrderRequest } from '../domain/order.js';
import type { Policy } from '../domain/policy.js';
import type { BacktestTrade } from './types.js';

/** An approved order waiting for its symbol's next candle to open. */
export interface PendingOrder {
  readonly order: OrderRequest;
  /** Close time of the candle it was decided on, epoch ms. */
  readonly decidedAt: number;
}

/** The entry side of a trade still open (quantities and money decimal). */
export interface OpenLeg {
  readonly entryTime: number;
  readonly quantity: Decimal;
  /** Quote paid for the quantity before fees (Σ price × quantity). */
  readonly notional: Decimal;
  readonly fees: Decimal;
}

/** The closed candles of one symbol seen so far, oldest first: what the strategies and sizing read of them. */
export type CandleHistory = Pick<readonly Candle[], 'length' | 'at' | 'slice'>;

/**
 * The first `length` candles of a series, as the engine advances through it: a history without copying every
 * candle into an array of its own (the series is the candles already in memory).
 */
export class SeriesPrefix implements CandleHistory {
  #length = 0;

  constructor(private readonly series: readonly Candle[]) {}

  get length(): number {
    return this.#length;
  }

  /** Takes the series' next candle into the history; it must be that candle. */
  advance(candle: Candle): void {
    if (this.series[this.#length] !== candle) throw new RangeError('SeriesPrefix.advance: not the series\' next candle');
    this.#length += 1;
  }

  at(index: number): Candle | undefined {
    const i = index < 0 ? this.#length + index : index;
    return i >= 0 && i < this.#length ? this.series[i] : undefined;
  }

  slice(start?: number, end?: number): Candle[] {
    const n = this.#length;
    const from = start === undefined ? 0 : start < 0 ? Math.max(0, n + start) : Math.min(start, n);
    const to = end === undefined ? n : end < 0 ? Math.max(0, n + end) : Math.min(end, n);
    return this.series.slice(from, Math.max(from, to));
  }
}

/** Everything the engine carries between time steps: the in-memory stand-in for the state table. */
export interface SimState {
  ledger: Ledger;
  killSwitch: KillSwitchState | undefined;
  readonly pending: PendingOrder[];
  readonly open: Map<string, OpenLeg>;
  readonly trades: BacktestTrade[];
  readonly rejections: Record<string, number>;
  readonly unfilled: Record<string, number>;
  /** Closed candles seen so far per symbol (the strategy's whole view of the past). */
  readonly seen: Map<string, CandleHistory>;
}

/** A fresh state: the policy's starting cash, kill switch ARMED (no item), nothing pending or seen. */
export function newSimState(policy: Policy, symbols: readonly string[], at: number): SimState {
  return {
    ledger: newLedger(policy.paper.startingCash, at), killSwitch: undefined, pending: [], open: new Map(),
    trades: [], rejections: {}, unfilled: {}, seen: new Map(symbols.map((s) => [s, []])),
  };
}

/** Adds one to counts[key]. */
export function count(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}

/** Fee rate, a fraction, from basis points (10 → '0.001'). */
export function feeRateOf(bps: number): string {
  return dec(bps).div(10_000).toFixed();
}

/** The market's rules with the policy's paper fee rates, so sizing reserves and fills charge the same fee. */
export function withPaperFees(market: MarketInfo, policy: Policy): MarketInfo {
  return { ...market, takerFeeRate: feeRateOf(policy.paper.takerFeeBps), makerFeeRate: feeRateOf(policy.paper.makerFeeBps) };
}
