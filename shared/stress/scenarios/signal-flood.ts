import { booksBalance, runtimeClean } from '../books.js';
import { crashWindow } from '../crash-data.js';
import { observe, type Observation } from '../observe.js';
import { busyPolicy } from '../policies.js';
import { checkSabotage, criterion, equals, type Scenario } from '../scenario.js';

const FROM = Date.UTC(2025, 9, 10, 20, 45);
const TO = Date.UTC(2025, 9, 10, 21, 45);
/** signals.maxIntentsPerCycle of the flood. */
export const FLOOD_CAP = 2;

/** Three strategies on seven pairs into the cascade: every pair signals at once. */
const floodPolicy = (cap: number) => busyPolicy({
  strategies: [
    { name: 'rsi-reversion', params: { period: 4, oversold: 40, exitLevel: 55 } },
    { name: 'momentum', params: {} },
    { name: 'sma-cross', params: {} },
  ],
  signals: { maxIntentsPerCycle: cap },
});

/** What the flood measures: the run, and which intents a second identical run sent. */
export interface FloodObservation extends Observation {
  readonly cap: number;
  readonly sentIds: readonly string[];
  readonly rerunSentIds: readonly string[];
}

const sentIds = (o: Observation) => o.decisions.map((d) => d.intentId).sort();
const signalRuns = (o: Observation) => o.invocations.filter((i) => i.job === 'signal').map((i) => ({
  sent: Number(i.out['intents'] ?? 0), exits: Number(i.out['exits'] ?? 0), dropped: Number(i.out['dropped'] ?? 0),
}));

/** More intents per cycle than the cap: the signal function sends the best-ranked, counts the rest, the same way every run. */
export const signalFlood: Scenario<FloodObservation> = {
  name: 'signal-flood',
  title: `signal flood: 3 strategies × 7 pairs into the cascade, signals.maxIntentsPerCycle ${FLOOD_CAP}`,
  fast: true,
  sabotages: { 'no-cap': 'cap holds in every cycle (runs sending more than max(cap, exits))' },
  async observe(options) {
    const sabotage = checkSabotage(this, options);
    const cap = sabotage === 'no-cap' ? 10_000 : FLOOD_CAP;
    const { candles, warmup } = await crashWindow({ from: FROM, to: TO, warmupMs: 6 * 3_600_000 });
    const first = await observe({ candles, warmup, timeframe: '5m', policy: floodPolicy(cap) });
    const again = await observe({ candles, warmup, timeframe: '5m', policy: floodPolicy(cap) });
    return { ...first, cap: FLOOD_CAP, sentIds: sentIds(first), rerunSentIds: sentIds(again) };
  },
  judge(o) {
    const runs = signalRuns(o);
    const sent = runs.reduce((n, r) => n + r.sent, 0);
    const dropped = runs.reduce((n, r) => n + r.dropped, 0);
    const full = runs.filter((r) => r.dropped > 0);
    return [
      equals('cap holds in every cycle (runs sending more than max(cap, exits))', runs.filter((r) => r.sent > Math.max(o.cap, r.exits)).length, 0),
      criterion('dropped signals counted', '≥ 1 dropped', `${dropped} dropped, ${sent} sent over ${runs.length} cycles (${full.length} capped)`, dropped >= 1),
      equals('cycles that dropped filled the cap (sent = max(cap, exits))', full.filter((r) => r.sent !== Math.max(o.cap, r.exits)).length, 0),
      equals('every sent intent decided (nothing lost past the cap)', o.decisions.length, sent),
      criterion('the same intents survive on a second run', 'identical intent ids', `${o.sentIds.length} vs ${o.rerunSentIds.length}, ${o.sentIds.filter((id, i) => id !== o.rerunSentIds[i]).length} differ`,
        o.sentIds.length === o.rerunSentIds.length && o.sentIds.every((id, i) => id === o.rerunSentIds[i])),
      booksBalance(o),
      runtimeClean(o),
    ];
  },
};
