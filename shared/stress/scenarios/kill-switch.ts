import { effectiveStatus } from '../../domain/kill-switch.js';
import { resetKillSwitchNow, tripKillSwitchNow } from '../../services/trip-kill-switch.js';
import { booksBalance, runtimeClean } from '../books.js';
import { crashWindow } from '../crash-data.js';
import { busyPolicy } from '../policies.js';
import { killSwitchIgnored } from '../faults.js';
import { observe, type Observation } from '../observe.js';
import { atLeast, checkSabotage, criterion, equals, type Scenario } from '../scenario.js';

const H = 3_600_000;
const FROM = Date.UTC(2025, 9, 10, 8);
const TO = Date.UTC(2025, 9, 10, 12);
/** Operator trip, operator reset, and the end of the reset's cooldown. */
export const KILL_SWITCH_PLAN = { tripAt: FROM + 1 * H, resetAt: FROM + 2 * H, cooldownSeconds: 1800 } as const;
const ARMED_AT = KILL_SWITCH_PLAN.resetAt + KILL_SWITCH_PLAN.cooldownSeconds * 1000;

/** Operator trips the switch mid-session and resets it later: the halt holds through the cooldown, then entries resume. */
export const killSwitchTripReset: Scenario<Observation> = {
  name: 'kill-switch',
  title: 'operator trip and reset: no entry from the trip to the end of the cooldown, exits allowed, entries resume after',
  fast: true,
  sabotages: { 'kill-switch-ignored': 'no entry approved while not ARMED', 'no-cooldown': 'no entry approved while not ARMED' },
  async observe(options) {
    const sabotage = checkSabotage(this, options);
    const { candles, warmup } = await crashWindow({ from: FROM, to: TO });
    const policy = busyPolicy({ killSwitch: { maxConsecutiveLosses: 0, cooldownSeconds: sabotage === 'no-cooldown' ? 0 : KILL_SWITCH_PLAN.cooldownSeconds } });
    return observe({
      candles, warmup, timeframe: '5m', policy, ...(sabotage === 'kill-switch-ignored' ? { wrapDeps: killSwitchIgnored } : {}),
      beforeStep: async (at, deps) => {
        if (at === KILL_SWITCH_PLAN.tripAt) await tripKillSwitchNow(deps, { reason: 'stress: operator halt', by: 'stress-operator' });
        if (at === KILL_SWITCH_PLAN.resetAt) await resetKillSwitchNow(deps, { reason: 'stress: operator reset', by: 'stress-operator' });
      },
    });
  },
  judge(o) {
    const halted = (t: number) => t >= KILL_SWITCH_PLAN.tripAt && t < ARMED_AT;
    const entries = o.decisions.filter((d) => d.kind === 'entry' && halted(d.decidedAt));
    const exits = o.decisions.filter((d) => d.kind === 'exit' && halted(d.decidedAt));
    const events = (o.killSwitch?.history ?? []).map((e) => `${e.event}@${new Date(e.at).toISOString().slice(11, 16)}`).join(' ');
    const byKind = o.summary.alerts.byKind;
    const count = (kind: string) => o.published.filter((a) => a.kind === kind).length;
    return [
      equals('no entry approved while not ARMED', entries.filter((d) => d.approved).length, 0),
      atLeast('entries refused KILL_SWITCH_NOT_ARMED while halted', entries.filter((d) => d.reasons.some((r) => r.code === 'KILL_SWITCH_NOT_ARMED')).length, 1),
      equals('no entry order created while not ARMED', o.orders.filter((x) => x.kind === 'entry' && halted(x.createdAt)).length, 0),
      equals('exits refused while halted', exits.filter((d) => !d.approved).length, 0),
      atLeast('entries resume after the cooldown', o.orders.filter((x) => x.kind === 'entry' && x.createdAt >= ARMED_AT && x.status === 'FILLED').length, 1),
      criterion('switch history', 'TRIP@09:00 RESET@10:00, ARMED at the end', `${events}, ${effectiveStatus(o.killSwitch, Date.parse(o.summary.window.to))}`,
        events === 'TRIP@09:00 RESET@10:00' && effectiveStatus(o.killSwitch, Date.parse(o.summary.window.to)) === 'ARMED'),
      criterion('one alert per trip and per reset', 'published 1 + 1; delivered ≤ 2 trip (one ESCALATED re-send) + 1 reset',
        `published ${count('KILL_SWITCH_TRIPPED')} + ${count('KILL_SWITCH_RESET')}; delivered ${byKind['KILL_SWITCH_TRIPPED'] ?? 0} + ${byKind['KILL_SWITCH_RESET'] ?? 0}`,
        count('KILL_SWITCH_TRIPPED') === 1 && count('KILL_SWITCH_RESET') === 1 && (byKind['KILL_SWITCH_TRIPPED'] ?? 0) >= 1
          && (byKind['KILL_SWITCH_TRIPPED'] ?? 0) <= 2 && byKind['KILL_SWITCH_RESET'] === 1),
      booksBalance(o),
      runtimeClean(o),
    ];
  },
};
