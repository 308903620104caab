/**
 * The alert matrix on the emulators: DedupingAlerts over SNS (fauxqs, topic → SQS inbox) with its episodes in
 * the state table (dynalite). Each test uses its own key, so the shared table starts clean for it.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { DedupingAlerts } from '../../../shared/adapters/deduping-alerts.js';
import { DynamoAlertStateStore } from '../../../shared/adapters/dynamo-alert-state-store.js';
import { MemoryAlerts } from '../../../shared/adapters/memory-alerts.js';
import type { Alert } from '../../../shared/ports.js';
import { useAlertEnv } from './alert-env.js';

const env = useAlertEnv('dedup');
const T0 = Date.UTC(2025, 0, 6, 7, 0, 0);
const S = 1000;

// The sweep sees every episode in the table: escalate what earlier tests left due, then start from an empty inbox.
beforeEach(async () => {
  await env.alerts().escalateDue(T0 + 86_400 * S);
  await env.drain();
});

const rejected = (key: string, at: number, over: Partial<Alert> = {}): Alert => ({
  severity: 'warning', kind: 'ORDER_REJECTED', key, at, title: `Order rejected on ${key}`, message: 'insufficient balance', ...over,
});
const unreadable = (key: string, at: number): Alert => ({
  severity: 'critical', kind: 'STATE_UNREADABLE', key, at, title: 'State unreadable: new orders stopped', message: 'ledger item unreadable',
});

describe('dedup', () => {
  it('sends one alert per type and key within the window, and the next send carries the count suppressed since', async () => {
    const alerts = env.alerts();
    for (const dt of [0, 10, 20, 59]) await alerts.publish(rejected('dedup-1', T0 + dt * S));
    expect(await env.drain()).toHaveLength(1);

    await alerts.publish(rejected('dedup-1', T0 + 61 * S));
    const [next, ...more] = await env.drain();
    expect(more).toEqual([]);
    expect(next!.alert.suppressed).toEqual({ count: 3, since: T0 + 10 * S });
    expect(next!.alert.message).toBe('insufficient balance (+3 similar suppressed since 07:00 UTC)');
  });

  it('keeps instances apart: the same kind with another key is sent at once', async () => {
    const alerts = env.alerts();
    await alerts.publish(rejected('dedup-2a', T0));
    await alerts.publish(rejected('dedup-2b', T0 + S));
    expect((await env.drain()).map((m) => m.alert.key)).toEqual(['dedup-2a', 'dedup-2b']);
  });

  it('derives the key from the catalogue when the emitter gives none (ORDER_REJECTED: the symbol)', async () => {
    const alerts = env.alerts();
    const bySymbol = (symbol: string, at: number): Alert => ({ ...rejected('x', at), key: undefined, details: { symbol } });
    await alerts.publish(bySymbol('DOGE/USDT', T0));
    await alerts.publish(bySymbol('DOGE/USDT', T0 + S));
    await alerts.publish(bySymbol('PEPE/USDT', T0 + 2 * S));
    expect((await env.drain()).map((m) => m.alert.key)).toEqual(['DOGE/USDT', 'PEPE/USDT']);
  });

  it('sends a more severe report of an instance at once, inside the window', async () => {
    const alerts = env.alerts();
    const stale = (severity: Alert['severity'], at: number): Alert => ({
      severity, kind: 'MARKET_DATA_STALE', key: 'dedup-3', at, title: 'Market data is stale', message: 'no heartbeat',
    });
    await alerts.publish(stale('warning', T0));
    await alerts.publish(stale('warning', T0 + 60 * S));
    await alerts.publish(stale('critical', T0 + 120 * S));
    expect((await env.drain()).map((m) => [m.alert.severity, m.alert.suppressed?.count])).toEqual([['warning', undefined], ['critical', 1]]);
  });

  it('uses each type’s window: MARKET_DATA_STALE (900 s) stays quiet at +60 s while ORDER_REJECTED (60 s) is sent again', async () => {
    const alerts = env.alerts();
    const stale = (at: number): Alert => ({ severity: 'warning', kind: 'MARKET_DATA_STALE', key: 'dedup-4', at, title: 'stale', message: 'm' });
    for (const at of [T0, T0 + 60 * S]) {
      await alerts.publish(stale(at));
      await alerts.publish(rejected('dedup-4', at));
    }
    expect((await env.drain()).map((m) => m.alert.kind)).toEqual(['MARKET_DATA_STALE', 'ORDER_REJECTED', 'ORDER_REJECTED']);
    await alerts.publish(stale(T0 + 900 * S));
    expect((await env.drain()).map((m) => m.alert.suppressed)).toEqual([{ count: 1, since: T0 + 60 * S }]);
  });

  it('takes a deployment override of a type’s window', async () => {
    const alerts = env.alerts({ ORDER_REJECTED: { dedupSeconds: 300 } });
    for (const dt of [0, 61, 299, 300]) await alerts.publish(rejected('dedup-5', T0 + dt * S));
    expect((await env.drain()).map((m) => m.alert.at)).toEqual([T0, T0 + 300 * S]);
  });

  it('sends once when several Lambdas publish the same alert at the same moment (the conditional write decides)', async () => {
    const lambdas = Array.from({ length: 8 }, () => env.alerts());
    await Promise.all(lambdas.map((a) => a.publish(unreadable('dedup-6', T0))));
    expect(await env.drain()).toHaveLength(1);
    const stored = await new DynamoAlertStateStore({ tableName: env.p.tables.state, client: env.ddb }).get('STATE_UNREADABLE', 'dedup-6');
    expect(stored?.value).toMatchObject({ seen: 8, sent: 1, suppressed: 7 });
  });

  it('fails open: with the episode store unreachable the alert is still sent, undeduped', async () => {
    const sent = new MemoryAlerts();
    const errors: string[] = [];
    const alerts = new DedupingAlerts({
      inner: sent, store: new DynamoAlertStateStore({ tableName: 'no-such-table', client: env.ddb }), onStoreError: (_e, kind) => errors.push(kind),
    });
    await alerts.publish(rejected('dedup-7', T0));
    await alerts.publish(rejected('dedup-7', T0 + S));
    expect(sent.published).toHaveLength(2);
    expect(errors).toEqual(['ORDER_REJECTED', 'ORDER_REJECTED']);
  });

  it('puts the episode back when the send fails, so the retry is sent rather than counted as a repeat', async () => {
    let fail = true;
    const sent = new MemoryAlerts();
    const alerts = new DedupingAlerts({
      inner: { publish: async (a) => { if (fail) throw new Error('SNS down'); await sent.publish(a); } },
      store: new DynamoAlertStateStore({ tableName: env.p.tables.state, client: env.ddb }),
    });
    await expect(alerts.publish(rejected('dedup-8', T0))).rejects.toThrow('SNS down');
    fail = false;
    await alerts.publish(rejected('dedup-8', T0 + S));
    expect(sent.published.map((a) => a.at)).toEqual([T0 + S]);
  });
});

describe('escalation', () => {
  const trip = (key: string, at: number): Alert => ({
    severity: 'critical', kind: 'KILL_SWITCH_TRIPPED', key, at, title: 'Kill switch tripped: MAX_DRAWDOWN by metrics', message: 'drawdown 12%',
    details: { code: 'MAX_DRAWDOWN' },
  });

  it('re-sends a critical condition unresolved after 2 minutes once, marked ESCALATED, with what was suppressed', async () => {
    const alerts = env.alerts();
    await alerts.publish(trip('esc-1', T0));
    await alerts.publish(trip('esc-1', T0 + 30 * S));
    expect(await alerts.escalateDue(T0 + 119 * S)).toBe(0);
    expect(await alerts.escalateDue(T0 + 120 * S)).toBe(1);
    expect(await alerts.escalateDue(T0 + 600 * S)).toBe(0);
    const [first, escalated, ...more] = await env.drain();
    expect(more).toEqual([]);
    expect(first!.alert.escalated).toBeUndefined();
    expect(escalated!.alert).toMatchObject({
      kind: 'KILL_SWITCH_TRIPPED', severity: 'critical', escalated: true, title: 'ESCALATED: Kill switch tripped: MAX_DRAWDOWN by metrics',
      suppressed: { count: 1, since: T0 + 30 * S },
    });
    expect(escalated!.alert.message).toContain('still unresolved 2 min after 07:00 UTC');
  });

  it('does not escalate a warning, nor a one-shot critical of a repeating type; escalates it once reported again', async () => {
    const alerts = env.alerts();
    await alerts.publish(rejected('esc-2', T0));
    await alerts.publish(unreadable('esc-2-once', T0));
    await alerts.publish(unreadable('esc-2-again', T0));
    await alerts.publish(unreadable('esc-2-again', T0 + 30 * S));
    expect(await alerts.escalateDue(T0 + 120 * S)).toBe(1);
    expect(await alerts.escalateDue(T0 + 10 * 60 * S)).toBe(0);
    expect((await env.drain()).map((m) => [m.alert.key, m.alert.escalated ?? false])).toEqual([
      ['esc-2', false], ['esc-2-once', false], ['esc-2-again', false], ['esc-2-again', true],
    ]);
  });

  it('escalates after the overridden window', async () => {
    const alerts = env.alerts({ KILL_SWITCH_TRIPPED: { escalateAfterSeconds: 600 } });
    await alerts.publish(trip('esc-3', T0));
    expect(await alerts.escalateDue(T0 + 599 * S)).toBe(0);
    expect(await alerts.escalateDue(T0 + 600 * S)).toBe(1);
  });

  it('escalates once when two metrics cycles sweep at the same moment', async () => {
    const alerts = env.alerts();
    await alerts.publish(trip('esc-4', T0));
    const swept = await Promise.all([env.alerts().escalateDue(T0 + 200 * S), env.alerts().escalateDue(T0 + 200 * S)]);
    expect(swept.sort()).toEqual([0, 1]);
    expect((await env.drain()).filter((m) => m.alert.escalated)).toHaveLength(1);
  });
});

describe('resolution', () => {
  const stale = (key: string, at: number): Alert => ({
    severity: 'critical', kind: 'MARKET_DATA_STALE', key, at, title: 'Market stream down: degraded mode, no new entries', message: 'no heartbeat',
  });

  it('sends exactly one RESOLVED for a cleared condition, and nothing for one never alerted', async () => {
    const alerts = env.alerts();
    await alerts.publish(stale('res-1', T0));
    await alerts.publish(stale('res-1', T0 + 60 * S));
    await alerts.resolve('MARKET_DATA_STALE', 'res-1', T0 + 90 * S);
    await alerts.resolve('MARKET_DATA_STALE', 'res-1', T0 + 150 * S);
    await alerts.resolve('MARKET_DATA_STALE', 'res-never', T0 + 150 * S);
    expect(await alerts.escalateDue(T0 + 600 * S)).toBe(0);
    const [, resolved, ...more] = await env.drain();
    expect(more).toEqual([]);
    expect(resolved!.alert).toMatchObject({
      kind: 'MARKET_DATA_STALE', key: 'res-1', severity: 'info', resolved: true,
      title: 'RESOLVED: Market stream down: degraded mode, no new entries', suppressed: { count: 1, since: T0 + 60 * S },
    });
    expect(resolved!.alert.message).toMatch(/^Cleared at 07:01 UTC, 2 min after it was first seen at 07:00 UTC \(2 reports, 1 sent\)\./);
  });

  it('opens a new episode when the condition comes back after its RESOLVED', async () => {
    const alerts = env.alerts();
    await alerts.publish(stale('res-2', T0));
    await alerts.resolve('MARKET_DATA_STALE', 'res-2', T0 + 10 * S);
    await alerts.publish(stale('res-2', T0 + 20 * S));
    expect((await env.drain()).map((m) => m.alert.resolved ?? false)).toEqual([false, true, false]);
  });

  it('closes the trip with the reset: KILL_SWITCH_RESET goes out marked resolved and the trip no longer escalates', async () => {
    const alerts = env.alerts();
    await alerts.publish({ severity: 'critical', kind: 'KILL_SWITCH_TRIPPED', at: T0, title: 'Kill switch tripped: MANUAL by alice', message: 'm' });
    await alerts.publish({ severity: 'warning', kind: 'KILL_SWITCH_RESET', at: T0 + 60 * S, title: 'Kill switch reset by alice', message: 'm' });
    expect(await alerts.escalateDue(T0 + 600 * S)).toBe(0);
    const sent = (await env.drain()).map((m) => m.alert);
    expect(sent.map((a) => [a.kind, a.key, a.resolved ?? false])).toEqual([
      ['KILL_SWITCH_TRIPPED', 'kill-switch', false], ['KILL_SWITCH_RESET', 'kill-switch', true],
    ]);
  });
});
