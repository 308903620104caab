import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { ALARM_CONTEXT, ALARM_DEFAULTS } from '../../lib/alarm-thresholds.js';
import { METRICS } from '../../shared/metrics-catalog.js';
import { buildForTest } from './template-helpers.js';

type Resource = { Type: string; Properties: Record<string, any> };
type Resources = Record<string, Resource>;

let template: Template;
let alarms: Resource[];
let topic: string;

const byMetric = (list: Resource[], name: string) => list.filter((a) => a.Properties.MetricName === name);
const byDescription = (list: Resource[], re: RegExp) => list.filter((a) => re.test(a.Properties.AlarmDescription ?? ''));
/** Every Lambda function the stack creates except CDK's deploy-time custom-resource providers (handler __entrypoint__). */
function stackFunctions(t: Template): [string, Resource][] {
  return Object.entries(t.findResources('AWS::Lambda::Function') as Resources).filter(([, f]) => f.Properties.Handler !== '__entrypoint__.handler');
}
function alarmsIn(t: Template): Resource[] {
  return Object.values(t.findResources('AWS::CloudWatch::Alarm') as Resources);
}
function functionAlarm(list: Resource[], metric: string, fnId: string): Resource[] {
  return byMetric(list, metric).filter((a) => a.Properties.Namespace === 'AWS/Lambda'
    && a.Properties.Dimensions?.some((d: { Name: string; Value: { Ref?: string } }) => d.Name === 'FunctionName' && d.Value.Ref === fnId));
}
const metricDims = (a: Resource) => Object.fromEntries((a.Properties.Dimensions ?? []).map((d: { Name: string; Value: unknown }) => [d.Name, d.Value]));

beforeAll(() => {
  const { stack } = buildForTest({ alertEmail: 'ops@example.com' });
  template = Template.fromStack(stack);
  alarms = alarmsIn(template);
  topic = Object.keys(template.findResources('AWS::SNS::Topic'))[0]!;
});

describe('every alarm notifies the alert topic', () => {
  it('has 3 alarms per function, 3 on the schedule group, one per DLQ, the heartbeat and 7 portfolio alarms, each sending ALARM and OK to the topic', () => {
    const dlqs = Object.values(template.findResources('AWS::SQS::Queue') as Resources).filter((q) => q.Properties.RedrivePolicy === undefined);
    expect(byMetric(alarms, 'ApproximateNumberOfMessagesVisible')).toHaveLength(dlqs.length);
    expect(byMetric(alarms, METRICS.heartbeatsWritten.name)).toHaveLength(1);
    expect(alarms).toHaveLength(stackFunctions(template).length * 3 + 3 + dlqs.length + 1 + 7);
    for (const a of alarms) {
      expect(a.Properties.AlarmActions, a.Properties.AlarmDescription).toEqual([{ Ref: topic }]);
      expect(a.Properties.OKActions, a.Properties.AlarmDescription).toEqual([{ Ref: topic }]);
    }
  });
});

describe('Lambda function alarms', () => {
  it('gives every function of the stack exactly one Errors, one Throttles and one Duration alarm', () => {
    const fns = stackFunctions(template);
    expect(fns.length).toBeGreaterThanOrEqual(7); // six pipeline functions and the Slack notifier
    for (const [id] of fns) {
      for (const metric of ['Errors', 'Throttles', 'Duration']) expect(functionAlarm(alarms, metric, id), `${metric} of ${id}`).toHaveLength(1);
    }
    expect(alarms.filter((a) => a.Properties.Namespace === 'AWS/Lambda' && a.Properties.MetricName !== 'Invocations')).toHaveLength(fns.length * 3);
  });

  it('alarms on Errors ≥ 1 and Throttles ≥ 1 summed over one minute, missing data not breaching', () => {
    for (const [id] of stackFunctions(template)) {
      for (const metric of ['Errors', 'Throttles']) {
        expect(functionAlarm(alarms, metric, id)[0]!.Properties).toMatchObject({
          Statistic: 'Sum', Period: 60, EvaluationPeriods: 1, Threshold: 1,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold', TreatMissingData: 'notBreaching',
        });
      }
    }
  });

  it('alarms on the maximum Duration over 5 minutes at 80 % of each function\'s own timeout', () => {
    for (const [id, fn] of stackFunctions(template)) {
      expect(functionAlarm(alarms, 'Duration', id)[0]!.Properties).toMatchObject({
        Statistic: 'Maximum', Period: 300, Threshold: fn.Properties.Timeout * 1000 * 0.8, ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      });
    }
  });

  it('watches a function added to the stack after the alarms were declared', async () => {
    const { Function: Fn, Code, Runtime } = await import('aws-cdk-lib/aws-lambda');
    const { Duration } = await import('aws-cdk-lib');
    const { stack } = buildForTest();
    new Fn(stack, 'LateFunction', { runtime: Runtime.NODEJS_24_X, handler: 'index.handler', code: Code.fromInline('exports.handler=async()=>1'), timeout: Duration.seconds(10) });
    const t = Template.fromStack(stack);
    const late = Object.keys(t.findResources('AWS::Lambda::Function')).find((k) => k.startsWith('LateFunction'))!;
    expect(functionAlarm(alarmsIn(t), 'Errors', late)).toHaveLength(1);
    expect(functionAlarm(alarmsIn(t), 'Duration', late)[0]!.Properties.Threshold).toBe(8_000);
  });

  it('takes the duration share from the alarmDurationPctOfTimeout context key', () => {
    const { stack } = buildForTest({ [ALARM_CONTEXT.durationPctOfTimeout]: 50 });
    const t = Template.fromStack(stack);
    for (const [id, fn] of stackFunctions(t)) expect(functionAlarm(alarmsIn(t), 'Duration', id)[0]!.Properties.Threshold).toBe(fn.Properties.Timeout * 500);
  });
});

