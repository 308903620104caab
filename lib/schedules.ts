import { type CfnElement, Duration, Stack, Validations } from 'aws-cdk-lib';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { ContextAttribute, Schedule, ScheduleExpression, ScheduleGroup, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { SCHEDULES, type ScheduledInvocation } from '../shared/resources.js';
import { dlqAlarm } from './dlq-alarm.js';

/** A scheduled job: the key of SCHEDULES. */
export type ScheduledJob = keyof typeof SCHEDULES;

/** Options for the EventBridge Scheduler schedules. */
export interface PipelineSchedulesProps {
  /** The function each job invokes; every job in SCHEDULES must have one. */
  readonly targets: Readonly<Record<ScheduledJob, IFunction>>;
  /** Notified when an invocation gives up and lands in the DLQ. */
  readonly alarmTopic: ITopic;
  /** @default 2 */
  readonly retryAttempts?: number;
  /**
   * Create the schedules disabled (deploy first, enable once the policy and secrets are in place).
   * @default true
   */
  readonly enabled?: boolean;
}

/** The schedule expression for a rate in minutes: minute-aligned cron when the rate divides an hour, daily at 00:00 UTC for 1440, else a rate. */
export function scheduleExpressionFor(rateMinutes: number): ScheduleExpression {
  if (rateMinutes === 1) return ScheduleExpression.cron({ minute: '*' });
  if (rateMinutes === 1440) return ScheduleExpression.cron({ minute: '0', hour: '0' });
  if (60 % rateMinutes === 0) return ScheduleExpression.cron({ minute: `0/${rateMinutes}` });
  return ScheduleExpression.rate(Duration.minutes(rateMinutes));
}

/** The exact payload each schedule sends: the ScheduledInvocation contract with the scheduler's own time. */
export function scheduledInput(job: ScheduledJob): ScheduleTargetInput {
  const payload: ScheduledInvocation = { source: 'stratus.scheduler', job, scheduledTime: ContextAttribute.scheduledTime };
  return ScheduleTargetInput.fromObject(payload);
}

/**
 * EventBridge Scheduler schedules for the signal, metrics and reconcile jobs at the SCHEDULES rates,
 * aligned to the minute so each run follows a candle close. Failed invocations are retried, then sent to a
 * DLQ that raises an alarm.
 */
export class PipelineSchedules extends Construct {
  /** Each schedule by job. */
  public readonly schedules: Record<ScheduledJob, Schedule>;
  /** The stack's own schedule group: the AWS/Scheduler metrics of Stratus's schedules alone (ScheduleGroup dimension). */
  public readonly group: ScheduleGroup;
  /** Receives invocations the scheduler gave up on. */
  public readonly dlq: Queue;
  public readonly dlqAlarm: Alarm;
  /** The role the scheduler assumes: invoke the three targets, send to the DLQ. */
  public readonly role: Role;

  constructor(scope: Construct, id: string, props: PipelineSchedulesProps) {
    super(scope, id);
    const retryAttempts = props.retryAttempts ?? 2;
    if (!Number.isInteger(retryAttempts) || retryAttempts < 0 || retryAttempts > 185) {
      throw new Error(`PipelineSchedules: retryAttempts must be an integer 0..185, got ${retryAttempts}`);
    }
    for (const job of Object.keys(SCHEDULES) as ScheduledJob[]) {
      if (!props.targets[job]) throw new Error(`PipelineSchedules: no target function for the ${job} schedule`);
    }

    this.dlq = new Queue(this, 'Dlq', {
      enforceSSL: true,
      encryption: QueueEncryption.SQS_MANAGED,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.dlq).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself the dead-letter queue of the schedules (Scheduler DeadLetterConfig, which cdk-nag does not recognise).',
    });
    this.dlqAlarm = dlqAlarm(this, 'DlqAlarm', this.dlq, props.alarmTopic, 'a scheduled invocation');

    const stack = Stack.of(this);
    this.group = new ScheduleGroup(this, 'Group');
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': stack.account } } }),
      description: 'EventBridge Scheduler: invokes the Stratus scheduled functions',
    });

    const build = (job: ScheduledJob): Schedule => {
      const { rateMinutes } = SCHEDULES[job];
      return new Schedule(this, job.charAt(0).toUpperCase() + job.slice(1), {
        description: `Stratus: invokes the ${job} function every ${rateMinutes} minute(s)`,
        schedule: scheduleExpressionFor(rateMinutes),
        enabled: props.enabled ?? true,
        scheduleGroup: this.group,
        target: new LambdaInvoke(props.targets[job], {
          role: this.role,
          input: scheduledInput(job),
          retryAttempts,
          // A run older than one period is superseded by the next one.
          maxEventAge: Duration.minutes(Math.max(1, rateMinutes)),
          deadLetterQueue: this.dlq,
        }),
      });
    };
    this.schedules = { signal: build('signal'), metrics: build('metrics'), reconcile: build('reconcile'), report: build('report') };
    for (const job of Object.keys(SCHEDULES) as ScheduledJob[]) {
      const fn = props.targets[job].node.defaultChild as CfnElement | undefined;
      if (!fn) continue; // an imported function: its ARN is not a token of this stack
      Validations.of(this.role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${stack.getLogicalId(fn)}.Arn>:*]`,
        reason: `grantInvoke also covers versions and aliases (<arn>:*) of the ${job} function; no other function is reachable.`,
      });
    }
  }
}
