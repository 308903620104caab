/** What a synthesized Stratus template contains that costs money, counted from its resources. */

type Resource = { readonly Type: string; readonly Properties?: Record<string, any> };
/** A CloudFormation template as synth renders it. */
export interface CfnTemplate { readonly Resources: Readonly<Record<string, Resource>> }

/** One Lambda function: its Powertools service name (or logical id), memory and architecture. */
export interface FunctionItem { readonly name: string; readonly logicalId: string; readonly memoryMb: number; readonly arch: 'arm64' | 'x86_64' }

/** Everything the estimate prices, as the template defines it. */
export interface Inventory {
  readonly functions: readonly FunctionItem[];
  /** Schedule → target function logical id and invocations per 30.4-day month. */
  readonly schedules: readonly { readonly target: string; readonly perMonth: number }[];
  /** Billable alarm metrics: one per single-metric alarm, one per metric of a metric-math alarm; high resolution when period < 60 s. */
  readonly alarmMetrics: { readonly standard: number; readonly highResolution: number };
  readonly alarms: number;
  readonly dashboards: number;
  readonly queues: { readonly fifo: number; readonly standard: number };
  /** Queues polled by a Lambda event source mapping. */
  readonly polledQueues: number;
  readonly tables: number;
  readonly secrets: number;
  readonly kmsKeys: number;
  readonly logGroups: number;
  readonly flowLogs: number;
  readonly emailSubscriptions: number;
  readonly natGateways: number;
  /** The Fargate tasks (desired count × size); spot when the service's capacity provider strategy uses FARGATE_SPOT. */
  readonly fargate: readonly { readonly vcpu: number; readonly memoryGb: number; readonly arch: 'ARM64' | 'X86_64'; readonly spot: boolean; readonly publicIp: boolean; readonly tasks: number }[];
}

/** Minutes in the average month the estimate uses (730 h). */
export const MONTH_MINUTES = 730 * 60;

/** Invocations per month of an EventBridge Scheduler expression: cron(m h ...) with `*`, `0/N` or a fixed minute/hour; rate(N unit). */
export function perMonth(expression: string): number {
  const rate = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression);
  if (rate) return MONTH_MINUTES / (Number(rate[1]) * ({ minute: 1, hour: 60, day: 1440 } as Record<string, number>)[rate[2]!.replace(/s$/, '')]!);
  const cron = /^cron\((\S+) (\S+) /.exec(expression);
  if (!cron) throw new Error(`cannot price schedule expression ${expression}`);
  const count = (field: string, span: number) => (field === '*' ? span : /^0\/(\d+)$/.test(field) ? span / Number(field.slice(2)) : /^\d+$/.test(field) ? 1 : NaN);
  const n = count(cron[1]!, 60) * count(cron[2]!, 24) * (MONTH_MINUTES / 1440);
  if (Number.isNaN(n)) throw new Error(`cannot price schedule expression ${expression}`);
  return n;
}

/** Counts the priced resources of a template. */
export function inventoryOf(template: CfnTemplate): Inventory {
  const all = Object.entries(template.Resources);
  const of = (type: string) => all.filter(([, r]) => r.Type === type);
  const alarms = of('AWS::CloudWatch::Alarm').map(([, r]) => r.Properties ?? {});
  const alarmMetric = (p: Record<string, any>) => (Array.isArray(p.Metrics) ? p.Metrics.filter((m: any) => m.MetricStat).length : 1);
  const highRes = (p: Record<string, any>) => (p.Period ?? p.Metrics?.find((m: any) => m.MetricStat)?.MetricStat?.Period ?? 60) < 60;
  const tasks = new Map(of('AWS::ECS::TaskDefinition').map(([id, r]) => [id, r.Properties ?? {}]));
  return {
    functions: of('AWS::Lambda::Function').map(([id, r]) => ({
      logicalId: id, name: r.Properties?.Environment?.Variables?.POWERTOOLS_SERVICE_NAME ?? id,
      memoryMb: r.Properties?.MemorySize ?? 128, arch: r.Properties?.Architectures?.[0] === 'arm64' ? 'arm64' : 'x86_64',
    })),
    schedules: of('AWS::Scheduler::Schedule').filter(([, r]) => r.Properties?.State !== 'DISABLED').map(([, r]) => ({
      target: String(r.Properties?.Target?.Arn?.['Fn::GetAtt']?.[0] ?? ''), perMonth: perMonth(String(r.Properties?.ScheduleExpression)),
    })),
    alarmMetrics: {
      standard: alarms.filter((p) => !highRes(p)).reduce((n, p) => n + alarmMetric(p), 0),
      highResolution: alarms.filter(highRes).reduce((n, p) => n + alarmMetric(p), 0),
    },
    alarms: alarms.length,
    dashboards: of('AWS::CloudWatch::Dashboard').length,
    queues: {
      fifo: of('AWS::SQS::Queue').filter(([, r]) => r.Properties?.FifoQueue === true).length,
      standard: of('AWS::SQS::Queue').filter(([, r]) => r.Properties?.FifoQueue !== true).length,
    },
    polledQueues: of('AWS::Lambda::EventSourceMapping').length,
    tables: of('AWS::DynamoDB::Table').length,
    secrets: of('AWS::SecretsManager::Secret').length,
    kmsKeys: of('AWS::KMS::Key').length,
    logGroups: of('AWS::Logs::LogGroup').length,
    flowLogs: of('AWS::EC2::FlowLog').length,
    emailSubscriptions: of('AWS::SNS::Subscription').filter(([, r]) => r.Properties?.Protocol === 'email').length,
    natGateways: of('AWS::EC2::NatGateway').length,
    fargate: of('AWS::ECS::Service').map(([, r]) => {
      const p = r.Properties ?? {};
      const def = tasks.get(p.TaskDefinition?.Ref) ?? [...tasks.values()][0] ?? {};
      const spot = (p.CapacityProviderStrategy ?? []).some((s: any) => s.CapacityProvider === 'FARGATE_SPOT' && (s.Weight ?? 0) > 0);
      return {
        vcpu: Number(def.Cpu ?? 256) / 1024, memoryGb: Number(def.Memory ?? 512) / 1024, arch: def.RuntimePlatform?.CpuArchitecture === 'ARM64' ? 'ARM64' : 'X86_64',
        spot, publicIp: p.NetworkConfiguration?.AwsvpcConfiguration?.AssignPublicIp === 'ENABLED', tasks: Number(p.DesiredCount ?? 1),
      } as const;
    }),
  };
}
