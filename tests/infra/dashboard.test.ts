import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { OperatorDashboard } from '../../lib/dashboard.js';
import { METRICS } from '../../shared/metrics-catalog.js';
import { buildForTest } from './template-helpers.js';

interface Widget { type: string; properties: { title?: string; markdown?: string; metrics?: unknown[][] } }

/** DashboardBody is an Fn::Join of strings and tokens (Ref AWS::Region, queue names); tokens become placeholders. */
function dashboardBody(t: Template): { widgets: Widget[] } {
  const [dash] = Object.values(t.findResources('AWS::CloudWatch::Dashboard')) as { Properties: { DashboardBody: unknown } }[];
  const body = dash!.Properties.DashboardBody as { 'Fn::Join': [string, unknown[]] };
  const text = body['Fn::Join'][1].map((p) => (typeof p === 'string' ? p : `TOKEN:${JSON.stringify(p).replace(/"/g, "'")}`)).join('');
  return JSON.parse(text) as { widgets: Widget[] };
}

/** The metric names (or SEARCH expressions) each graph widget plots, by title. */
function plotted(widgets: Widget[]): Record<string, string[]> {
  return Object.fromEntries(widgets.filter((w) => w.type === 'metric').map((w) => [w.properties.title!, (w.properties.metrics ?? []).map((row) => {
    const options = row.find((x) => x && typeof x === 'object' && 'expression' in (x as object)) as { expression?: string } | undefined;
    return options?.expression ?? String(row[1]);
  })]));
}

let template: Template;
let widgets: Widget[];

beforeAll(() => {
  template = Template.fromStack(buildForTest().stack);
  widgets = dashboardBody(template).widgets;
});

describe('the operator dashboard', () => {
  it('is one dashboard whose name is the DashboardName stack output', () => {
    const dashboards = template.findResources('AWS::CloudWatch::Dashboard');
    expect(Object.keys(dashboards)).toHaveLength(1);
    expect(Object.values(dashboards)[0]!.Properties.DashboardName).toBe('Stratus-operations');
    template.hasOutput('DashboardName', { Value: { Ref: Object.keys(dashboards)[0] } });
  });

  it('plots equity and drawdown, PnL day/week/total in quote and %, exposure and positions', () => {
    const p = plotted(widgets);
    expect(p['Equity and drawdown']).toEqual([METRICS.equity.name, METRICS.drawdownPct.name]);
    expect(p['PnL: day, week, total (quote; % right)']).toEqual(['pnlDaily', 'pnlWeekly', 'pnlTotal', 'pnlDailyPct', 'pnlWeeklyPct', 'pnlTotalPct']);
    expect(p['Exposure and positions']).toEqual(['openPositions', 'pendingOrders', 'exposurePct']);
  });

  it('plots decisions by reason code with a SEARCH over the reason dimension, and orders, fills and fill ratio', () => {
    const p = plotted(widgets);
    expect(p['Decisions by reason']).toEqual(['decisionsApproved', 'decisionsRejected',
      `SEARCH('{Stratus,reason,service} MetricName="decisionsRejected"', 'Sum', 300)`]);
    expect(p['Orders, fills and fill ratio']).toEqual(['ordersSent', 'fills', 'orderRejections', 'fillRatio']);
  });

  it('plots API errors of every exchange caller and latency p50 and p99 by endpoint', () => {
    const p = plotted(widgets)['Exchange API errors and latency p50/p99 by endpoint']!;
    expect(p.filter((m) => m === METRICS.exchangeApiErrors.name)).toHaveLength(METRICS.exchangeApiErrors.services.length);
    expect(p).toEqual(expect.arrayContaining([
      `SEARCH('{Stratus,endpoint,service} MetricName="exchangeLatencyMs"', 'p50', 300)`,
      `SEARCH('{Stratus,endpoint,service} MetricName="exchangeLatencyMs"', 'p99', 300)`,
    ]));
  });

  it('plots the circuit breaker and kill switch, the signal runs and the market stream (lag, reconnects, bad ticks, backfills)', () => {
    const p = plotted(widgets);
    expect(p['Circuit breaker and kill switch (0 ARMED, 1 COOLDOWN, 2 TRIPPED)']).toEqual(expect.arrayContaining([
      'killSwitchState', 'circuitBreakerOpen', 'killSwitchTrips', 'circuitBreakerTrips', 'exchangeConsecutiveErrors']));
    expect(p['Signal runs']).toEqual(expect.arrayContaining(['symbolsEvaluated', 'intentsEmitted', 'marketDataStale', 'marketDataDegraded']));
    // Entries the signal cap (signals.maxIntentsPerCycle) dropped, and pairs a run skipped (missing candles, a failing user strategy).
    expect(p['Signal runs']).toEqual(expect.arrayContaining(['intentsDropped', 'symbolsSkipped']));
    expect(p['Market stream: lag, reconnects, bad ticks, backfills']).toEqual(expect.arrayContaining([
      'streamLagMs', 'streamReconnected', 'badTicksDropped', 'candlesBackfilled', 'backfillFailed', 'heartbeatsWritten']));
  });

  it('plots the depth of every dead-letter queue and every Lambda function\'s errors, throttles and duration', () => {
    const p = plotted(widgets);
    const dlqs = Object.values(template.findResources('AWS::SQS::Queue')).filter((q) => q.Properties?.RedrivePolicy === undefined);
    expect(p['Dead-letter queue depths']).toEqual(Array(dlqs.length).fill('ApproximateNumberOfMessagesVisible'));
    expect(p['Lambda errors and throttles']).toEqual([
      `SEARCH('{AWS/Lambda,FunctionName} MetricName="Errors" "Stratus"', 'Sum', 300)`,
      `SEARCH('{AWS/Lambda,FunctionName} MetricName="Throttles" "Stratus"', 'Sum', 300)`,
    ]);
    expect(p['Lambda duration (maximum)']).toEqual([`SEARCH('{AWS/Lambda,FunctionName} MetricName="Duration" "Stratus"', 'Maximum', 300)`]);
  });

  it('plots only Stratus metrics that the catalog says the plotted service emits', () => {
    const catalog = METRICS as Record<string, { services: readonly string[] }>;
    for (const w of widgets.filter((x) => x.type === 'metric')) {
      for (const row of w.properties.metrics ?? []) {
        if (row[0] !== 'Stratus') continue;
        const service = row[row.indexOf('service') + 1] as string;
        expect(catalog[row[1] as string]?.services, `${String(row[1])} in "${w.properties.title}"`).toContain(service);
      }
    }
  });

  it('refuses a dashboard name CloudWatch would reject, and a dashboard without queues', () => {
    const { stack } = buildForTest();
    expect(() => new OperatorDashboard(stack, 'Bad', { dlqs: { x: stack.queues.signals.dlq }, dashboardName: 'no spaces' })).toThrow(/dashboardName/);
    expect(() => new OperatorDashboard(stack, 'Empty', { dlqs: {} })).toThrow(/dead-letter queue/);
  });
});
