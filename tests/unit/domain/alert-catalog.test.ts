import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MemoryAlerts } from '../../../shared/adapters/memory-alerts.js';
import {
  ALERT_CATALOG, ALERT_KINDS, alertRules, alertSpec, parseAlertOverrides, type AlertKind,
} from '../../../shared/domain/alert-catalog.js';
import { escalateStep, publishStep, resolveStep, type AlertEpisode } from '../../../shared/domain/alert-dedup.js';
import type { Alert } from '../../../shared/ports.js';

describe('alert catalogue', () => {
  it('refuses, at typecheck, a publish of a kind the catalogue does not list', async () => {
    const alerts = new MemoryAlerts();
    // @ts-expect-error NOT_IN_THE_MATRIX is not an AlertKind: every published kind must be catalogued.
    await alerts.publish({ severity: 'warning', kind: 'NOT_IN_THE_MATRIX', title: 't', message: 'm', at: 0 });
    const known: Alert['kind'] = 'ORDER_UNRESOLVED';
    expect(ALERT_KINDS).toContain(known);
  });

  it.each(ALERT_KINDS)('%s has a label, a key and windows that make sense', (kind) => {
    const spec = alertSpec(kind);
    expect(spec.label.length).toBeGreaterThan(5);
    expect(spec.keyDoc.length).toBeGreaterThan(2);
    expect(spec.key({}).length).toBeGreaterThan(0);
    if (spec.source === 'stratus') expect(spec.dedupSeconds).toBeGreaterThanOrEqual(60);
    expect(spec.escalateAfterSeconds).toBe(120);
    if (spec.source === 'stratus' && spec.severity === 'critical') expect(spec.escalation).not.toBe('never');
    if (spec.resolves) expect(ALERT_KINDS).toContain(spec.resolves);
  });

  it('covers every type the issue names', () => {
    const labels = Object.values(ALERT_CATALOG).map((s) => s.label.toLowerCase()).join('\n');
    for (const t of ['kill switch tripped', 'manual', 'reset', 'daily stop', 'weekly stop', 'max drawdown', 'latency', 'api error burst',
      'rejection burst', 'empty universe', 'errors', 'policy rejected', 'market data stale', 'reconcile drift', 'state unreadable',
      'order outcome unknown', 'alarm state change']) expect(labels).toContain(t);
  });

  it('keys instances from the details an emitter already sends', () => {
    expect(alertSpec('POLICY_REJECTED').key({ details: { rejectedVersion: 7 } })).toBe('v7');
    expect(alertSpec('ORDER_REJECTED').key({ details: { symbol: 'BTC/USDT' } })).toBe('BTC/USDT');
    expect(alertSpec('ORDER_UNRESOLVED').key({ details: { clientOrderId: 'stx-1' } })).toBe('stx-1');
    expect(alertSpec('KILL_SWITCH_RESET').key({})).toBe(alertSpec('KILL_SWITCH_TRIPPED').key({}));
  });

  it('is the README alert matrix: one row per published kind with its severity, window and escalation', () => {
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('### Alert matrix'), readme.indexOf('## Where each box lives'));
    for (const kind of ALERT_KINDS.filter((k) => alertSpec(k).source === 'stratus')) {
      const spec = alertSpec(kind);
      const row = section.split('\n').find((l) => l.startsWith(`| \`${kind}\` |`));
      expect(row, kind).toBeDefined();
      const cells = row!.split('|').map((c) => c.trim());
      expect(cells[3], kind).toContain(spec.severity);
      expect(cells[5], kind).toBe(`${spec.dedupSeconds} s`);
      expect(cells[6], kind).toBe(spec.escalation === 'never' ? '—' : spec.escalation);
    }
  });

  it('applies a deployment override over the defaults, per kind', () => {
    const parsed = parseAlertOverrides('{"MARKET_DATA_STALE":{"dedupSeconds":300},"KILL_SWITCH_TRIPPED":{"escalateAfterSeconds":600}}');
    if (!('overrides' in parsed)) throw new Error(parsed.problem);
    expect(alertRules('MARKET_DATA_STALE', parsed.overrides)).toEqual({ dedupMs: 300_000, escalateMs: 120_000, escalation: 'unresolved' });
    expect(alertRules('KILL_SWITCH_TRIPPED', parsed.overrides).escalateMs).toBe(600_000);
    expect(alertRules('ORDER_REJECTED', parsed.overrides).dedupMs).toBe(60_000);
  });

  it.each([
    ['not json', /not JSON/],
    ['{"NO_SUCH_KIND":{"dedupSeconds":1}}', /NO_SUCH_KIND/],
    ['{"ORDER_REJECTED":{"dedupSeconds":-1}}', /ORDER_REJECTED\.dedupSeconds/],
    ['{"ORDER_REJECTED":{"windowSeconds":60}}', /ORDER_REJECTED/],
  ])('refuses the override %s', (text, problem) => {
    const parsed = parseAlertOverrides(text);
    expect('problem' in parsed && parsed.problem).toMatch(problem);
  });
});

describe('alert dedup steps', () => {
  const rules = alertRules('STATE_UNREADABLE');
  const alert = (at: number, severity: Alert['severity'] = 'critical'): Alert & { key: string } => ({
    severity, kind: 'STATE_UNREADABLE' as AlertKind, key: 'state', at, title: 'State unreadable', message: 'm',
  });

  it('sends the first report, counts repeats in the window, and sends again with the count once the window passed', () => {
    let e: AlertEpisode | undefined;
    const sent: (number | undefined)[] = [];
    for (const at of [0, 1_000, 59_999, 60_000]) {
      const s = publishStep(e, alert(at), rules);
      e = s.next;
      sent.push(s.send?.suppressed?.count ?? (s.send ? 0 : undefined));
    }
    expect(sent).toEqual([0, undefined, undefined, 2]);
    expect(e).toMatchObject({ seen: 4, sent: 2, suppressed: 0, firstSeenAt: 0, lastSentAt: 60_000, escalateAt: 120_000 });
  });

  it('escalates once, and a resolve after it sends one RESOLVED and clears the escalation', () => {
    let e = publishStep(undefined, alert(0), rules).next;
    e = publishStep(e, alert(10_000), rules).next;
    expect(escalateStep(e, 119_999, rules)).toBeUndefined();
    const escalated = escalateStep(e, 120_000, rules)!;
    expect(escalated.send).toMatchObject({ escalated: true, title: 'ESCALATED: State unreadable', suppressed: { count: 1, since: 10_000 } });
    expect(escalateStep(escalated.next, 600_000, rules)).toBeUndefined();
    const resolved = resolveStep(escalated.next, 700_000)!;
    expect(resolved.send).toMatchObject({ resolved: true, severity: 'info', title: 'RESOLVED: State unreadable' });
    expect(resolveStep(resolved.next, 800_000)).toBeUndefined();
  });
});
