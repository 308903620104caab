/**
 * `stratus go-live-check`, `signoff`, `go-live-override` and `go-live-record` against a deployment on dynalite + fauxqs
 * (the alert topic's real subscriptions) and the fake Binance (the key's apiRestrictions through ccxt): each check's
 * evidence read from the stores the pipeline writes, the verdict recorded, and the LIVE gate opened by it.
 */
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoDocumentClient } from '../../../shared/adapters/aws-clients.js';
import { createCcxtClient } from '../../../shared/adapters/ccxt-exchange.js';
import { keyMayWithdraw } from '../../../shared/adapters/ccxt-key-permissions.js';
import { DynamoOpsRecords } from '../../../shared/adapters/dynamo-ops-records.js';
import { DynamoPolicyStore } from '../../../shared/adapters/dynamo-policy-store.js';
import { DynamoReadinessStore } from '../../../shared/adapters/dynamo-readiness-store.js';
import { alertSubscriptions } from '../../../shared/adapters/sns-subscriptions.js';
import type { CliContext } from '../../../shared/cli/cli-context.js';
import { goLiveCheckCommand, goLiveOverrideCommand, goLiveRecordCommand } from '../../../shared/cli/go-live-command.js';
import { readinessDepsFromEnv } from '../../../shared/cli/go-live-wiring.js';
import { signoffCommand, signoffListCommand } from '../../../shared/cli/signoff-command.js';
import { processProbes, statusCommand } from '../../../shared/cli/status-command.js';
import { resetKillSwitch, tripKillSwitch } from '../../../shared/domain/kill-switch.js';
import type { Fill, OrderRecord } from '../../../shared/domain/order.js';
import { loadConfig } from '../../../shared/runtime/config.js';
import { buildDeps } from '../../../shared/runtime/deps.js';
import type { ReadinessCheckDeps } from '../../../shared/services/readiness-check.js';
import { FakeBinance, fault } from '../../support/fake-binance.js';
import { startPipelineEnv, type PipelineEnv } from '../../support/pipeline-env.js';
import { ManualClock } from '../../support/store-contracts.js';

const DAY = 86_400_000;
const T = Date.UTC(2024, 1, 15, 12);
const BTC = 'BTC/USDT';

let env: PipelineEnv;
let fake: FakeBinance;
const clock = new ManualClock(T);

/** A CliContext on the deployment's tables with in-memory files and captured output. */
function cli(files: Record<string, unknown> = {}) {
  const out: string[] = [];
  const ctx: CliContext = {
    policies: () => { throw new Error('not used'); }, state: () => env.deps.state, clock,
    out: (t) => { out.push(t); }, err: () => undefined, user: 'tester',
    readText: async (path) => JSON.stringify(files[path]),
  };
  return { ctx, text: () => out.join('') };
}

/** The wiring go-live-check uses (readinessDepsFromEnv), on the test clock, with the exchange keys read from the fake Binance. */
function deps(over: Partial<ReadinessCheckDeps> = {}): ReadinessCheckDeps {
  return {
    ...readinessDepsFromEnv(), clock,
    exchangeKeys: async () => ({
      present: true, exchange: 'binance',
      withdrawals: await keyMayWithdraw(createCcxtClient('binance', { apiKey: 'k', secret: 's' }, { restOrigin: fake.origin, rateLimit: false })),
    }),
    ...over,
  };
}

const records = () => new DynamoReadinessStore({ tableName: env.provisioned.tables.policy, client: dynamoDocumentClient() });
const statuses = (text: string) => Object.fromEntries([...text.matchAll(/^(PASS|FAIL|UNKNOWN)\s+([A-Z_]+)/gm)].map((m) => [m[2], m[1]]));

beforeAll(async () => {
  env = await startPipelineEnv(`golive${process.pid}`, T);
  fake = await FakeBinance.start({ apiKey: 'k', secret: 's' });
}, 60_000);
afterAll(async () => { await fake?.stop(); await env?.stop(); });

