import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { GetQueueAttributesCommand, GetQueueUrlCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { writeFile } from 'node:fs/promises';
import { dynamoDocumentClient, sqsClient } from '../adapters/aws-clients.js';
import { DynamoMarketStore } from '../adapters/dynamo-market-store.js';
import { DynamoOpsRecords } from '../adapters/dynamo-ops-records.js';
import { ENV, QUEUES } from '../resources.js';
import { checkHealth, verdictExitCode, type AlarmStates, type HealthDeps, type HealthReport, type QueueDepths } from '../services/health-check.js';
import { withLocalState } from '../local/live-operator.js';
import { goLiveStatus, type GoLiveStatusSource } from './go-live-command.js';
import { readinessStoreFromEnv } from './go-live-wiring.js';
import { iso, table, type CliContext } from './cli-context.js';
import type { CommandSpec } from './command-spec.js';

/** Environment variable naming the deployed stack (queue and alarm name prefix); default Stratus. */
export const STACK_NAME_ENV = 'STRATUS_STACK_NAME';

/** The health check's reads that the CLI context does not carry: market table, RUN# records, DLQs, alarms. */
export type StatusProbes = Pick<HealthDeps, 'market' | 'ops' | 'dlqs' | 'alarms'> & {
  /** The go-live records (verdict, sign-offs, override), printed after the checks when given. */
  readonly goLive?: GoLiveStatusSource;
};

/** Depths of the pipeline's DLQs (QUEUES), found by name `<prefix>-<dlqName>` (the stack's and the embedded runtime's naming). */
export function dlqDepths(sqs: SQSClient, prefix: string): QueueDepths {
  const names = Object.values(QUEUES).map((q) => `${prefix}-${q.dlqName}`);
  return {
    names,
    async depth(name) {
      const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: name }));
      // fauxqs names its queues on http://sqs.<region>.localhost:PORT, which need not resolve: ask its own endpoint.
      const local = process.env.AWS_ENDPOINT_URL_SQS;
      const url = local && QueueUrl ? `${local.replace(/\/$/, '')}${new URL(QueueUrl).pathname}` : QueueUrl;
      const r = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages'] }));
      return Number(r.Attributes?.ApproximateNumberOfMessages ?? 0);
    },
  };
}

/** CloudWatch alarms in ALARM whose name starts with `<stack>-` (CloudFormation names alarms after their stack). */
export function cloudWatchAlarms(client: CloudWatchClient, prefix: string): AlarmStates {
  return {
    async inAlarm() {
      const names: string[] = [];
      let NextToken: string | undefined;
      do {
        const r = await client.send(new DescribeAlarmsCommand({ AlarmNamePrefix: `${prefix}-`, StateValue: 'ALARM', NextToken }));
        names.push(...(r.MetricAlarms ?? []).map((a) => a.AlarmName!), ...(r.CompositeAlarms ?? []).map((a) => a.AlarmName!));
        NextToken = r.NextToken;
      } while (NextToken);
      return names;
    },
  };
}

/** Probes from the environment; alarms are not checked when DynamoDB points at a local emulator and CloudWatch has no endpoint. */
export function processProbes(env: NodeJS.ProcessEnv = process.env): StatusProbes {
  const named = (v: string) => { const t = env[v]; if (!t) throw new Error(`set ${v} to the deployed table name`); return t; };
  const prefix = env[STACK_NAME_ENV] || 'Stratus';
  const local = Boolean(env.AWS_ENDPOINT_URL_DYNAMODB) && !env.AWS_ENDPOINT_URL_CLOUDWATCH;
  return {
    market: new DynamoMarketStore({ tableName: named(ENV.marketTable), client: dynamoDocumentClient() }),
    ops: new DynamoOpsRecords({ tableName: named(ENV.stateTable) }),
    dlqs: dlqDepths(sqsClient(), prefix),
    ...(env[ENV.policyTable] ? { goLive: readinessStoreFromEnv(env) } : {}),
    ...(local ? {} : { alarms: cloudWatchAlarms(new CloudWatchClient({}), prefix) }),
  };
}

/** The health report as text: verdict, then one line per check. */
export function renderHealth(r: HealthReport): string {
  return `stratus status: ${r.verdict} at ${iso(r.at)}\n${table([['CHECK', 'STATE', 'DETAIL'], ...r.checks.map((c) => [c.name, c.state, c.detail])])}`;
}

/**
 * `stratus status [--json [file]]`: the verdict (exit 0 OK, 1 DEGRADED, 2 CRITICAL) and every check on its own line.
 * A check that cannot run at all (no table name, no client) is CRITICAL, exit 2 — never the 1 of DEGRADED.
 */
export async function statusCommand(ctx: CliContext, values: { json?: string }, probes: () => StatusProbes = () => processProbes()): Promise<number> {
  let report: HealthReport;
  let goLive: GoLiveStatusSource | undefined;
  try {
    const { goLive: source, ...p } = probes();
    goLive = source;
    report = await checkHealth({ clock: ctx.clock, state: ctx.state(), policies: ctx.policies(), ...p });
  } catch (error) {
    ctx.err(`stratus status: CRITICAL: the health check could not run: ${error instanceof Error ? error.message : String(error)}\n`);
    return verdictExitCode('CRITICAL');
  }
  if (values.json === undefined) ctx.out(`${renderHealth(report)}${goLive ? await goLiveStatus(goLive) : ''}`);
  else if (values.json === '-') ctx.out(`${JSON.stringify(report, null, 2)}\n`);
  else { await writeFile(values.json, `${JSON.stringify(report, null, 2)}\n`); ctx.out(renderHealth(report)); }
  return verdictExitCode(report.verdict);
}

/** Lets `--json` stand alone (print JSON) for status, report and cost: `--json` with no value becomes `--json -`. */
export function jsonFlagToStdout(argv: readonly string[]): string[] {
  if (!['status', 'report', 'cost'].includes(argv.find((a) => !a.startsWith('-')) ?? '')) return [...argv];
  return argv.flatMap((a, i) => (a === '--json' && (i === argv.length - 1 || argv[i + 1]!.startsWith('--')) ? ['--json', '-'] : [a]));
}

/** `stratus status` as the CLI declares it. */
export const command: CommandSpec = withLocalState({
  name: 'status',
  summary: 'Health verdict OK / DEGRADED / CRITICAL, one line per check',
  usage: 'stratus status [--json [FILE]]',
  options: { json: { type: 'string', value: '[FILE]', bare: '-', description: 'JSON to FILE (the text still printed), or alone to print JSON instead' } },
  details: 'Exit 0 OK, 1 DEGRADED, 2 CRITICAL. Checks: kill switch, stream heartbeat, last signal and metrics runs, reconcile drift,\n'
    + 'DLQ depths, circuit breaker, unresolved orders, alarms in ALARM, policy rejections. Needs POLICY_TABLE, STATE_TABLE,\n'
    + 'MARKET_TABLE; STRATUS_STACK_NAME (default Stratus) names the DLQs and the alarm prefix.',
  run: (ctx, values) => statusCommand(ctx, values as { json?: string }),
});
