/**
 * The fast stress scenarios (shared/stress) on the embedded pipeline: each passes every criterion, and each
 * criterion FAILS when the observation it judges shows the defect it guards against (a tampered copy of the
 * real run), so no criterion can pass vacuously. One scenario also runs with a deliberately broken guard.
 */
import { describe, expect, it } from 'vitest';
import type { Observation } from '../../shared/stress/observe.js';
import type { Criterion, Scenario } from '../../shared/stress/scenario.js';
import { alertFlood, type AlertFloodObservation } from '../../shared/stress/scenarios/alert-flood.js';
import { disconnectStorm, type StormObservation } from '../../shared/stress/scenarios/disconnect-storm.js';
import { flashCrash } from '../../shared/stress/scenarios/flash-crash.js';
import { killSwitchTripReset, KILL_SWITCH_PLAN } from '../../shared/stress/scenarios/kill-switch.js';
import { CORRUPTIONS, policyCorruption, type PolicyObservation } from '../../shared/stress/scenarios/policy-corruption.js';
import { signalFlood, type FloodObservation } from '../../shared/stress/scenarios/signal-flood.js';
import { SCENARIOS } from '../../shared/stress/scenarios/index.js';

type Tamper<O> = (o: O) => O;
const BOOKS = 'books balance (ledger = replay of the fills)';
const RUNTIME = 'runtime clean, nothing dead-lettered';
const dropLastFill = <O extends Observation>(o: O): O => ({ ...o, fills: o.fills.slice(0, -1) });
const handlerError = <O extends Observation>(o: O): O => ({ ...o, summary: { ...o.summary, runtime: { ...o.summary.runtime, handlerErrors: 1 } } });
const tripAt = (o: Observation) => o.killSwitch!.history.find((e) => e.event === 'TRIP')!.at;
const failing = (criteria: readonly Criterion[]) => criteria.filter((c) => !c.pass).map((c) => c.name);

/** Runs the scenario once, checks every criterion passes, then that each tamper fails exactly the criterion it names. */
function suite<O extends Observation>(scenario: Scenario<O>, tampers: Record<string, Tamper<O>>, timeout = 40_000): void {
  describe(`stress scenario ${scenario.name}`, () => {
    let observed: O | undefined;
    it('passes every criterion on the embedded pipeline', async () => {
      observed = await scenario.observe();
      const criteria = scenario.judge(observed);
      expect(failing(criteria)).toEqual([]);
      expect(criteria.map((c) => c.name).sort()).toEqual(Object.keys(tampers).sort());
    }, timeout);
    it.each(Object.keys(tampers))('fails "%s" when the run shows that defect', (name) => {
      expect(observed, 'the scenario run above must have produced an observation').toBeDefined();
      expect(failing(scenario.judge(tampers[name]!(observed!)))).toContain(name);
    });
  });
}

suite(flashCrash, {
  'kill switch trips on a loss limit': (o) => ({ ...o, killSwitch: { ...o.killSwitch!, history: o.killSwitch!.history.map((e) => ({ ...e, by: 'operator', reason: 'manual' })) } }),
  'trips in the cascade': (o) => ({ ...o, killSwitch: { ...o.killSwitch!, history: o.killSwitch!.history.map((e) => ({ ...e, at: e.at + 3_600_000 })) } }),
  'exits still go out after the trip': (o) => ({ ...o, orders: o.orders.filter((x) => !(x.kind === 'exit' && x.createdAt >= tripAt(o))) }),
  'exit decisions refused after the trip': (o) => ({ ...o, decisions: o.decisions.map((d) => (d.kind === 'exit' && d.decidedAt >= tripAt(o) ? { ...d, approved: false } : d)) }),
  'no entry order after the trip': (o) => ({ ...o, orders: [...o.orders, { ...o.orders.find((x) => x.kind === 'entry')!, createdAt: tripAt(o) + 60_000 }] }),
  [BOOKS]: dropLastFill,
  [RUNTIME]: handlerError,
});

const halted = (t: number) => t >= KILL_SWITCH_PLAN.tripAt && t < KILL_SWITCH_PLAN.resetAt + KILL_SWITCH_PLAN.cooldownSeconds * 1000;
suite(killSwitchTripReset, {
  'no entry approved while not ARMED': (o) => ({ ...o, decisions: o.decisions.map((d) => (d.kind === 'entry' && halted(d.decidedAt) ? { ...d, approved: true } : d)) }),
  'entries refused KILL_SWITCH_NOT_ARMED while halted': (o) => ({ ...o, decisions: o.decisions.map((d) => ({ ...d, reasons: d.reasons.filter((r) => r.code !== 'KILL_SWITCH_NOT_ARMED') })) }),
  'no entry order created while not ARMED': (o) => ({ ...o, orders: [...o.orders, { ...o.orders.find((x) => x.kind === 'entry')!, createdAt: KILL_SWITCH_PLAN.tripAt + 60_000 }] }),
  'exits refused while halted': (o) => ({ ...o, decisions: [...o.decisions, { ...o.decisions.find((d) => d.kind === 'exit')!, decidedAt: KILL_SWITCH_PLAN.tripAt + 60_000, approved: false }] }),
  'entries resume after the cooldown': (o) => ({ ...o, orders: o.orders.filter((x) => x.createdAt < KILL_SWITCH_PLAN.tripAt) }),
  'switch history': (o) => ({ ...o, killSwitch: { ...o.killSwitch!, history: o.killSwitch!.history.slice(0, 1), status: 'TRIPPED' } }),
  'one alert per trip and per reset': (o) => ({ ...o, published: [...o.published, ...o.published.filter((a) => a.kind === 'KILL_SWITCH_TRIPPED')] }),
  [BOOKS]: (o) => ({ ...o, ledger: { ...o.ledger!, cash: o.ledger!.cash.add(1) } }),
  [RUNTIME]: (o) => ({ ...o, summary: { ...o.summary, deadLetters: { signals: 1, orders: 0 } } }),
});

