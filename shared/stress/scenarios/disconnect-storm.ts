import { booksBalance, runtimeClean } from '../books.js';
import { crashWindow } from '../crash-data.js';
import { override } from '../faults.js';
import { observe, type Observation } from '../observe.js';
import { busyPolicy } from '../policies.js';
import { atLeast, checkSabotage, criterion, equals, type Scenario } from '../scenario.js';

const M5 = 300_000;
const FROM = Date.UTC(2025, 9, 10, 8);
const TO = Date.UTC(2025, 9, 10, 11);
/** Candle closes (index from the first) at which the stream is disconnected: flapping, then one 30-minute drop, then flapping. */
export const DISCONNECTED_STEPS = [2, 4, 5, 8, 10, 11, 12, 15, 16, 17, 18, 19, 20, 23, 25, 26];
const disconnectedAt = new Set(DISCONNECTED_STEPS.map((i) => FROM + (i + 1) * M5));
const OUTAGES = DISCONNECTED_STEPS.filter((s, i) => DISCONNECTED_STEPS[i - 1] !== s - 1).length;
const LAST_DROP = FROM + (DISCONNECTED_STEPS.at(-1)! + 1) * M5;

/** What the storm measures besides the pipeline's state: candles the data held (all must be stored after the storm). */
export interface StormObservation extends Observation {
  readonly candlesInData: number;
}

/** The market stream drops and reconnects again and again: no entry on stale data, exits go on, nothing is lost. */
export const disconnectStorm: Scenario<StormObservation> = {
  name: 'disconnect-storm',
  title: `websocket disconnect storm: ${DISCONNECTED_STEPS.length} of 36 closes without the stream (flapping and a 30-minute drop)`,
  fast: true,
  sabotages: { 'stale-ignored': 'MARKET_DATA_STALE raised in every disconnected cycle and delivered' },
  async observe(options) {
    const sabotage = checkSabotage(this, options);
    const { candles, warmup } = await crashWindow({ from: FROM, to: TO });
    const o = await observe({
      candles, warmup, timeframe: '5m', policy: busyPolicy(),
      beforeStep: async (at) => !disconnectedAt.has(at),
      ...(sabotage === 'stale-ignored' ? {
        wrapDeps: (deps) => ({
          ...deps,
          market: override(deps.market, { getHeartbeat: async (source: string) => {
            const hb = await deps.market.getHeartbeat(source);
            return hb && { ...hb, time: deps.clock.now() };
          } }),
        }),
      } : {}),
    });
    return { ...o, candlesInData: Object.values(candles).reduce((n, c) => n + c.length, 0) };
  },
  judge(o) {
    const cut = (t: number) => disconnectedAt.has(Math.floor(t / M5) * M5);
    const entries = o.decisions.filter((d) => d.kind === 'entry' && cut(d.decidedAt));
    const exits = o.decisions.filter((d) => d.kind === 'exit' && cut(d.decidedAt));
    const stale = o.published.filter((a) => a.kind === 'MARKET_DATA_STALE').length;
    const delivered = o.summary.alerts.byKind['MARKET_DATA_STALE'] ?? 0;
    return [
      equals('no entry approved while disconnected', entries.filter((d) => d.approved).length, 0),
      equals('exits refused while disconnected', exits.filter((d) => !d.approved).length, 0),
      equals('every candle stored once the stream is back', o.summary.candlesReplayed, o.candlesInData),
      atLeast('entries resume after the last drop', o.orders.filter((x) => x.kind === 'entry' && x.createdAt > LAST_DROP + M5 && x.status === 'FILLED').length, 1),
      criterion('MARKET_DATA_STALE raised in every disconnected cycle and delivered', `published ${DISCONNECTED_STEPS.length}, delivered ≥ ${OUTAGES}`,
        `published ${stale}, delivered ${delivered} (with RESOLVED)`, stale === DISCONNECTED_STEPS.length && delivered >= OUTAGES),
      booksBalance(o),
      runtimeClean(o),
    ];
  },
};
