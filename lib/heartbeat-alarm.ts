import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { STREAM_METRIC, STREAM_SERVICE_NAME } from '../shared/services/stream-metrics.js';
import { METRICS_NAMESPACE } from './stratus-function.js';

/** Options for the market stream's dead-man's switch. */
export interface HeartbeatAlarmProps {
  /** Where ALARM and OK go. */
  readonly topic: ITopic;
  /** Minutes in a row without a heartbeat before the alarm fires. @default 3 */
  readonly minutes?: number;
}

/**
 * The market stream's dead-man's switch: the EMF metric heartbeatsWritten (service=market-stream), summed per
 * minute, below 1 — or missing, which counts as breaching — for `minutes` minutes in a row. It needs nothing from
 * the stream to fire: a crashed task, a task Fargate Spot cannot place, a stuck process or a silent exchange all
 * end in no heartbeat. Notifies `topic` on ALARM and on OK.
 */
export function heartbeatAlarm(scope: Construct, id: string, props: HeartbeatAlarmProps): Alarm {
  const minutes = props.minutes ?? 3;
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > 60) throw new Error(`heartbeatAlarm: minutes must be an integer 1-60, got ${minutes}`);
  const alarm = new Alarm(scope, id, {
    alarmDescription: `Stratus: the market stream wrote no heartbeat for ${minutes} minutes (stopped, not placed, stuck or silent exchange). `
      + 'New entries are blocked as stale; after marketQuality.degradedAfterSeconds the signal function reads candles by REST. '
      + 'Check the ECS service events and the market-stream logs.',
    metric: new Metric({
      namespace: METRICS_NAMESPACE,
      metricName: STREAM_METRIC.heartbeats,
      dimensionsMap: { service: STREAM_SERVICE_NAME },
      statistic: 'Sum',
      period: Duration.minutes(1),
    }),
    threshold: 1,
    comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
    evaluationPeriods: minutes,
    datapointsToAlarm: minutes,
    treatMissingData: TreatMissingData.BREACHING,
  });
  const action = new SnsAction(props.topic);
  alarm.addAlarmAction(action);
  alarm.addOkAction(action);
  return alarm;
}