/** 31 days of PAPER: a decision, then each day a profitable round trip (closed by day end), one FILLED order per day. */
async function seedPaperMonth(): Promise<void> {
  const { state } = env.deps;
  const start = T - 31 * DAY;
  await state.putDecision({
    intentId: 'first', strategy: 'momentum', symbol: BTC, side: 'buy', kind: 'entry', approved: true, reasons: [], mode: 'PAPER',
    policyHash: 'h', policyVersion: 1, decidedAt: start,
  });
  for (let d = 0; d < 31; d++) {
    const at = start + d * DAY;
    const fill = (side: 'buy' | 'sell', price: string, dt: number): Fill => ({
      tradeId: `${side}${d}`, orderId: `o${side}${d}`, clientOrderId: `c${side}${d}`, symbol: BTC, side, quantity: '0.01', price,
      fee: '0.4', feeCurrency: 'USDT', liquidity: 'taker', time: at + dt, policyHash: 'h', strategy: 'momentum',
    });
    await state.putFill(fill('buy', '40000', 3_600_000));
    await state.putFill(fill('sell', String(40_100 + (d % 3) * 50), 7_200_000));
    const order: OrderRecord = {
      orderId: `ob${d}`, clientOrderId: `cb${d}`, intentId: `i${d}`, strategy: 'momentum', symbol: BTC, side: 'buy', kind: 'entry',
      type: 'market', quantity: '0.01', referencePrice: '40000', reservedNotional: '400.4', mode: 'PAPER', policyHash: 'h', createdAt: at,
      status: 'FILLED', filledQuantity: '0.01', averagePrice: '40000', fees: '0.4', updatedAt: at, history: [],
    };
    await state.createOrder(order);
  }
  const tripped = tripKillSwitch(undefined, { reason: 'drill', by: 'ops', at: T - 3 * DAY });
  await state.putKillSwitch(resetKillSwitch(tripped, { by: 'ops', reason: 'drill done', at: T - 3 * DAY + 60_000, cooldownSeconds: 0 }), 0);
  await new DynamoOpsRecords({ tableName: env.provisioned.tables.state }).putRun({
    job: 'reconcile', at: T - 5 * 60_000, ok: true, summary: { driftCurrencies: [], unknownOpenOrders: 0, problems: 0, killSwitchTripped: false },
  });
}

