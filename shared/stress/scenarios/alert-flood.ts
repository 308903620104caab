import { DynamoAlertStateStore } from '../../adapters/dynamo-alert-state-store.js';
import { SnsAlerts } from '../../adapters/sns-alerts.js';
import type { Alert } from '../../domain/alert-dedup.js';
import { tripKillSwitchNow } from '../../services/trip-kill-switch.js';
import { runtimeClean } from '../books.js';
import { crashWindow } from '../crash-data.js';
import { observe, type Observation } from '../observe.js';
import { busyPolicy } from '../policies.js';
import { atLeast, atMost, checkSabotage, criterion, type Scenario } from '../scenario.js';

const M5 = 300_000;
const FROM = Date.UTC(2025, 9, 10, 8);
const TO = Date.UTC(2025, 9, 10, 9, 30);
/** 500 critical alerts of one condition within 10 s, a kill-switch trip in the middle, the condition resolved 30 minutes later. */
export const FLOOD = { size: 500, spanMs: 10_000, at: FROM + 4 * M5, resolveAt: FROM + 10 * M5 } as const;

/** What the flood measures besides the pipeline's state: the dedup record of the flooded condition before it resolved. */
export interface AlertFloodObservation extends Observation {
  readonly record: { readonly seen: number; readonly sent: number; readonly suppressed: number } | undefined;
}

const unreadable = (at: number, n: number): Alert => ({
  severity: 'critical', kind: 'STATE_UNREADABLE', key: 'stress-flood', at, title: 'State unreadable: new orders stopped', message: `ledger item unreadable (#${n})`,
});

/** An alert flood inside a running pipeline: one delivery, one escalation, one RESOLVED; other alerts still get through. */
export const alertFlood: Scenario<AlertFloodObservation> = {
  name: 'alert-flood',
  title: `alert flood: ${FLOOD.size} critical STATE_UNREADABLE in 10 s mid-session, a kill-switch trip in the middle`,
  fast: true,
  sabotages: { 'no-dedup': 'flood delivered at most 3 times (alert, ESCALATED, RESOLVED)' },
  async observe(options) {
    const sabotage = checkSabotage(this, options);
    const { candles, warmup } = await crashWindow({ from: FROM, to: TO });
    let record: AlertFloodObservation['record'];
    const o = await observe({
      candles, warmup, timeframe: '5m', policy: busyPolicy(),
      ...(sabotage === 'no-dedup' ? { wrapDeps: (deps) => ({ ...deps, alerts: new SnsAlerts({ topicArn: deps.config.alertTopicArn }) }) } : {}),
      beforeStep: async (at, deps) => {
        if (at === FLOOD.at) {
          for (let i = 0; i < FLOOD.size; i++) {
            await deps.alerts.publish(unreadable(at + Math.floor((i * FLOOD.spanMs) / FLOOD.size), i));
            if (i === FLOOD.size / 2) await tripKillSwitchNow(deps, { reason: 'stress: trip during an alert flood', by: 'stress-operator' });
          }
        }
        if (at === FLOOD.resolveAt) {
          const stored = await new DynamoAlertStateStore({ tableName: deps.config.tables.state }).get('STATE_UNREADABLE', 'stress-flood');
          record = stored && { seen: stored.value.seen, sent: stored.value.sent, suppressed: stored.value.suppressed };
          await deps.alerts.resolve('STATE_UNREADABLE', 'stress-flood', at);
          await deps.alerts.resolve('STATE_UNREADABLE', 'stress-flood', at + 60_000);
        }
      },
    });
    return { ...o, record };
  },
  judge(o) {
    const delivered = o.summary.alerts.byKind['STATE_UNREADABLE'] ?? 0;
    const r = o.record;
    return [
      criterion('flood published into the pipeline', `${FLOOD.size}`, o.published.filter((a) => a.kind === 'STATE_UNREADABLE').length,
        o.published.filter((a) => a.kind === 'STATE_UNREADABLE').length === FLOOD.size),
      atLeast('flood delivered at least once', delivered, 1),
      atMost('flood delivered at most 3 times (alert, ESCALATED, RESOLVED)', delivered, 3),
      criterion('dedup record counts every copy once', `seen ${FLOOD.size}, sent 1-2 (the alert, its escalation reporting the rest)`,
        r ? `seen ${r.seen}, sent ${r.sent}, suppressed since last send ${r.suppressed}` : 'no record', !!r && r.seen === FLOOD.size && r.sent >= 1 && r.sent <= 2),
      atLeast('a different alert mid-flood still delivered (KILL_SWITCH_TRIPPED)', o.summary.alerts.byKind['KILL_SWITCH_TRIPPED'] ?? 0, 1),
      runtimeClean(o),
    ];
  },
};
