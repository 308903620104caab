import { DeleteMessageBatchCommand, GetQueueAttributesCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { ReasonCode } from '../domain/decision.js';
import { valuation } from '../domain/ledger.js';
import { money } from '../domain/money.js';
import type { Deps } from '../runtime/deps.js';
import { loadLedger, marksFor } from '../services/portfolio.js';
import type { Provisioned } from './provision.js';
import { DynamoOpsRecords } from '../adapters/dynamo-ops-records.js';
import { buildDailyReport, DAY_MS, type DailyReport } from '../services/daily-report.js';
import { renderDailyReport } from '../services/daily-report-text.js';
import { checkHealth, type HealthReport } from '../services/health-check.js';

/** The end-of-run report of `stratus start` (also written as JSON with --json). Money as decimal strings. */
export interface EmbeddedSummary {
  readonly window: { readonly from: string; readonly to: string };
  readonly symbols: readonly string[];
  readonly policyHash: string;
  readonly candlesReplayed: number;
  readonly badTicksDropped: number;
  readonly intents: number;
  readonly decisions: { readonly approved: number; readonly rejected: number; readonly rejectedByReason: Partial<Record<ReasonCode, number>> };
  readonly orders: { readonly total: number; readonly byStatus: Record<string, number> };
  readonly fills: number;
  readonly feesPaid: string;
  readonly startingCash: string;
  readonly equity: string;
  readonly realizedPnl: string;
  readonly unrealizedPnl: string;
  readonly returnPct: string;
  readonly maxDrawdownPct: number;
  readonly openPositions: readonly string[];
  readonly alerts: { readonly total: number; readonly byKind: Record<string, number> };
  readonly deadLetters: { readonly signals: number; readonly orders: number };
  readonly killSwitch: string;
  /** Why the kill switch is not ARMED, when it is not. */
  readonly killSwitchReason?: string;
  /** Protection locks in force at the end of the run. */
  readonly locks: readonly string[];
  /** Local-runtime health: scheduled invocations that threw, handler invocations that threw, queues that did not drain. */
  readonly runtime: { readonly scheduledErrors: number; readonly handlerErrors: number; readonly undrainedPolls: number };
  readonly wallSeconds: number;
  /** `stratus status` on the final state (alarms not checked: no CloudWatch here). Nothing persists after the run. */
  readonly health: HealthReport;
  /** The daily report of each replayed UTC day (a day the replay only touches at its 00:00 candle is left out). */
  readonly dailyReports: readonly DailyReport[];
}

/** The run's daily reports and health verdict as text, printed after the summary. */
export function renderOperations(s: Pick<EmbeddedSummary, 'health' | 'dailyReports'>): string {
  const checks = s.health.checks.filter((c) => c.state !== 'OK').map((c) => `    ${c.name}: ${c.state} (${c.detail})`);
  return `${s.dailyReports.map(renderDailyReport).join('\n')}\nhealth (stratus status on the final state): ${s.health.verdict}\n${checks.map((l) => `${l}\n`).join('')}`;
}

/** Reads the final state out of the emulated tables and queues into the run summary. */
export async function summarize(input: {
  deps: Deps; sqs: SQSClient; provisioned: Provisioned; from: number; to: number; intents: number; maxDrawdownPct: number;
  stream: { candlesWritten: number; badTicksDropped?: number; duplicatesDropped?: number };
  schedulerErrors: number; undrained: number; consumers: readonly { invocations: number; errors: number }[]; wallSeconds: number;
}): Promise<EmbeddedSummary> {
  const { deps, sqs, provisioned } = input;
  const loaded = await deps.policies.load();
  const decisions = await deps.state.listDecisions();
  const rejectedByReason: Partial<Record<ReasonCode, number>> = {};
  for (const d of decisions.filter((x) => !x.approved)) {
    for (const r of d.reasons) rejectedByReason[r.code] = (rejectedByReason[r.code] ?? 0) + 1;
  }
  const orders = await deps.state.listOrders();
  const byStatus: Record<string, number> = {};
  for (const o of orders) byStatus[o.status] = (byStatus[o.status] ?? 0) + 1;
  const fills = await deps.state.listFills();
  const ledger = (await loadLedger(deps.state, loaded.policy, input.to)).value;
  const v = valuation(ledger, await marksFor(deps.market, ledger));
  const alerts = await drainAlerts(sqs, provisioned.alertInboxUrl);
  const ks = await deps.state.getKillSwitch();
  const ops = new DynamoOpsRecords({ tableName: provisioned.tables.state });
  const dlqs = { names: Object.keys(provisioned.queues), depth: (id: string) => depth(sqs, provisioned.queues[id as keyof Provisioned['queues']].dlqUrl) };
  const health = await checkHealth({ clock: deps.clock, state: deps.state, policies: deps.policies, market: deps.market, ops, dlqs });
  const dailyReports: DailyReport[] = [];
  for (let day = Math.floor(input.from / DAY_MS) * DAY_MS; day < input.to; day += DAY_MS) {
    dailyReports.push(await buildDailyReport({ ...deps, ops }, new Date(day).toISOString().slice(0, 10)));
  }
  return {
    window: { from: new Date(input.from).toISOString(), to: new Date(input.to).toISOString() },
    symbols: loaded.policy.symbols,
    policyHash: loaded.hash,
    candlesReplayed: input.stream.candlesWritten,
    badTicksDropped: input.stream.badTicksDropped ?? 0,
    intents: input.intents,
    decisions: { approved: decisions.filter((d) => d.approved).length, rejected: decisions.filter((d) => !d.approved).length, rejectedByReason },
    orders: { total: orders.length, byStatus },
    fills: fills.length,
    feesPaid: money(ledger.feesPaid),
    startingCash: money(ledger.startingCash),
    equity: money(v.equity.toDecimalPlaces(8)),
    realizedPnl: money(ledger.realizedPnl.toDecimalPlaces(8)),
    unrealizedPnl: money(v.unrealizedPnl.toDecimalPlaces(8)),
    returnPct: v.equity.sub(ledger.startingCash).div(ledger.startingCash).mul(100).toDecimalPlaces(4).toFixed(),
    maxDrawdownPct: Number(input.maxDrawdownPct.toFixed(4)),
    openPositions: Object.keys(ledger.positions),
    alerts,
    deadLetters: { signals: await depth(sqs, provisioned.queues.signals.dlqUrl), orders: await depth(sqs, provisioned.queues.orders.dlqUrl) },
    killSwitch: ks?.value.status ?? 'ARMED',
    ...(ks && ks.value.status !== 'ARMED' && ks.value.reason ? { killSwitchReason: ks.value.reason } : {}),
    locks: (ledger.locks ?? []).filter((l) => l.until > input.to)
      .map((l) => `${l.scope} ${l.protection} until ${new Date(l.until).toISOString()}`),
    runtime: {
      scheduledErrors: input.schedulerErrors, handlerErrors: input.consumers.reduce((n, c) => n + c.errors, 0), undrainedPolls: input.undrained,
    },
    wallSeconds: Number(input.wallSeconds.toFixed(1)),
    health,
    dailyReports,
  };
}

async function depth(sqs: SQSClient, url: string): Promise<number> {
  const r = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages'] }));
  return Number(r.Attributes?.ApproximateNumberOfMessages ?? 0);
}

async function drainAlerts(sqs: SQSClient, url: string): Promise<{ total: number; byKind: Record<string, number> }> {
  const byKind: Record<string, number> = {};
  let total = 0;
  for (;;) {
    const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, MessageAttributeNames: ['All'] }));
    const msgs = r.Messages ?? [];
    if (!msgs.length) break;
    for (const m of msgs) {
      total++;
      const kind = m.MessageAttributes?.kind?.StringValue ?? safeKind(m.Body);
      byKind[kind] = (byKind[kind] ?? 0) + 1;
    }
    await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: url, Entries: msgs.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })) }));
  }
  return { total, byKind };
}

function safeKind(body: string | undefined): string {
  try { return String((JSON.parse(body ?? '{}') as { kind?: string }).kind ?? 'unknown'); } catch { return 'unknown'; }
}
