import { Duration } from 'aws-cdk-lib';
import { type Alarm, ComparisonOperator, MathExpression, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { METRICS as M } from '../shared/metrics-catalog.js';
import { SCHEDULES } from '../shared/resources.js';
import type { AlarmThresholds } from './alarm-thresholds.js';
import { catalogMetric } from './catalog-metric.js';
import { notifyingAlarm } from './function-alarms.js';

/** Options for the portfolio and pipeline-health alarms. */
export interface PortfolioAlarmsProps {
  readonly topic: ITopic;
  readonly thresholds: AlarmThresholds;
  /** The signal function: its Invocations show whether the signal schedule runs. */
  readonly signalFunction: IFunction;
  /** The schedules run: the alarms that treat missing data as breaching notify only then. */
  readonly schedulesEnabled: boolean;
}

const GTE = ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD;
const LT = ComparisonOperator.LESS_THAN_THRESHOLD;

/**
 * What the operator must hear about the portfolio and the pipeline's output, from the catalog's metrics: drawdown
 * nearing the kill switch's limit, exposure above a threshold, exchange API error and order-rejection bursts, slow
 * order placement, an empty universe and no signal run within N cadences. Thresholds: lib/alarm-thresholds.ts.
 */
export class PortfolioAlarms extends Construct {
  public readonly drawdownWarning: Alarm;
  public readonly exposureHigh: Alarm;
  public readonly apiErrorBurst: Alarm;
  public readonly rejectionBurst: Alarm;
  public readonly exchangeLatency: Alarm;
  public readonly emptyUniverse: Alarm;
  public readonly noSignalRun: Alarm;

  constructor(scope: Construct, id: string, props: PortfolioAlarmsProps) {
    super(scope, id);
    const { topic, thresholds: t } = props;
    const quiet = { evaluationPeriods: 1, treatMissingData: TreatMissingData.NOT_BREACHING } as const;
    const fiveMinutes = Duration.minutes(5);

    this.drawdownWarning = notifyingAlarm(this, 'DrawdownWarning', topic, {
      ...quiet, comparisonOperator: GTE, threshold: t.drawdownWarnPct,
      metric: catalogMetric(M.drawdownPct, 'metrics', { statistic: 'Maximum' }),
      alarmDescription: `Stratus: drawdown from peak ≥ ${t.drawdownWarnPct} %, approaching lossLimits.maxDrawdownPct (the kill switch trips there).`,
    });
    this.exposureHigh = notifyingAlarm(this, 'ExposureHigh', topic, {
      ...quiet, comparisonOperator: GTE, threshold: t.exposurePct,
      metric: catalogMetric(M.exposurePct, 'metrics', { statistic: 'Minimum', period: fiveMinutes }),
      alarmDescription: `Stratus: exposure ≥ ${t.exposurePct} % of equity for 5 minutes.`,
    });
    const callers = M.exchangeApiErrors.services;
    this.apiErrorBurst = notifyingAlarm(this, 'ApiErrorBurst', topic, {
      ...quiet, comparisonOperator: GTE, threshold: t.apiErrorBurst,
      metric: new MathExpression({
        expression: callers.map((_, i) => `FILL(e${i}, 0)`).join(' + '),
        usingMetrics: Object.fromEntries(callers.map((s, i) => [`e${i}`, catalogMetric(M.exchangeApiErrors, s, { statistic: 'Sum', period: fiveMinutes })])),
        period: fiveMinutes, label: 'exchange API errors, all functions',
      }),
      alarmDescription: `Stratus: ≥ ${t.apiErrorBurst} exchange API errors in 5 minutes across ${callers.join(', ')} (the breaker and the error-burst trip follow).`,
    });
    this.rejectionBurst = notifyingAlarm(this, 'RejectionBurst', topic, {
      ...quiet, comparisonOperator: GTE, threshold: t.rejectionBurst,
      metric: catalogMetric(M.orderRejections, 'execution', { statistic: 'Sum', period: Duration.minutes(15) }),
      alarmDescription: `Stratus: the venue rejected ≥ ${t.rejectionBurst} orders in 15 minutes (balance, filters or keys?).`,
    });
    this.exchangeLatency = notifyingAlarm(this, 'ExchangeLatency', topic, {
      comparisonOperator: GTE, threshold: t.latencyP99Ms, evaluationPeriods: 3, datapointsToAlarm: 2, treatMissingData: TreatMissingData.NOT_BREACHING,
      metric: catalogMetric(M.exchangeLatencyMs, 'execution', { statistic: 'p99', period: fiveMinutes, dimensions: { endpoint: 'placeOrder' } }),
      alarmDescription: `Stratus: order placement p99 latency ≥ ${t.latencyP99Ms} ms in 2 of 3 five-minute periods.`,
    });
    const breaching = { evaluationPeriods: 1, treatMissingData: TreatMissingData.BREACHING, actionsEnabled: props.schedulesEnabled } as const;
    this.emptyUniverse = notifyingAlarm(this, 'EmptyUniverse', topic, {
      ...breaching, comparisonOperator: LT, threshold: 1,
      metric: catalogMetric(M.symbolsEvaluated, 'signal', { statistic: 'Maximum', period: fiveMinutes }),
      alarmDescription: 'Stratus: no symbol evaluated in 5 minutes (symbolsEvaluated 0, or missing: no successful signal run). Check the policy symbols and candles.',
    });
    const cadence = SCHEDULES.signal.rateMinutes * t.signalCadences;
    this.noSignalRun = notifyingAlarm(this, 'NoSignalRun', topic, {
      ...breaching, comparisonOperator: LT, threshold: 1,
      metric: props.signalFunction.metricInvocations({ statistic: 'Sum', period: Duration.minutes(cadence) }),
      alarmDescription: `Stratus: the signal function was not invoked for ${cadence} minutes (${t.signalCadences} cadences): schedule disabled or failing?`,
    });
  }
}
