import { Decimal } from '../domain/money.js';
import { METRICS } from '../metrics-catalog.js';
import type { Inventory } from './inventory.js';
import {
  DIMENSION_VALUES, EGRESS_GB_PER_MONTH, FLOW_LOG_BYTES_PER_MONTH, IDLE_POLLS_PER_MINUTE, MONTH_DAYS, SECRET_READS_PER_MONTH,
  SQS_REQUESTS_PER_MESSAGE, STREAM_LOG_BYTES_PER_MINUTE, eventInvocations, invocationUsage, streamWritesPerMinute, type Workload,
} from './usage.js';

/** Unit prices of one region (shared/cost/prices-<region>.json). */
export type PriceSheet = typeof import('./prices-us-east-1.json');

/** One line of the bill: quantity × unit price = monthly, USD. */
export interface CostLine {
  readonly service: string;
  readonly item: string;
  readonly quantity: number;
  readonly unit: string;
  readonly unitPrice: number;
  /** USD per month, rounded to 4 decimal places; the total is the sum of these. */
  readonly monthly: string;
}

/** The monthly estimate: every line and their sum. */
export interface CostEstimate {
  readonly region: string;
  readonly pricesAsOf: string;
  readonly workload: Workload;
  readonly lines: readonly CostLine[];
  readonly total: string;
}

const GB = 1e9;
const MINUTES = 730 * 60;

/** Custom metrics the functions publish (EMF): one per metric × emitting service × dimension value, plus Powertools' ColdStart per function. */
export function customMetricCount(functions: number): number {
  const perMetric = Object.values(METRICS).map((m) => m.services.length * m.dimensions.reduce((n, d) => n * (DIMENSION_VALUES[d] ?? 1), 1));
  return perMetric.reduce((a, b) => a + b, 0) + functions;
}