describe('schedule alarms', () => {
  it('puts every schedule in the stack\'s own schedule group and alarms on its target errors, drops and missing attempts', () => {
    const groups = Object.values(template.findResources('AWS::Scheduler::ScheduleGroup') as Resources);
    expect(groups).toHaveLength(1);
    const group = groups[0]!.Properties.Name as string;
    for (const s of Object.values(template.findResources('AWS::Scheduler::Schedule') as Resources)) expect(s.Properties.GroupName).toBe(group);
    const scheduler = alarms.filter((a) => a.Properties.Namespace === 'AWS/Scheduler');
    expect(scheduler.map((a) => a.Properties.MetricName).sort()).toEqual(['InvocationAttemptCount', 'InvocationDroppedCount', 'TargetErrorCount']);
    for (const a of scheduler) expect(metricDims(a)).toEqual({ ScheduleGroup: group });
    expect(byMetric(scheduler, 'TargetErrorCount')[0]!.Properties).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', Period: 300 });
    expect(byMetric(scheduler, 'InvocationAttemptCount')[0]!.Properties).toMatchObject({ Threshold: 1, ComparisonOperator: 'LessThanThreshold', TreatMissingData: 'breaching' });
  });

  it('has no missing-attempts alarm while the schedules are created disabled', () => {
    const t = Template.fromStack(buildForTest({ schedulesEnabled: false }).stack);
    expect(byMetric(alarmsIn(t), 'InvocationAttemptCount')).toHaveLength(0);
    expect(byMetric(alarmsIn(t), 'TargetErrorCount')).toHaveLength(1);
  });

});

