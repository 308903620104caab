import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { Alerts } from '../../lib/alerts.js';
import { MarketStream, type MarketStreamProps } from '../../lib/market-stream.js';
import { StateTables } from '../../lib/state-tables.js';
import { METRICS_NAMESPACE } from '../../lib/stratus-function.js';
import { STREAM_METRIC, STREAM_SERVICE_NAME } from '../../shared/services/stream-metrics.js';
import { SKIP_BUNDLING } from './template-helpers.js';

/**
 * The market stream with the real tables and the real (KMS-encrypted) alert topic, as StratusStack wires it
 * once it passes `alarmTopic: this.alerts.topic`; no Slack function, so nothing to bundle.
 */
function build(props: Partial<MarketStreamProps> = {}, withTopic = true) {
  const app = new App({ context: SKIP_BUNDLING });
  const stack = new Stack(app, 'StreamOnly');
  const tables = new StateTables(stack, 'Tables');
  const alerts = new Alerts(stack, 'Alerts', { slack: false });
  const stream = new MarketStream(stack, 'MarketStream', {
    marketTable: tables.market, policyTable: tables.policy, exchangeId: 'binance', ...(withTopic ? { alarmTopic: alerts.topic } : {}), ...props,
  });
  return { app, stack, stream, template: Template.fromStack(stack), topicId: stack.getLogicalId(alerts.topic.node.defaultChild as never) };
}

/** Synth copies and fingerprints the image context, so the two common variants are built once. */
let defaults: ReturnType<typeof build> | undefined;
let spot: ReturnType<typeof build> | undefined;
const withDefaults = () => (defaults ??= build());
const withSpot = () => (spot ??= build({ spot: true }));

describe('market stream heartbeat alarm (dead-man\'s switch)', () => {
  it('fires when the EMF heartbeat count is missing or below 1 for 3 minutes, and notifies the topic on ALARM and OK', () => {
    const { template, topicId } = withDefaults();
    template.resourceCountIs('AWS::CloudWatch::Alarm', 1);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: METRICS_NAMESPACE,
      MetricName: STREAM_METRIC.heartbeats,
      Dimensions: [{ Name: 'service', Value: STREAM_SERVICE_NAME }],
      Statistic: 'Sum',
      Period: 60,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      EvaluationPeriods: 3,
      DatapointsToAlarm: 3,
      TreatMissingData: 'breaching',
      AlarmActions: [{ Ref: topicId }],
      OKActions: [{ Ref: topicId }],
    });
  });

  it('watches the metric the container actually emits: same service name and namespace as its Powertools environment', () => {
    const { template } = withDefaults();
    template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [Match.objectLike({
        Environment: Match.arrayWith([
          { Name: 'POWERTOOLS_SERVICE_NAME', Value: STREAM_SERVICE_NAME },
          { Name: 'POWERTOOLS_METRICS_NAMESPACE', Value: METRICS_NAMESPACE },
        ]),
      })],
    });
  });

  it('takes the number of silent minutes as an option', () => {
    build({ heartbeatAlarmMinutes: 5 }).template.hasResourceProperties('AWS::CloudWatch::Alarm', { EvaluationPeriods: 5, DatapointsToAlarm: 5 });
  });

  it('creates no alarm without a topic, and rejects alarm options it could not honour', () => {
    build({}, false).template.resourceCountIs('AWS::CloudWatch::Alarm', 0);
    expect(() => build({ heartbeatAlarmMinutes: 5 }, false)).toThrow(/heartbeatAlarmMinutes needs alarmTopic/);
    expect(() => build({ heartbeatAlarmMinutes: 0 })).toThrow(/minutes must be an integer 1-60/);
  });
});

describe('market stream service options', () => {
  it('with spot: places the task on FARGATE_SPOT (base 1) and keeps FARGATE associated at weight 0', () => {
    const { template } = withSpot();
    template.hasResourceProperties('AWS::ECS::Service', {
      CapacityProviderStrategy: [{ CapacityProvider: 'FARGATE_SPOT', Base: 1, Weight: 1 }, { CapacityProvider: 'FARGATE', Weight: 0 }],
    });
    template.hasResourceProperties('AWS::ECS::ClusterCapacityProviderAssociations', { CapacityProviders: Match.arrayWith(['FARGATE', 'FARGATE_SPOT']) });
  });

  it('without spot: on-demand FARGATE launch type, no capacity providers', () => {
    const { template } = withDefaults();
    template.hasResourceProperties('AWS::ECS::Service', { LaunchType: 'FARGATE', CapacityProviderStrategy: Match.absent() });
  });

  it('keeps a deployment circuit breaker with rollback, container insights, log retention and a stop timeout that fits the flush', () => {
    const { template } = withDefaults();
    template.hasResourceProperties('AWS::ECS::Service', {
      DeploymentConfiguration: Match.objectLike({ DeploymentCircuitBreaker: { Enable: true, Rollback: true }, MinimumHealthyPercent: 100 }),
    });
    template.hasResourceProperties('AWS::ECS::Cluster', { ClusterSettings: [{ Name: 'containerInsights', Value: 'enabled' }] });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
    template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      Cpu: '256', Memory: '512', RuntimePlatform: { CpuArchitecture: 'ARM64', OperatingSystemFamily: 'LINUX' },
      ContainerDefinitions: [Match.objectLike({ StopTimeout: 30, LinuxParameters: { InitProcessEnabled: true } })],
    });
  });

  it('raises no cdk-nag AwsSolutions finding, alarm on the encrypted alert topic and Spot included', () => {
    const { app } = withSpot();
    const report = new AwsSolutionsChecks(app).validateScope(app);
    expect(report.violations.map((v) => `${v.ruleName} ${v.violatingResources.map((r) => r.constructPath).join(',')}`)).toEqual([]);
  });
});
