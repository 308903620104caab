import { AspectPriority, Aspects, Duration, Names, Stack } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData, type AlarmProps } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import type { IScheduleGroup } from 'aws-cdk-lib/aws-scheduler';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct, type IConstruct } from 'constructs';

/** An alarm that notifies `topic` on ALARM and on OK, so a recovery is as visible as the failure. */
export function notifyingAlarm(scope: Construct, id: string, topic: ITopic, props: AlarmProps): Alarm {
  const alarm = new Alarm(scope, id, props);
  const action = new SnsAction(topic);
  alarm.addAlarmAction(action);
  alarm.addOkAction(action);
  return alarm;
}

/** A Lambda function's default timeout when none is set. */
const DEFAULT_TIMEOUT = Duration.seconds(3);

/** Options for the per-function alarms. */
export interface FunctionAlarmsProps {
  readonly topic: ITopic;
  /** Duration alarm threshold, in % of each function's timeout (1..100). */
  readonly durationPctOfTimeout: number;
}

/**
 * Three alarms on every Lambda function of the stack — Errors ≥ 1 in a minute, Throttles ≥ 1 in a minute, Maximum
 * Duration ≥ durationPctOfTimeout of its timeout over 5 minutes — found by an aspect at synth, so a function added
 * anywhere in the stack, later included, is watched without touching this file.
 */
export class FunctionAlarms extends Construct {
  /** Alarms by function path (relative to the stack); complete once the app is synthesized. */
  public readonly alarms = new Map<string, { errors: Alarm; throttles: Alarm; duration: Alarm }>();

  constructor(scope: Construct, id: string, private readonly props: FunctionAlarmsProps) {
    super(scope, id);
    if (!(props.durationPctOfTimeout > 0 && props.durationPctOfTimeout <= 100)) {
      throw new Error(`FunctionAlarms: durationPctOfTimeout must be in (0, 100], got ${props.durationPctOfTimeout}`);
    }
    const stack = Stack.of(this);
    Aspects.of(stack).add({ visit: (node: IConstruct) => this.visit(node) }, { priority: AspectPriority.MUTATING });
  }

  private visit(node: IConstruct): void {
    if (!(node instanceof LambdaFunction) || Stack.of(node) !== Stack.of(this)) return;
    const path = node.node.path.split('/').slice(1).join('/');
    if (this.alarms.has(path)) return;
    const { topic } = this.props;
    const uid = Names.nodeUniqueId(node.node);
    const minute = { period: Duration.minutes(1), statistic: 'Sum' };
    const common = { evaluationPeriods: 1, treatMissingData: TreatMissingData.NOT_BREACHING } as const;
    const timeoutMs = (node.timeout ?? DEFAULT_TIMEOUT).toMilliseconds();
    const durationMs = Math.floor((timeoutMs * this.props.durationPctOfTimeout) / 100);
    this.alarms.set(path, {
      errors: notifyingAlarm(this, `${uid}Errors`, topic, {
        ...common, alarmDescription: `Stratus: the Lambda function ${path} failed (Errors ≥ 1 in a minute). Read its log group.`,
        metric: node.metricErrors(minute), threshold: 1, comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      }),
      throttles: notifyingAlarm(this, `${uid}Throttles`, topic, {
        ...common, alarmDescription: `Stratus: the Lambda function ${path} was throttled (account concurrency exhausted?).`,
        metric: node.metricThrottles(minute), threshold: 1, comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      }),
      duration: notifyingAlarm(this, `${uid}Duration`, topic, {
        ...common,
        alarmDescription: `Stratus: the Lambda function ${path} ran ≥ ${this.props.durationPctOfTimeout} % of its ${timeoutMs / 1000} s timeout.`,
        metric: node.metricDuration({ period: Duration.minutes(5), statistic: 'Maximum' }),
        threshold: durationMs, comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      }),
    });
  }
}

/** Options for the schedule group's alarms. */
export interface ScheduleAlarmsProps {
  readonly topic: ITopic;
  readonly group: IScheduleGroup;
  /** The schedules run: also alarm when the group makes no invocation attempt in 5 minutes. */
  readonly enabled: boolean;
}

/**
 * EventBridge Scheduler's own failures for the group (AWS/Scheduler, dimension ScheduleGroup): a target error
 * (the invoke itself failed: permissions, throttling, a deleted function), a dropped invocation (retries and
 * maximum age ran out), and — when enabled — no invocation attempt at all in 5 minutes.
 */
export function scheduleAlarms(scope: Construct, props: ScheduleAlarmsProps): Alarm[] {
  const { topic, group } = props;
  const window = { period: Duration.minutes(5), statistic: 'Sum' };
  const atLeastOne = {
    threshold: 1, evaluationPeriods: 1, comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treatMissingData: TreatMissingData.NOT_BREACHING,
  } as const;
  const alarms = [
    notifyingAlarm(scope, 'TargetErrorsAlarm', topic, {
      ...atLeastOne, metric: group.metricTargetErrors(window),
      alarmDescription: 'Stratus: EventBridge Scheduler could not invoke a scheduled function (TargetErrorCount ≥ 1 in 5 minutes).',
    }),
    notifyingAlarm(scope, 'DroppedAlarm', topic, {
      ...atLeastOne, metric: group.metricDropped(window),
      alarmDescription: 'Stratus: EventBridge Scheduler dropped a scheduled invocation after its retries (InvocationDroppedCount ≥ 1 in 5 minutes).',
    }),
  ];
  if (props.enabled) {
    alarms.push(notifyingAlarm(scope, 'NoAttemptsAlarm', topic, {
      metric: group.metricAttempts(window), threshold: 1, evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD, treatMissingData: TreatMissingData.BREACHING,
      alarmDescription: 'Stratus: the schedules made no invocation attempt in 5 minutes (InvocationAttemptCount < 1): disabled or deleted?',
    }));
  }
  return alarms;
}
