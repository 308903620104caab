/**
 * Hostile inputs to the go-live gate: sign-off identities that differ only in case or spacing, one person in two
 * roles, records dated in the future, a forged verdict whose `passed` disagrees with its checks, and an override
 * that outlived a later failing verdict. Domain cases on readinessMissing; the raw records through DynamoPolicyStore
 * on dynalite (the functions' load path).
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoPolicyStore } from '../../shared/adapters/dynamo-policy-store.js';
import { DynamoReadinessStore } from '../../shared/adapters/dynamo-readiness-store.js';
import { defaultPolicy } from '../../shared/domain/policy.js';
import { READINESS_CODES, readinessMissing, type ReadinessFacts } from '../../shared/domain/readiness.js';
import { provision } from '../../shared/local/provision.js';
import { useDynalite } from '../support/dynalite-suite.js';

const goLive = defaultPolicy().goLive;
const AT = Date.UTC(2024, 3, 1);
const DAY = 86_400_000;
const passing = READINESS_CODES.map((code) => ({ code, status: 'PASS' as const, evidence: 'ok' }));
const passed = { at: AT, passed: true, by: 'op', checks: passing };
const sign = (role: string, by: string, at: number) => ({ role, by, at, note: '' });

describe('the go-live gate against hostile records (readinessMissing)', () => {
  it('refuses an override signed off by its own author spelled in another case or with spaces', () => {
    for (const by of ['Olga', ' olga ', 'OLGA']) {
      const facts: ReadinessFacts = { signoffs: [sign('override', by, AT + 1)], override: { by: 'olga', reason: 'r', at: AT } };
      expect(readinessMissing(goLive, facts).join('\n')).toMatch(/override by olga needs a sign-off in role override by someone else/);
    }
  });

  it('refuses one person signing off for two required roles (four eyes), whatever the case of the name', () => {
    const facts: ReadinessFacts = { verdict: passed, signoffs: [sign('trader', 'tess', AT + 1), sign('risk', 'Tess', AT + 2)] };
    expect(readinessMissing(goLive, facts).join('\n')).toMatch(/sign-off by role risk by someone who did not sign for another role/);
    const fixed: ReadinessFacts = { verdict: passed, signoffs: [...facts.signoffs, sign('trader', 'tom', AT + 3)] };
    expect(readinessMissing(goLive, fixed)).toEqual([]); // tom for trader, tess for risk
  });

  it('refuses a verdict record saying passed over failing or missing checks', () => {
    const signoffs = [sign('trader', 'tess', AT + 1), sign('risk', 'rick', AT + 2)];
    const failing = passing.map((c) => (c.code === 'EXCHANGE_KEYS' ? { ...c, status: 'UNKNOWN' as const } : c));
    expect(readinessMissing(goLive, { verdict: { ...passed, checks: failing }, signoffs }).join('\n')).toMatch(/did not pass: EXCHANGE_KEYS UNKNOWN/);
    expect(readinessMissing(goLive, { verdict: { ...passed, checks: [] }, signoffs }).join('\n')).toMatch(/did not pass: checks missing/);
  });

  it('refuses a verdict record listing a check twice, once PASS and once FAIL', () => {
    const signoffs = [sign('trader', 'tess', AT + 1), sign('risk', 'rick', AT + 2)];
    const twice = [...passing, { code: 'KILL_SWITCH_DRILL' as const, status: 'FAIL' as const, evidence: 'never tripped' }];
    expect(readinessMissing(goLive, { verdict: { ...passed, checks: twice }, signoffs }).join('\n')).toMatch(/did not pass: KILL_SWITCH_DRILL FAIL/);
  });

  it('does not count sign-offs dated after the records were read (a clock ahead pre-signs the next verdict)', () => {
    const facts: ReadinessFacts = { verdict: passed, signoffs: [sign('trader', 'tess', AT + 30 * DAY), sign('risk', 'rick', AT + 1)], readAt: AT + DAY };
    expect(readinessMissing(goLive, facts).join('\n')).toMatch(/sign-off by role trader/);
  });

  it('a failing verdict recorded after a signed-off override closes the gate again', () => {
    const override = { by: 'olga', reason: 'keys not reported', at: AT };
    const facts: ReadinessFacts = {
      override, signoffs: [sign('override', 'rick', AT + 1)],
      verdict: { at: AT + DAY, passed: false, by: 'op', checks: passing.map((c) => (c.code === 'RECONCILE_CLEAN' ? { ...c, status: 'FAIL' as const } : c)) },
    };
    expect(readinessMissing(goLive, facts).join('\n')).toMatch(/did not pass: RECONCILE_CLEAN FAIL[\s\S]*override by olga was superseded/);
  });
});

describe('a raw LIVE policy under forged or future-dated GOLIVE records (DynamoPolicyStore on dynalite)', () => {
  const d = useDynalite();
  let n = 0;
  const NOW = Date.UTC(2024, 5, 1);
  const clock = { now: () => NOW };

  async function table() {
    const { tables } = await provision(d.e, `rgate${process.pid}x${++n}`);
    await d.client.send(new PutCommand({
      TableName: tables.policy,
      Item: { pk: 'POLICY', sk: 'ACTIVE', version: 1, document: JSON.stringify({ mode: 'LIVE', liveTradingConfirmed: true, symbols: ['BTC/USDT'] }) },
    }));
    return { records: new DynamoReadinessStore({ tableName: tables.policy, client: d.client }), store: new DynamoPolicyStore({ tableName: tables.policy, client: d.client, clock, goLiveGate: true }) };
  }

  it('refuses LIVE on a VERDICT item whose passed is true but whose checks are of the wrong shape', async () => {
    const { records, store } = await table();
    await records.putVerdict({ at: NOW - DAY, passed: true, by: 'forger', checks: [{ code: 'PAPER_HISTORY', status: 'PASS', evidence: '' }] });
    await records.putSignoff({ role: 'trader', by: 'tess', at: NOW - DAY + 1, note: '' });
    await records.putSignoff({ role: 'risk', by: 'rick', at: NOW - DAY + 2, note: '' });
    const loaded = await store.load();
    expect(loaded.policy.mode).toBe('PAPER');
    expect(loaded.rejected?.problems.map((p) => p.message).join('\n')).toMatch(/LIVE_NOT_READY.*did not pass/);
  });

  it('refuses LIVE when a failed verdict was re-run and passed but the sign-offs are dated in the future (before it in truth)', async () => {
    const { records, store } = await table();
    await records.putSignoff({ role: 'trader', by: 'tess', at: NOW + 7 * DAY, note: 'clock a week ahead' });
    await records.putSignoff({ role: 'risk', by: 'rick', at: NOW + 7 * DAY, note: 'clock a week ahead' });
    await records.putVerdict({ at: NOW - 1000, passed: true, by: 'op', checks: passing });
    const loaded = await store.load();
    expect(loaded.policy.mode).toBe('PAPER');
    expect(loaded.rejected?.problems.map((p) => p.message).join('\n')).toMatch(/sign-off by role trader/);
  });
});

describe('stratus signoff list with a sign-off dated in the future', () => {
  it('shows the gate closed, as the loaders judge it (not open)', async () => {
    const { signoffListCommand } = await import('../../shared/cli/signoff-command.js');
    let text = '';
    const ctx = { out: (t: string) => { text += t; }, clock: { now: () => AT + DAY } } as unknown as Parameters<typeof signoffListCommand>[0];
    const store = () => ({
      records: async () => ({ verdict: passed, signoffs: [sign('trader', 'tess', AT + 30 * DAY), sign('risk', 'rick', AT + 1)] }),
      putSignoff: async () => undefined,
    });
    await signoffListCommand(ctx, store, async () => goLive);
    expect(text).toMatch(/LIVE gate: closed[\s\S]*sign-off by role trader/);
  });
});
