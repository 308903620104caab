/**
 * LIVE_NOT_READY through the functions' real policy load path (buildDeps → CachedPolicyStore → DynamoPolicyStore on
 * dynalite): a LIVE document written raw to the ACTIVE item, bypassing the CLI, never takes effect until the go-live
 * records (passing verdict, every required sign-off after it, or a signed-off override) are in the policy table.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoDocumentClient } from '../../../shared/adapters/aws-clients.js';
import { DynamoReadinessStore } from '../../../shared/adapters/dynamo-readiness-store.js';
import { READINESS_CODES } from '../../../shared/domain/readiness.js';
import { DynamoPolicyStore } from '../../../shared/adapters/dynamo-policy-store.js';
import { policySet } from '../../../shared/cli/policy-write-commands.js';
import { loadConfig } from '../../../shared/runtime/config.js';
import { buildDeps } from '../../../shared/runtime/deps.js';
import { startPipelineEnv, type PipelineEnv } from '../../support/pipeline-env.js';

const ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:StratusExchangeSecret-AbC123';
const LIVE = { mode: 'LIVE', liveTradingConfirmed: true, symbols: ['BTC/USDT'] };
const DAY = 86_400_000;
const passing = READINESS_CODES.map((code) => ({ code, status: 'PASS' as const, evidence: 'ok' }));

describe('a LIVE policy written raw to DynamoDB', () => {
  let env: PipelineEnv;
  let n = 0;
  beforeAll(async () => { env = await startPipelineEnv(`gate${process.pid}`, Date.UTC(2024, 0, 1)); }, 60_000);
  afterAll(async () => { await env?.stop(); });

  /** A deployed function's deps (keyless: LIVE_WITHOUT_KEYS is left to execution) on a fresh policy table, with LIVE written raw to ACTIVE. */
  async function rawLive(document: unknown = LIVE) {
    const { provision } = await import('../../../shared/local/provision.js');
    const { tables } = await provision(env.emulators, `gate${process.pid}t${++n}`);
    const config = { ...loadConfig(), exchangeSecretArn: ARN, readsExchangeSecret: false, policyCacheTtlMs: 0, tables: { ...loadConfig().tables, policy: tables.policy } };
    const client = dynamoDocumentClient();
    await client.send(new PutCommand({ TableName: tables.policy, Item: { pk: 'POLICY', sk: 'ACTIVE', version: 1, document: JSON.stringify(document), updatedBy: 'aws cli' } }));
    return { deps: buildDeps(config, { clock: env.clock }), records: new DynamoReadinessStore({ tableName: tables.policy, client }), table: tables.policy };
  }

  const notReady = (loaded: Awaited<ReturnType<ReturnType<typeof buildDeps>['policies']['load']>>) =>
    loaded.rejected?.problems.find((p) => p.code === 'LIVE_NOT_READY')?.message ?? '';

  it('is refused with LIVE_NOT_READY listing what is missing, and PAPER stays in force, while nothing is on record', async () => {
    const { deps } = await rawLive();
    const loaded = await deps.policies.load();
    expect(loaded).toMatchObject({ source: 'default', policy: { mode: 'PAPER' }, rejected: { version: 1 } });
    expect(notReady(loaded)).toMatch(/no go-live-check verdict on record.*sign-off by role trader.*sign-off by role risk/);
  });

  it('is refused by a peek too (the market stream, policy show), which records nothing', async () => {
    const { records, table } = await rawLive();
    const policies = new DynamoPolicyStore({ tableName: table, client: dynamoDocumentClient(), clock: env.clock, goLiveGate: true });
    expect(await policies.peek()).toMatchObject({ source: 'default', policy: { mode: 'PAPER' }, rejected: { version: 1 } });
    expect((await records.records()).liveSince).toBeUndefined();
  });

  it('is refused after a failed verdict, naming the failed checks', async () => {
    const { deps, records } = await rawLive();
    const at = env.clock.now() - DAY;
    await records.putVerdict({ at, passed: false, by: 'op', checks: passing.map((c) => (c.code === 'KILL_SWITCH_DRILL' ? { ...c, status: 'FAIL' as const } : c)) });
    await records.putSignoff({ role: 'trader', by: 'tess', at: at + 1, note: '' });
    await records.putSignoff({ role: 'risk', by: 'rick', at: at + 2, note: '' });
    expect(notReady(await deps.policies.load())).toMatch(/did not pass: KILL_SWITCH_DRILL FAIL/);
  });

  it('is refused while a required role has not signed off after the passing verdict (a sign-off before it does not count)', async () => {
    const { deps, records } = await rawLive();
    const at = env.clock.now() - DAY;
    await records.putSignoff({ role: 'risk', by: 'rick', at: at - 1, note: 'before the verdict' });
    await records.putVerdict({ at, passed: true, by: 'op', checks: passing });
    await records.putSignoff({ role: 'trader', by: 'tess', at: at + 1, note: '' });
    const message = notReady(await deps.policies.load());
    expect(message).toMatch(/sign-off by role risk after the verdict/);
    expect(message).not.toMatch(/role trader/);
  });

  it('takes effect once the verdict passed and every required role signed off after it, and stamps the first LIVE time once', async () => {
    const { deps, records } = await rawLive();
    const at = env.clock.now() - DAY;
    await records.putVerdict({ at, passed: true, by: 'op', checks: passing });
    await records.putSignoff({ role: 'trader', by: 'tess', at: at + 1, note: '' });
    await records.putSignoff({ role: 'risk', by: 'rick', at: at + 2, note: '' });
    const loaded = await deps.policies.load();
    expect(loaded).toMatchObject({ source: 'active', policy: { mode: 'LIVE' }, liveSince: env.clock.now() });
    env.clock.advance(60_000);
    expect(await deps.policies.load()).toMatchObject({ source: 'active', liveSince: loaded.liveSince });
    expect((await records.records()).liveSince).toBe(loaded.liveSince);
  });

  it('takes effect under a recorded override only once someone else signed it off in role override', async () => {
    const { deps, records } = await rawLive();
    const at = env.clock.now() - DAY;
    await records.putOverride({ by: 'olga', reason: 'exchange does not report key permissions', at });
    await records.putSignoff({ role: 'override', by: 'olga', at: at + 1, note: 'self-approved' });
    expect(notReady(await deps.policies.load())).toMatch(/the override by olga needs a sign-off in role override by someone else/);
    await records.putSignoff({ role: 'override', by: 'rick', at: at + 2, note: 'approved' });
    expect(await deps.policies.load()).toMatchObject({ source: 'active', policy: { mode: 'LIVE' } });
  });

  it('is refused by stratus policy set before anything is written (LIVE_NOT_READY printed, exit 1)', async () => {
    const { provision } = await import('../../../shared/local/provision.js');
    const { tables } = await provision(env.emulators, `gate${process.pid}t${++n}`);
    const policies = new DynamoPolicyStore({ tableName: tables.policy, client: dynamoDocumentClient(), clock: env.clock, goLiveGate: true });
    let err = '';
    const ctx = {
      policies: () => policies, state: () => env.deps.state, clock: env.clock, out: () => undefined, err: (t: string) => { err += t; },
      readText: async () => JSON.stringify(LIVE),
    };
    expect(await policySet(ctx, 'live.json', 'op')).toBe(1);
    expect(err).toMatch(/LIVE_NOT_READY[\s\S]*not written/);
    expect(await policies.history()).toEqual([]);
  });

  it('follows the document\'s own goLive.requiredSignoffRoles', async () => {
    const { deps, records } = await rawLive({ ...LIVE, goLive: { requiredSignoffRoles: ['cto', 'trader'] } });
    const at = env.clock.now() - DAY;
    await records.putVerdict({ at, passed: true, by: 'op', checks: passing });
    await records.putSignoff({ role: 'trader', by: 'tess', at: at + 1, note: '' });
    expect(notReady(await deps.policies.load())).toMatch(/sign-off by role cto/);
    await records.putSignoff({ role: 'cto', by: 'cleo', at: at + 2, note: '' });
    expect(await deps.policies.load()).toMatchObject({ source: 'active', policy: { mode: 'LIVE' } });
  });

  it('refuses a LIVE document that lowers the sign-offs to one role (its author alone could open the gate)', async () => {
    const { deps, records } = await rawLive({ ...LIVE, goLive: { requiredSignoffRoles: ['cto'] } });
    const at = env.clock.now() - DAY;
    await records.putVerdict({ at, passed: true, by: 'op', checks: passing });
    await records.putSignoff({ role: 'cto', by: 'cleo', at: at + 1, note: '' });
    const loaded = await deps.policies.load();
    expect(loaded.policy.mode).not.toBe('LIVE');
    expect(JSON.stringify(loaded)).toMatch(/GO_LIVE_BOUNDS|at least 2 roles/);
  });
});
