/**
 * The flood: 500 alerts of one type in 10 s (virtual time) through the whole notifier path on the emulators —
 * DedupingAlerts → SNS topic (fauxqs) → SQS subscription → the Slack notifier → a loopback webhook — deliver a
 * bounded number with the counts right, an escalation that mentions the channel, and one RESOLVED.
 */
import { describe, expect, it } from 'vitest';
import { createAlertNotifier } from '../../../functions/alert-notifier/notifier.js';
import { DynamoAlertStateStore } from '../../../shared/adapters/dynamo-alert-state-store.js';
import type { Alert } from '../../../shared/ports.js';
import { snsEventOf, useAlertEnv, useSlackStandIn } from './alert-env.js';

const env = useAlertEnv('flood');
const slack = useSlackStandIn();
const T0 = Date.UTC(2025, 0, 6, 7, 1, 0);
const FLOOD = 500;
const SPAN_MS = 10_000;

const unreadable = (key: string, at: number, n: number): Alert => ({
  severity: 'critical', kind: 'STATE_UNREADABLE', key, at, title: 'State unreadable: new orders stopped', message: `ledger item unreadable (#${n})`,
});

/** Delivers what reached the inbox through the notifier, as Lambda's SNS trigger would; returns the alerts. */
async function deliver(): Promise<Alert[]> {
  const messages = await env.drain();
  if (messages.length) await createAlertNotifier({ webhookUrl: async () => slack.url })(snsEventOf(messages.map((m) => m.body)));
  return messages.map((m) => m.alert);
}

describe('an alert flood through the notifier path', () => {
  it('500 alerts of one type in 10 s deliver one, then one ESCALATED reporting 499 suppressed, then one RESOLVED', async () => {
    const alerts = env.alerts();
    for (let i = 0; i < FLOOD; i++) await alerts.publish(unreadable('flood', T0 + Math.floor((i * SPAN_MS) / FLOOD), i));
    const during = await deliver();
    expect(during).toHaveLength(1);
    expect(during[0]!.message).toBe('ledger item unreadable (#0)');

    for (let t = T0 + 60_000; t <= T0 + 10 * 60_000; t += 60_000) await alerts.escalateDue(t); // the metrics cycle, each minute
    const escalated = await deliver();
    expect(escalated).toHaveLength(1);
    expect(escalated[0]).toMatchObject({ escalated: true, suppressed: { count: FLOOD - 1, since: T0 + 20 } });
    expect(escalated[0]!.message).toContain('(+499 similar suppressed since 07:01 UTC)');
    expect(escalated[0]!.message).toContain('ledger item unreadable (#499)');

    await alerts.resolve('STATE_UNREADABLE', 'flood', T0 + 11 * 60_000);
    await alerts.resolve('STATE_UNREADABLE', 'flood', T0 + 12 * 60_000);
    const resolved = await deliver();
    expect(resolved.map((a) => [a.severity, a.resolved])).toEqual([['info', true]]);

    const delivered = during.length + escalated.length + resolved.length;
    expect(delivered).toBeLessThanOrEqual(11);
    expect(slack.posts).toHaveLength(3);
    expect(slack.posts[1]!.text).toMatch(/^<!channel> 🚨 \[CRITICAL\] STATE_UNREADABLE: ESCALATED: State unreadable/);
    expect(JSON.stringify(slack.posts[1]!.blocks)).toContain('+499 similar suppressed since 07:01 UTC');
    expect(slack.posts.filter((p) => p.text.includes('<!channel>'))).toHaveLength(1);
    expect(JSON.stringify(slack.posts[2]!.blocks)).toContain('*RESOLVED*');
  });

  it('sends once when five Lambdas flood the same alert at the same time, and never counts a report twice', async () => {
    const lambdas = Array.from({ length: 5 }, () => env.alerts());
    await Promise.all(lambdas.map(async (alerts, l) => {
      for (let i = 0; i < FLOOD / lambdas.length; i++) await alerts.publish(unreadable('flood-5', T0 + i * 100, i * 5 + l));
    }));
    expect(await deliver()).toHaveLength(1);
    const stored = (await new DynamoAlertStateStore({ tableName: env.p.tables.state, client: env.ddb }).get('STATE_UNREADABLE', 'flood-5'))!.value;
    // Each write is conditional on the version read, so a count can only be lost (after 25 contended attempts), never doubled.
    expect(stored).toMatchObject({ sent: 1, suppressed: stored.seen - 1 });
    expect(stored.seen).toBeLessThanOrEqual(FLOOD);
    expect(stored.seen).toBeGreaterThan(FLOOD * 0.9);
  });
});
