import { Duration, Stack } from 'aws-cdk-lib';
import { Dashboard, GraphWidget, type IMetric, MathExpression, TextWidget } from 'aws-cdk-lib/aws-cloudwatch';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { METRICS as M, METRICS_NAMESPACE, type MetricDefinition, type MetricService } from '../shared/metrics-catalog.js';
import { STREAM_SERVICE_NAME } from '../shared/services/stream-metrics.js';
import { catalogMetric } from './catalog-metric.js';

/** Options for the operator dashboard. */
export interface OperatorDashboardProps {
  /** Dead-letter queues whose depth is shown, by label. */
  readonly dlqs: Readonly<Record<string, IQueue>>;
  /** @default `<stack name>-operations` */
  readonly dashboardName?: string;
}

const FIVE_MINUTES = Duration.minutes(5);
const SEARCH_PERIOD_SECONDS = FIVE_MINUTES.toSeconds();

/** One graph of catalog metrics: `left` and optional `right` axis, each `[definition, service, statistic]`. */
type Series = readonly [MetricDefinition, MetricService, string];
function graph(title: string, left: readonly (Series | IMetric)[], right: readonly (Series | IMetric)[] = []): GraphWidget {
  const metric = (s: Series | IMetric): IMetric => (Array.isArray(s)
    ? catalogMetric(s[0], s[1], { statistic: s[2], period: FIVE_MINUTES, label: `${s[0].name} (${s[1]})` })
    : (s as IMetric));
  return new GraphWidget({ title, left: left.map(metric), right: right.map(metric), width: 12, height: 6 });
}

/** A metric-math SEARCH over the namespace, so new dimension values (reason codes, endpoints, functions) appear by themselves. */
function search(schema: string, metricName: string, statistic: string, label: string, extra = ''): MathExpression {
  return new MathExpression({
    expression: `SEARCH('{${schema}} MetricName="${metricName}"${extra}', '${statistic}', ${SEARCH_PERIOD_SECONDS})`,
    label, period: FIVE_MINUTES, usingMetrics: {},
  });
}

/**
 * The one CloudWatch dashboard of a Stratus deployment, from the metric catalog: equity and drawdown, PnL by
 * period, exposure and positions, decisions by reason, orders/fills/fill ratio, exchange API errors and latency
 * p50/p99, circuit breaker and kill switch, the signal run, the market stream, DLQ depths and every Lambda
 * function's errors, duration and throttles (by SEARCH on the stack name, so a new function shows up).
 */
export class OperatorDashboard extends Construct {
  public readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: OperatorDashboardProps) {
    super(scope, id);
    const stackName = Stack.of(this).stackName;
    const name = props.dashboardName ?? `${stackName}-operations`;
    if (!/^[A-Za-z0-9_-]{1,255}$/.test(name)) throw new Error(`OperatorDashboard: dashboardName "${name}" may contain only letters, digits, '-' and '_'`);
    if (Object.keys(props.dlqs).length === 0) throw new Error('OperatorDashboard: at least one dead-letter queue is required');
    const stream = STREAM_SERVICE_NAME;
    const fnSearch = (metricName: string, statistic: string) =>
      search('AWS/Lambda,FunctionName', metricName, statistic, `${metricName} ${statistic}`, ` "${stackName}"`);

    this.dashboard = new Dashboard(this, 'Dashboard', { dashboardName: name, defaultInterval: Duration.hours(6) });
    this.dashboard.addWidgets(new TextWidget({
      markdown: `# Stratus — ${stackName}\nMetrics: namespace \`${METRICS_NAMESPACE}\` (shared/metrics-catalog.ts). Alarms and thresholds: README "Operating a deployment".`,
      width: 24, height: 2,
    }));
    this.dashboard.addWidgets(
      graph('Equity and drawdown', [[M.equity, 'metrics', 'Average']], [[M.drawdownPct, 'metrics', 'Maximum']]),
      graph('PnL: day, week, total (quote; % right)',
        [[M.pnlDaily, 'metrics', 'Average'], [M.pnlWeekly, 'metrics', 'Average'], [M.pnlTotal, 'metrics', 'Average']],
        [[M.pnlDailyPct, 'metrics', 'Average'], [M.pnlWeeklyPct, 'metrics', 'Average'], [M.pnlTotalPct, 'metrics', 'Average']]),
    );
    this.dashboard.addWidgets(
      graph('Exposure and positions', [[M.openPositions, 'metrics', 'Maximum'], [M.pendingOrders, 'metrics', 'Maximum']], [[M.exposurePct, 'metrics', 'Maximum']]),
      graph('Decisions by reason', [
        [M.decisionsApproved, 'risk', 'Sum'], [M.decisionsRejected, 'risk', 'Sum'],
        search(`${METRICS_NAMESPACE},reason,service`, M.decisionsRejected.name, 'Sum', 'rejected by reason'),
      ]),
    );
    this.dashboard.addWidgets(
      graph('Orders, fills and fill ratio',
        [[M.ordersSent, 'execution', 'Sum'], [M.fills, 'execution', 'Sum'], [M.orderRejections, 'execution', 'Sum']],
        [[M.fillRatio, 'execution', 'Average']]),
      graph('Exchange API errors and latency p50/p99 by endpoint',
        M.exchangeApiErrors.services.map((s) => [M.exchangeApiErrors, s, 'Sum'] as const),
        [
          search(`${METRICS_NAMESPACE},endpoint,service`, M.exchangeLatencyMs.name, 'p50', 'latency p50'),
          search(`${METRICS_NAMESPACE},endpoint,service`, M.exchangeLatencyMs.name, 'p99', 'latency p99'),
        ]),
    );
    this.dashboard.addWidgets(
      graph('Circuit breaker and kill switch (0 ARMED, 1 COOLDOWN, 2 TRIPPED)',
        [[M.killSwitchState, 'metrics', 'Maximum'], [M.circuitBreakerOpen, 'metrics', 'Maximum']],
        [[M.killSwitchTrips, 'metrics', 'Sum'], [M.killSwitchTrips, 'reconcile', 'Sum'], [M.circuitBreakerTrips, 'metrics', 'Sum'],
          [M.exchangeConsecutiveErrors, 'metrics', 'Maximum']]),
      graph('Signal runs',
        [[M.symbolsEvaluated, 'signal', 'Minimum'], [M.intentsEmitted, 'signal', 'Sum'], [M.riskExitsEmitted, 'signal', 'Sum'],
          [M.intentsDropped, 'signal', 'Sum'], [M.symbolsSkipped, 'signal', 'Sum']],
        [[M.marketDataStale, 'signal', 'Maximum'], [M.marketDataDegraded, 'signal', 'Maximum']]),
    );
    this.dashboard.addWidgets(
      graph('Market stream: lag, reconnects, bad ticks, backfills',
        [[M.streamReconnected, stream, 'Sum'], [M.streamStalled, stream, 'Sum'], [M.badTicksDropped, stream, 'Sum'],
          [M.candlesBackfilled, stream, 'Sum'], [M.backfillFailed, stream, 'Sum'], [M.heartbeatsWritten, stream, 'Sum']],
        [[M.streamLagMs, stream, 'Maximum']]),
      graph('Dead-letter queue depths', Object.entries(props.dlqs).map(([label, q]) =>
        q.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', period: FIVE_MINUTES, label }))),
    );
    this.dashboard.addWidgets(
      graph('Lambda errors and throttles', [fnSearch('Errors', 'Sum'), fnSearch('Throttles', 'Sum')]),
      graph('Lambda duration (maximum)', [fnSearch('Duration', 'Maximum')]),
    );
  }
}
