import type { MetricsTrade } from '../../../shared/backtest/metrics.js';

/** 2024-01-01T00:00:00Z. */
export const T0 = Date.UTC(2024, 0, 1);
export const H = 3_600_000;
export const DAY = 24 * H;

/** Builds a trade; only the fields a test cares about need to be given. */
export function trade(p: Partial<MetricsTrade> & { pnl: string }): MetricsTrade {
  return {
    symbol: 'BTC/USDT', side: 'long', entryTime: T0, entryPrice: '100', exitTime: T0 + H, exitPrice: '100',
    quantity: '1', fees: '0', exitReason: 'signal', ...p,
  };
}

/** Recursively lists every number that is NaN or ±Infinity (must be empty for any metrics output). */
export function nonFinite(value: unknown, path = '$'): string[] {
  if (typeof value === 'number') return Number.isFinite(value) ? [] : [path];
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([k, v]) => nonFinite(v, `${path}.${k}`));
}