suite<PolicyObservation>(policyCorruption, {
  'decisions while the item is corrupt': (o) => ({ ...o, decisions: o.decisions.filter((d) => d.decidedAt < CORRUPTIONS[0].at) }),
  'decisions under another policy than the last valid': (o) => ({ ...o, decisions: o.decisions.map((d) => (d.decidedAt >= CORRUPTIONS[0].at ? { ...d, policyHash: 'corrupt' } : d)) }),
  'corrupt versions recorded as rejected': (o) => ({ ...o, rejectedVersions: 1 }),
  'POLICY_REJECTED alerts: one per bad version': (o) => ({ ...o, published: o.published.filter((a) => a.kind !== 'POLICY_REJECTED') }),
  'the valid write takes over': (o) => ({ ...o, hashAfter: o.hashBefore }),
  [BOOKS]: dropLastFill,
  [RUNTIME]: (o) => ({ ...o, summary: { ...o.summary, runtime: { ...o.summary.runtime, undrainedPolls: 2 } } }),
});

const signalOut = (o: FloodObservation, f: (out: Record<string, unknown>) => Record<string, unknown>): FloodObservation => ({
  ...o, invocations: o.invocations.map((i) => (i.job === 'signal' ? { ...i, out: f(i.out) } : i)),
});
suite<FloodObservation>(signalFlood, {
  'cap holds in every cycle (runs sending more than max(cap, exits))': (o) => signalOut(o, (out) => ({ ...out, intents: Number(out['intents']) + Number(out['dropped']), exits: 0 })),
  'dropped signals counted': (o) => signalOut(o, (out) => ({ ...out, dropped: 0 })),
  'cycles that dropped filled the cap (sent = max(cap, exits))': (o) => signalOut(o, (out) => (Number(out['dropped']) > 0 ? { ...out, intents: 1, exits: 0 } : out)),
  'every sent intent decided (nothing lost past the cap)': (o) => ({ ...o, decisions: o.decisions.slice(1) }),
  'the same intents survive on a second run': (o) => ({ ...o, rerunSentIds: [...o.rerunSentIds.slice(1), 'another'] }),
  [BOOKS]: dropLastFill,
  [RUNTIME]: handlerError,
});

suite<StormObservation>(disconnectStorm, {
  'no entry approved while disconnected': (o) => ({ ...o, decisions: [...o.decisions, { ...o.decisions.find((d) => d.kind === 'entry' && d.approved)!, decidedAt: Date.UTC(2025, 9, 10, 8, 15, 5) }] }),
  'exits refused while disconnected': (o) => ({ ...o, decisions: [...o.decisions, { ...o.decisions.find((d) => d.kind === 'exit')!, decidedAt: Date.UTC(2025, 9, 10, 8, 15, 5), approved: false }] }),
  'every candle stored once the stream is back': (o) => ({ ...o, summary: { ...o.summary, candlesReplayed: o.summary.candlesReplayed - 7 } }),
  'entries resume after the last drop': (o) => ({ ...o, orders: o.orders.filter((x) => x.createdAt < Date.UTC(2025, 9, 10, 9)) }),
  'MARKET_DATA_STALE raised in every disconnected cycle and delivered': (o) => ({ ...o, published: o.published.filter((a) => a.kind !== 'MARKET_DATA_STALE').concat(o.published.filter((a) => a.kind === 'MARKET_DATA_STALE').slice(1)) }),
  [BOOKS]: dropLastFill,
  [RUNTIME]: handlerError,
});

suite<AlertFloodObservation>(alertFlood, {
  'flood published into the pipeline': (o) => ({ ...o, published: o.published.slice(1) }),
  'flood delivered at least once': (o) => ({ ...o, summary: { ...o.summary, alerts: { ...o.summary.alerts, byKind: { ...o.summary.alerts.byKind, STATE_UNREADABLE: 0 } } } }),
  'flood delivered at most 3 times (alert, ESCALATED, RESOLVED)': (o) => ({ ...o, summary: { ...o.summary, alerts: { ...o.summary.alerts, byKind: { ...o.summary.alerts.byKind, STATE_UNREADABLE: 4 } } } }),
  'dedup record counts every copy once': (o) => ({ ...o, record: { ...o.record!, sent: 5 } }),
  'a different alert mid-flood still delivered (KILL_SWITCH_TRIPPED)': (o) => ({ ...o, summary: { ...o.summary, alerts: { ...o.summary.alerts, byKind: { ...o.summary.alerts.byKind, KILL_SWITCH_TRIPPED: 0 } } } }),
  [RUNTIME]: handlerError,
});

describe('the stress suite', () => {
  it('runs every fast scenario in npm test (this file) and lists the slow ones for npm run stress', () => {
    expect(SCENARIOS.filter((s) => s.fast).map((s) => s.name).sort()).toEqual([alertFlood, disconnectStorm, flashCrash, killSwitchTripReset, policyCorruption, signalFlood].map((s) => s.name).sort());
  });

  it('fails the kill-switch scenario when the kill-switch guard is broken (every reader sees ARMED)', async () => {
    const o = await killSwitchTripReset.observe({ sabotage: 'kill-switch-ignored' });
    expect(failing(killSwitchTripReset.judge(o))).toEqual(expect.arrayContaining(['no entry approved while not ARMED', 'no entry order created while not ARMED']));
  }, 40_000);
});