describe('stratus go-live-check on a deployment', () => {
  it('on a fresh deployment fails what it has no evidence for, exits 1 and records nothing without --record', async () => {
    const { ctx, text } = cli();
    expect(await goLiveCheckCommand(ctx, {}, deps)).toBe(1);
    expect(statuses(text())).toEqual({
      PAPER_HISTORY: 'FAIL', PAPER_DRAWDOWN: 'PASS', PAPER_SHARPE: 'FAIL', PAPER_ERROR_RATE: 'FAIL', WALK_FORWARD: 'FAIL', BREAK_EVEN_COST: 'FAIL',
      KILL_SWITCH_DRILL: 'FAIL', ALERTS_SUBSCRIBED: 'PASS', EXCHANGE_KEYS: 'PASS', RECONCILE_CLEAN: 'FAIL',
    });
    expect(text()).toMatch(/LIVE gate: closed; missing:\n {2}- no go-live-check verdict on record/);
    expect((await records().records()).verdict).toBeUndefined();
  });

  it('reads a key that may withdraw from Binance apiRestrictions (FAIL), an alert topic nobody subscribed to (FAIL), and an unreachable exchange as UNKNOWN', async () => {
    const sns = new SNSClient({ region: env.emulators.region, credentials: env.emulators.credentials, endpoint: env.emulators.sqsEndpoint });
    const empty = await sns.send(new CreateTopicCommand({ Name: `nobody${process.pid}` }));
    fake.apiRestrictions.enableWithdrawals = true;
    try {
      const { ctx, text } = cli();
      await goLiveCheckCommand(ctx, {}, () => deps({ alertSubscriptions: () => alertSubscriptions(empty.TopicArn!, sns) }));
      expect(statuses(text())).toMatchObject({ EXCHANGE_KEYS: 'FAIL', ALERTS_SUBSCRIBED: 'FAIL' });
      expect(text()).toMatch(/withdrawals ENABLED/);
      expect(text()).toMatch(/0 confirmed subscription\(s\) on the alert topic/);
      fake.script('GET /sapi/v1/account/apiRestrictions', fault.serverError());
      const second = cli();
      await goLiveCheckCommand(second.ctx, {}, deps);
      expect(statuses(second.text())).toMatchObject({ EXCHANGE_KEYS: 'UNKNOWN' });
    } finally {
      fake.apiRestrictions.enableWithdrawals = false;
      fake.clearFaults();
      sns.destroy();
    }
  });

  it('passes every check on a month of PAPER with the research recorded, records the verdict, and the sign-offs then let a raw LIVE write take effect', async () => {
    await seedPaperMonth();
    const wf = { config: { strategy: 'momentum' }, windows: [], summary: { windows: 4, compoundedReturnPct: 2.5, totalTrades: 30, meanTestSharpe: 0.8 } };
    const cs = { levels: [{ bps: 0, totalReturnPct: 5, sharpe: 1, trades: 30 }, { bps: 40, totalReturnPct: -3, sharpe: -1, trades: 30 }], breakEvenBps: 25 };
    const files = cli({ 'wf.json': wf, 'cs.json': cs });
    expect(await goLiveRecordCommand(files.ctx, { 'walk-forward': 'wf.json' }, records)).toBe(0);
    expect(await goLiveRecordCommand(files.ctx, { 'cost-sweep': 'cs.json' }, records)).toBe(0);

    const { ctx, text } = cli();
    expect(await goLiveCheckCommand(ctx, { record: true }, deps)).toBe(0);
    expect(Object.values(statuses(text()))).toEqual(Array(10).fill('PASS'));
    expect(text()).toMatch(/31\.0 days of PAPER history/);
    expect(text()).toMatch(/sign-off by role trader .*\n.*sign-off by role risk/);
    expect((await records().records()).verdict).toMatchObject({ passed: true, at: T, by: 'tester' });

    clock.advance(60_000);
    await signoffCommand(cli().ctx, { role: 'trader', by: 'tess', note: 'paper month reviewed' }, records);
    await signoffCommand(cli().ctx, { role: 'risk', by: 'rick', note: 'limits reviewed' }, records);
    const list = cli();
    await signoffListCommand(list.ctx, records, async () => (await import('../../../shared/domain/policy.js')).defaultPolicy().goLive);
    expect(list.text()).toMatch(/role +by +note[\s\S]*trader +tess +paper month reviewed[\s\S]*LIVE gate: open/);

    await dynamoDocumentClient().send(new PutCommand({
      TableName: env.provisioned.tables.policy,
      Item: { pk: 'POLICY', sk: 'ACTIVE', version: 1, document: JSON.stringify({ mode: 'LIVE', liveTradingConfirmed: true, symbols: [BTC] }) },
    }));
    const config = { ...loadConfig(), exchangeSecretArn: 'arn:aws:secretsmanager:eu-west-1:1:secret:x', readsExchangeSecret: false, policyCacheTtlMs: 0 };
    expect(await buildDeps(config, { clock }).policies.load()).toMatchObject({ source: 'active', policy: { mode: 'LIVE' }, liveSince: clock.now() });
  });

  it('only peeks at the policy: a rejection it sees is still first seen (and alerted) by the functions', async () => {
    await dynamoDocumentClient().send(new PutCommand({
      TableName: env.provisioned.tables.policy, Item: { pk: 'POLICY', sk: 'ACTIVE', version: 7, document: JSON.stringify({ risk: { stakePct: 'two' } }) },
    }));
    await goLiveCheckCommand(cli().ctx, {}, deps);
    const config = { ...loadConfig(), policyCacheTtlMs: 0 };
    expect(await buildDeps(config, { clock }).policies.load()).toMatchObject({ rejected: { version: 7, firstSeen: true } });
  });

  it('records an override, shows it awaiting its own sign-off, opens the gate once someone else signs it off, and stratus status shows it', async () => {
    const { ctx, text } = cli();
    expect(await goLiveOverrideCommand(ctx, { by: 'olga', reason: 'key permissions checked by hand' }, records)).toBe(0);
    expect(text()).toMatch(/override recorded: by olga/);
    const before = cli();
    await goLiveCheckCommand(before.ctx, {}, deps);
    expect(before.text()).toMatch(/override: by olga at .* \(key permissions checked by hand\); awaiting a sign-off in role override by someone else/);
    clock.advance(1000);
    await signoffCommand(cli().ctx, { role: 'override', by: 'rick', note: 'agreed' }, records);
    const after = cli();
    await goLiveCheckCommand(after.ctx, {}, deps);
    expect(after.text()).toMatch(/LIVE gate: open by the override of olga, signed off by rick/);
    const status = cli();
    const policies = new DynamoPolicyStore({ tableName: env.provisioned.tables.policy, client: dynamoDocumentClient(), clock, goLiveGate: true });
    await statusCommand({ ...status.ctx, policies: () => policies }, {}, () => processProbes());
    expect(status.text()).toMatch(/go-live: verdict PASSED at .*; signed off since: risk, trader, override; LIVE since /);
    expect(status.text()).toMatch(/override: by olga at .* \(key permissions checked by hand\); signed off by rick/);
  });
});