describe('portfolio alarms', () => {
  const stratus = (list: Resource[], name: string, service: string) =>
    byMetric(list, name).filter((a) => a.Properties.Namespace === 'Stratus' && metricDims(a)['service'] === service);

  it('warns on drawdown at 70 % of the default maxDrawdownPct (7 %) from the metrics function\'s drawdownPct', () => {
    expect(ALARM_DEFAULTS.drawdownWarnPct).toBeCloseTo(7);
    const [a] = stratus(alarms, METRICS.drawdownPct.name, 'metrics');
    expect(a!.Properties).toMatchObject({ Statistic: 'Maximum', Threshold: ALARM_DEFAULTS.drawdownWarnPct, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
  });

  it('alarms on exposure, order rejections and order-placement p99 latency at the default thresholds', () => {
    expect(stratus(alarms, METRICS.exposurePct.name, 'metrics')[0]!.Properties).toMatchObject({ Statistic: 'Minimum', Period: 300, Threshold: 80 });
    expect(stratus(alarms, METRICS.orderRejections.name, 'execution')[0]!.Properties).toMatchObject({ Statistic: 'Sum', Period: 900, Threshold: 3 });
    const [latency] = stratus(alarms, METRICS.exchangeLatencyMs.name, 'execution');
    expect(latency!.Properties).toMatchObject({ ExtendedStatistic: 'p99', Threshold: 2_000, EvaluationPeriods: 3, DatapointsToAlarm: 2 });
    expect(metricDims(latency!)).toEqual({ service: 'execution', endpoint: 'placeOrder' });
  });

  it('sums exchangeApiErrors of every function that calls the exchange into one burst alarm', () => {
    const [burst] = byDescription(alarms, /exchange API errors in 5 minutes/);
    expect(burst!.Properties.Threshold).toBe(5);
    const queries = burst!.Properties.Metrics as { Id: string; Expression?: string; MetricStat?: { Metric: { MetricName: string; Dimensions: { Name: string; Value: string }[] } } }[];
    const services = queries.filter((q) => q.MetricStat).map((q) => {
      expect(q.MetricStat!.Metric.MetricName).toBe(METRICS.exchangeApiErrors.name);
      return q.MetricStat!.Metric.Dimensions.find((d) => d.Name === 'service')!.Value;
    });
    expect(services.sort()).toEqual([...METRICS.exchangeApiErrors.services].sort());
    expect(queries.find((q) => q.Expression)!.Expression).toBe('FILL(e0, 0) + FILL(e1, 0) + FILL(e2, 0) + FILL(e3, 0)');
  });

  it('treats a missing symbolsEvaluated and a missing signal invocation as breaching (empty universe, no signal run in 2 minutes)', () => {
    expect(stratus(alarms, METRICS.symbolsEvaluated.name, 'signal')[0]!.Properties).toMatchObject({
      Statistic: 'Maximum', Threshold: 1, ComparisonOperator: 'LessThanThreshold', TreatMissingData: 'breaching', ActionsEnabled: true,
    });
    const signal = stackFunctions(template).find(([, f]) => f.Properties.Environment?.Variables?.POWERTOOLS_SERVICE_NAME === 'signal')![0];
    const [noRun] = functionAlarm(alarms, 'Invocations', signal);
    expect(noRun!.Properties).toMatchObject({ Statistic: 'Sum', Period: 120, Threshold: 1, ComparisonOperator: 'LessThanThreshold', TreatMissingData: 'breaching' });
  });

  it('silences the missing-data alarms while the schedules are created disabled', () => {
    const t = Template.fromStack(buildForTest({ schedulesEnabled: false }).stack);
    expect(stratus(alarmsIn(t), METRICS.symbolsEvaluated.name, 'signal')[0]!.Properties.ActionsEnabled).toBe(false);
  });

  it('takes every threshold from the deployment\'s context keys', () => {
    const { stack } = buildForTest({
      [ALARM_CONTEXT.drawdownWarnPct]: 4, [ALARM_CONTEXT.exposurePct]: '60', [ALARM_CONTEXT.apiErrorBurst]: 9,
      [ALARM_CONTEXT.rejectionBurst]: 7, [ALARM_CONTEXT.latencyP99Ms]: 900, [ALARM_CONTEXT.signalCadences]: 3,
    });
    const t = alarmsIn(Template.fromStack(stack));
    expect(stratus(t, METRICS.drawdownPct.name, 'metrics')[0]!.Properties.Threshold).toBe(4);
    expect(stratus(t, METRICS.exposurePct.name, 'metrics')[0]!.Properties.Threshold).toBe(60);
    expect(byDescription(t, /exchange API errors in 5 minutes/)[0]!.Properties.Threshold).toBe(9);
    expect(stratus(t, METRICS.orderRejections.name, 'execution')[0]!.Properties.Threshold).toBe(7);
    expect(stratus(t, METRICS.exchangeLatencyMs.name, 'execution')[0]!.Properties.Threshold).toBe(900);
    expect(byMetric(t, 'Invocations')[0]!.Properties.Period).toBe(180);
  });

  it('refuses a threshold that is not a positive number', () => {
    expect(() => buildForTest({ [ALARM_CONTEXT.exposurePct]: 'lots' })).toThrow(/alarmExposurePct must be a positive number/);
    expect(() => buildForTest({ [ALARM_CONTEXT.durationPctOfTimeout]: 120 })).toThrow(/at most 100/);
  });

  it('refuses a fractional signal-cadence count and a drawdown or exposure threshold above 100 %, naming the context key', () => {
    expect(() => buildForTest({ [ALARM_CONTEXT.signalCadences]: 1.5 })).toThrow(/context alarmSignalCadences must be a whole number of cadences, got 1.5/);
    expect(() => buildForTest({ [ALARM_CONTEXT.signalCadences]: '0.5' })).toThrow(/alarmSignalCadences must be a whole number/);
    expect(() => buildForTest({ [ALARM_CONTEXT.drawdownWarnPct]: 150 })).toThrow(/context alarmDrawdownWarnPct must be at most 100/);
    expect(() => buildForTest({ [ALARM_CONTEXT.exposurePct]: '101' })).toThrow(/context alarmExposurePct must be at most 100/);
  });
});
