import type { MarketStreamStats } from './stream-market.js';

/** Powertools service name of the market-stream container: its log key and its metrics' `service` dimension. */
export const STREAM_SERVICE_NAME = 'market-stream';

/**
 * EMF metric names of the market stream. `heartbeatsWritten` is the dead-man's switch: the CloudWatch alarm in
 * lib/market-stream.ts fires when it is missing or zero, whatever stopped the stream (crash, no Spot capacity,
 * a silent exchange, a stuck process).
 */
export const STREAM_METRIC = {
  heartbeats: 'heartbeatsWritten',
  messages: 'messagesReceived',
  messageRate: 'messagesPerSecond',
  reconnects: 'streamReconnected',
  stalls: 'streamStalled',
  candlesWritten: 'candlesWritten',
  candlesBackfilled: 'candlesBackfilled',
  backfillErrors: 'backfillFailed',
  badTicks: 'badTicksDropped',
  duplicates: 'duplicateCandlesDropped',
  corrected: 'candlesCorrected',
  writeErrors: 'storeWritesFailed',
  lag: 'streamLagMs',
} as const;

/** A CloudWatch unit as Powertools spells it (MetricUnit values). */
export type StreamMetricUnit = 'Count' | 'Count/Second' | 'Milliseconds';

/** One metric value of a reporting interval. */
export interface StreamMetric {
  readonly name: (typeof STREAM_METRIC)[keyof typeof STREAM_METRIC];
  readonly unit: StreamMetricUnit;
  readonly value: number;
}

/** The counters a report is computed from: the stream's stats plus the websocket source's. */
export type StreamCounters = Pick<MarketStreamStats,
  'heartbeats' | 'candlesWritten' | 'candlesBackfilled' | 'backfillErrors' | 'badTicksDropped' | 'duplicatesDropped' | 'candlesCorrected' | 'writeErrors' | 'lagMs'
> & { readonly sourceMessages: number; readonly reconnects: number; readonly stalls: number };

/**
 * The metrics of one interval: counts are the increase since `previous` (all of `current` for the first
 * report), messagesPerSecond divides the websocket deliveries by the interval, lag is the latest value.
 */
export function streamMetrics(previous: StreamCounters | undefined, current: StreamCounters, intervalMs: number): StreamMetric[] {
  const delta = (key: keyof StreamCounters) => Math.max(0, current[key] - (previous?.[key] ?? 0));
  const count = (name: StreamMetric['name'], key: keyof StreamCounters): StreamMetric => ({ name, unit: 'Count', value: delta(key) });
  return [
    count(STREAM_METRIC.heartbeats, 'heartbeats'),
    count(STREAM_METRIC.messages, 'sourceMessages'),
    { name: STREAM_METRIC.messageRate, unit: 'Count/Second', value: intervalMs > 0 ? round(delta('sourceMessages') / (intervalMs / 1000)) : 0 },
    count(STREAM_METRIC.reconnects, 'reconnects'),
    count(STREAM_METRIC.stalls, 'stalls'),
    count(STREAM_METRIC.candlesWritten, 'candlesWritten'),
    count(STREAM_METRIC.candlesBackfilled, 'candlesBackfilled'),
    count(STREAM_METRIC.backfillErrors, 'backfillErrors'),
    count(STREAM_METRIC.badTicks, 'badTicksDropped'),
    count(STREAM_METRIC.duplicates, 'duplicatesDropped'),
    count(STREAM_METRIC.corrected, 'candlesCorrected'),
    count(STREAM_METRIC.writeErrors, 'writeErrors'),
    { name: STREAM_METRIC.lag, unit: 'Milliseconds', value: current.lagMs },
  ];
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
