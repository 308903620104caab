import { describe, expect, it } from 'vitest';
import { STREAM_METRIC, streamMetrics, type StreamCounters } from '../../../shared/services/stream-metrics.js';

const zero: StreamCounters = {
  heartbeats: 0, candlesWritten: 0, candlesBackfilled: 0, backfillErrors: 0, badTicksDropped: 0, duplicatesDropped: 0,
  candlesCorrected: 0, writeErrors: 0, lagMs: 0, sourceMessages: 0, reconnects: 0, stalls: 0,
};

const byName = (metrics: ReturnType<typeof streamMetrics>) => Object.fromEntries(metrics.map((m) => [m.name, [m.unit, m.value]]));

describe('streamMetrics', () => {
  it('reports the first interval in full, with the message rate over the interval and the latest lag', () => {
    const current = { ...zero, heartbeats: 3, sourceMessages: 150, reconnects: 1, stalls: 1, candlesBackfilled: 7, badTicksDropped: 2, lagMs: 1_250 };
    expect(byName(streamMetrics(undefined, current, 15_000))).toMatchObject({
      [STREAM_METRIC.heartbeats]: ['Count', 3],
      [STREAM_METRIC.messages]: ['Count', 150],
      [STREAM_METRIC.messageRate]: ['Count/Second', 10],
      [STREAM_METRIC.reconnects]: ['Count', 1],
      [STREAM_METRIC.stalls]: ['Count', 1],
      [STREAM_METRIC.candlesBackfilled]: ['Count', 7],
      [STREAM_METRIC.badTicks]: ['Count', 2],
      [STREAM_METRIC.lag]: ['Milliseconds', 1_250],
    });
  });

  it('reports later intervals as increases, and a zero heartbeat count when none was written (the alarm sees it)', () => {
    const previous = { ...zero, heartbeats: 3, sourceMessages: 150, candlesWritten: 10, lagMs: 900 };
    const current = { ...previous, sourceMessages: 165, candlesWritten: 11, lagMs: 1_100 };
    expect(byName(streamMetrics(previous, current, 15_000))).toMatchObject({
      [STREAM_METRIC.heartbeats]: ['Count', 0],
      [STREAM_METRIC.messages]: ['Count', 15],
      [STREAM_METRIC.messageRate]: ['Count/Second', 1],
      [STREAM_METRIC.candlesWritten]: ['Count', 1],
      [STREAM_METRIC.lag]: ['Milliseconds', 1_100],
    });
  });

  it('emits every metric each interval, so a dashboard never has holes while the stream runs', () => {
    expect(streamMetrics(undefined, zero, 0).map((m) => m.name).sort()).toEqual(Object.values(STREAM_METRIC).sort());
  });
});