/** Prices a template's inventory for a workload. */
export function estimateCost(inv: Inventory, w: Workload, prices: PriceSheet): CostEstimate {
  const lines: CostLine[] = [];
  const add = (service: string, item: string, quantity: number, unit: string, unitPrice: number) => {
    lines.push({ service, item, quantity: Number(quantity.toFixed(4)), unit, unitPrice, monthly: new Decimal(quantity).mul(unitPrice).toDecimalPlaces(4).toFixed() });
  };
  const h = prices.hoursPerMonth;
  for (const t of inv.fargate) {
    const rate = prices.fargate[`${t.spot ? 'SPOT_' : ''}${t.arch}` as keyof PriceSheet['fargate']];
    const kind = t.spot ? 'Fargate Spot' : 'Fargate';
    add(kind, `market stream vCPU (${t.vcpu} vCPU ${t.arch})`, t.vcpu * h * t.tasks, 'vCPU-hour', rate.vcpuHour);
    add(kind, `market stream memory (${t.memoryGb} GB)`, t.memoryGb * h * t.tasks, 'GB-hour', rate.gbHour);
    if (t.publicIp) add('VPC', 'public IPv4 address of the task', h * t.tasks, 'hour', prices.publicIpv4Hour);
  }
  if (inv.natGateways) add('VPC', 'NAT gateway', inv.natGateways * h, 'hour', 0.045);

  const scheduled = new Map(inv.schedules.map((s) => [s.target, s.perMonth]));
  let invocations = 0, rru = 0, wru = 0, logBytes = 0, messages = 0;
  for (const f of inv.functions) {
    const fromSchedule = scheduled.get(f.logicalId);
    const n = f.name === 'signal' && fromSchedule !== undefined ? fromSchedule / w.cadenceMinutes : fromSchedule ?? eventInvocations(f.name, w, MONTH_DAYS);
    if (n === 0) continue;
    const u = invocationUsage(f.name, w.symbols);
    const gbSeconds = n * (u.ms / 1000) * (f.memoryMb / 1024);
    add('Lambda', `${f.name}: ${Math.round(n)} invocations × ${u.ms} ms × ${f.memoryMb} MB ${f.arch}`, gbSeconds, 'GB-second', f.arch === 'arm64' ? prices.lambda.arm64GbSecond : prices.lambda.x86_64GbSecond);
    invocations += n; rru += n * u.rru; wru += n * u.wru; logBytes += n * u.logBytes;
    if (f.name === 'risk' || f.name === 'execution') messages += n;
  }
  add('Lambda', 'requests (all functions)', invocations / 1e6, 'million requests', prices.lambda.perMillionRequests);

  const streamWrites = streamWritesPerMinute(w) * MINUTES;
  add('DynamoDB', 'market stream writes (candles, top of book each second, heartbeats)', streamWrites / 1e6, 'million WRU', prices.dynamodb.perMillionWriteRequestUnits);
  add('DynamoDB', 'function writes', wru / 1e6, 'million WRU', prices.dynamodb.perMillionWriteRequestUnits);
  add('DynamoDB', 'function reads', rru / 1e6, 'million RRU', prices.dynamodb.perMillionReadRequestUnits);
  add('DynamoDB', `storage (${inv.tables} tables: 14 days of candles, trading records)`, (w.symbols * 20_160 * 250 + 50e6) / GB, 'GB-month', prices.dynamodb.storageGbMonth);

  const polls = inv.polledQueues * IDLE_POLLS_PER_MINUTE * MINUTES;
  add('SQS', `${inv.polledQueues} polled FIFO queues: empty long polls + ${Math.round(messages)} messages × ${SQS_REQUESTS_PER_MESSAGE}`, (polls + messages * SQS_REQUESTS_PER_MESSAGE) / 1e6, 'million requests', prices.sqs.fifoPerMillionRequests);
  const schedulerRuns = inv.schedules.reduce((n, s) => n + s.perMonth, 0);
  add('EventBridge Scheduler', `${inv.schedules.length} schedules`, schedulerRuns / 1e6, 'million invocations', prices.scheduler.perMillionInvocations);

  const stratusFunctions = inv.functions.filter((f) => f.name !== f.logicalId).length;
  add('CloudWatch', 'custom metrics (EMF, metrics catalog × services × dimension values + ColdStart)', customMetricCount(stratusFunctions), 'metric-month', prices.cloudwatch.metricMonth);
  add('CloudWatch', `${inv.alarms} alarms (standard-resolution metrics)`, inv.alarmMetrics.standard, 'alarm metric-month', prices.cloudwatch.alarmMetricMonth);
  if (inv.alarmMetrics.highResolution) add('CloudWatch', 'high-resolution alarm metrics', inv.alarmMetrics.highResolution, 'alarm metric-month', prices.cloudwatch.highResolutionAlarmMetricMonth);
  add('CloudWatch', `${inv.dashboards} dashboard(s)`, inv.dashboards, 'dashboard-month', prices.cloudwatch.dashboardMonth);
  const ingested = (logBytes + STREAM_LOG_BYTES_PER_MINUTE * MINUTES + inv.flowLogs * FLOW_LOG_BYTES_PER_MONTH) / GB;
  add('CloudWatch', `logs ingestion (${inv.logGroups} log groups, VPC flow log)`, ingested, 'GB', prices.cloudwatch.logsIngestedGb);
  add('CloudWatch', 'logs storage (one month retained)', ingested, 'GB-month', prices.cloudwatch.logsStoredGbMonth);

  add('Secrets Manager', `${inv.secrets} secrets`, inv.secrets, 'secret-month', prices.secretsManager.secretMonth);
  add('Secrets Manager', 'API calls', SECRET_READS_PER_MONTH / 1e4, '10k calls', prices.secretsManager.per10kApiCalls);
  add('KMS', `${inv.kmsKeys} customer managed key(s)`, inv.kmsKeys, 'key-month', prices.kms.keyMonth);
  const publishes = eventInvocations('alert-notifier', w, MONTH_DAYS) + MONTH_DAYS;
  add('KMS', 'requests (encrypted topic publishes)', publishes / 1e4, '10k requests', prices.kms.per10kRequests);
  add('SNS', 'publishes (alerts, alarm changes, daily reports)', publishes / 1e6, 'million publishes', prices.sns.perMillionPublishes);
  add('SNS', `email deliveries (${inv.emailSubscriptions} subscription(s))`, (publishes * inv.emailSubscriptions) / 1e5, '100k emails', prices.sns.per100kEmailDeliveries);
  add('Data transfer', 'out to the internet (exchange REST, Slack)', EGRESS_GB_PER_MONTH, 'GB', prices.dataTransfer.outToInternetGb);

  const total = lines.reduce((s, l) => s.add(l.monthly), new Decimal(0));
  return { region: prices.region, pricesAsOf: prices.asOf, workload: w, lines, total: total.toFixed(4) };
}
