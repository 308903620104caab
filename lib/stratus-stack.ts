import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { AlertOverrides } from '../shared/domain/alert-catalog.js';
import { alarmThresholds, type AlarmThresholds } from './alarm-thresholds.js';
import { Alerts } from './alerts.js';
import { OperatorDashboard } from './dashboard.js';
import { FunctionAlarms, scheduleAlarms } from './function-alarms.js';
import { PortfolioAlarms } from './portfolio-alarms.js';
import { ExchangeSecret } from './exchange-secret.js';
import { MarketStream } from './market-stream.js';
import { PipelineQueues } from './pipeline-queues.js';
import { PipelineSchedules } from './schedules.js';
import { StateTables } from './state-tables.js';
import { TradingFunctions } from './trading-functions.js';
import type { UserStrategies } from './user-strategies.js';

/** Options for the whole Stratus deployment. */
export interface StratusStackProps extends StackProps {
  /** Email subscribed to the alert topic. */
  readonly alertEmail?: string;
  /** ccxt exchange id. @default 'binance' */
  readonly exchangeId?: string;
  /** Run the market stream on Fargate Spot. @default false */
  readonly spot?: boolean;
  /** Create the Slack forwarder and its webhook secret. @default true */
  readonly slack?: boolean;
  /** Per-kind alert dedup/escalation windows over the catalogue's defaults (context `alertOverrides`, JSON). */
  readonly alertOverrides?: AlertOverrides;
  /** Who an ESCALATED Slack alert mentions (context `slackEscalationMention`). @default `<!channel>` */
  readonly slackEscalationMention?: string;
  /** Create the schedules enabled. @default true */
  readonly schedulesEnabled?: boolean;
  readonly logRetention?: RetentionDays;
  /** User strategies (`-c strategies=DIR`, lib/user-strategies.ts): in the signal function's bundle, declared to the rest. */
  readonly userStrategies?: UserStrategies;
}

/** Stratus on AWS: tables, queues, alerts, the five pipeline functions, their schedules and the market stream. */
export class StratusStack extends Stack {
  public readonly tables: StateTables;
  public readonly queues: PipelineQueues;
  public readonly alerts: Alerts;
  public readonly exchangeSecret: ExchangeSecret;
  public readonly functions: TradingFunctions;
  public readonly schedules: PipelineSchedules;
  public readonly marketStream: MarketStream;
  /** Alarm thresholds from the context (lib/alarm-thresholds.ts). */
  public readonly alarmThresholds: AlarmThresholds;
  public readonly functionAlarms: FunctionAlarms;
  public readonly portfolioAlarms: PortfolioAlarms;
  public readonly dashboard: OperatorDashboard;

  constructor(scope: Construct, id: string, props: StratusStackProps = {}) {
    super(scope, id, props);
    const exchangeId = props.exchangeId ?? 'binance';
    this.alarmThresholds = alarmThresholds(this.node);
    this.alerts = new Alerts(this, 'Alerts', {
      alertEmail: props.alertEmail, slack: props.slack, slackEscalationMention: props.slackEscalationMention, logRetention: props.logRetention,
    });
    this.tables = new StateTables(this, 'Tables');
    this.queues = new PipelineQueues(this, 'Queues', { alarmTopic: this.alerts.topic });
    this.exchangeSecret = new ExchangeSecret(this, 'ExchangeSecret', { exchangeId });
    this.functions = new TradingFunctions(this, 'Functions', {
      tables: this.tables,
      queues: { signals: this.queues.signals, orders: this.queues.orders },
      alerts: this.alerts,
      exchangeSecret: this.exchangeSecret.secret,
      alertOverrides: props.alertOverrides,
      logRetention: props.logRetention,
      userStrategies: props.userStrategies,
    });
    const fns = this.functions.functions;
    this.schedules = new PipelineSchedules(this, 'Schedules', {
      targets: { signal: fns.signal.fn, metrics: fns.metrics.fn, reconcile: fns.reconcile.fn, report: fns.report.fn },
      alarmTopic: this.alerts.topic,
      enabled: props.schedulesEnabled,
    });
    this.marketStream = new MarketStream(this, 'MarketStream', {
      marketTable: this.tables.market,
      policyTable: this.tables.policy,
      stateTable: this.tables.state,
      exchangeId,
      spot: props.spot,
      logRetention: props.logRetention,
      alarmTopic: this.alerts.topic,
      userStrategiesEnvironment: props.userStrategies?.environment,
    });

    const topic = this.alerts.topic;
    const schedulesEnabled = props.schedulesEnabled ?? true;
    this.functionAlarms = new FunctionAlarms(this, 'FunctionAlarms', { topic, durationPctOfTimeout: this.alarmThresholds.durationPctOfTimeout });
    scheduleAlarms(this.schedules, { topic, group: this.schedules.group, enabled: schedulesEnabled });
    this.portfolioAlarms = new PortfolioAlarms(this, 'PortfolioAlarms', {
      topic, thresholds: this.alarmThresholds, signalFunction: fns.signal.fn, schedulesEnabled,
    });
    this.dashboard = new OperatorDashboard(this, 'Dashboard', {
      dlqs: { 'signals DLQ': this.queues.signals.dlq, 'orders DLQ': this.queues.orders.dlq, 'schedules DLQ': this.schedules.dlq },
    });

    new CfnOutput(this, 'DashboardName', { value: this.dashboard.dashboard.dashboardName, description: 'The operator dashboard (CloudWatch)' });
    new CfnOutput(this, 'PolicyTableName', { value: this.tables.policy.tableName, description: 'Write the trading policy item here' });
    new CfnOutput(this, 'StateTableName', { value: this.tables.state.tableName });
    new CfnOutput(this, 'AlertTopicArn', { value: this.alerts.topic.topicArn });
    new CfnOutput(this, 'ExchangeSecretArn', { value: this.exchangeSecret.secret.secretArn, description: 'Put exchange API keys here for LIVE mode' });
    if (this.alerts.slackWebhookSecret) {
      new CfnOutput(this, 'SlackWebhookSecretArn', { value: this.alerts.slackWebhookSecret.secretArn, description: 'Put the Slack webhook URL here' });
    }
  }
}
