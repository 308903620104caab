import * as path from 'node:path';
import { type CfnElement, Duration, Stack, Validations } from 'aws-cdk-lib';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { AlertOverrides } from '../shared/domain/alert-catalog.js';
import { ALERT_ENV, ENV, QUEUES, TABLES, type QueueDefinition, type TableDefinition } from '../shared/resources.js';
import type { Alerts } from './alerts.js';
import type { QueueWithDlq } from './pipeline-queues.js';
import type { StateTables } from './state-tables.js';
import { REPO_ROOT, StratusFunction } from './stratus-function.js';
import { goLiveRecordsWriteDeny } from './go-live-grants.js';
import type { UserStrategies } from './user-strategies.js';

/** The pipeline functions and the daily report, each in functions/<name>/handler.ts. */
export type TradingFunctionName = 'signal' | 'risk' | 'execution' | 'metrics' | 'reconcile' | 'report';

/** Options for the pipeline functions. */
export interface TradingFunctionsProps {
  readonly tables: StateTables;
  readonly queues: { readonly signals: QueueWithDlq; readonly orders: QueueWithDlq };
  readonly alerts: Alerts;
  readonly exchangeSecret: ISecret;
  /** Per-kind alert dedup/escalation windows (ALERT_OVERRIDES), validated against the alert catalogue at synth. */
  readonly alertOverrides?: AlertOverrides;
  readonly logRetention?: RetentionDays;
  /** User strategies (`-c strategies=DIR`): bundled into the signal function, declared to all (lib/user-strategies.ts). */
  readonly userStrategies?: UserStrategies;
}

type Access = 'read' | 'rw';

/** What each function may touch. Anything not listed here is denied. */
interface FunctionSpec {
  readonly description: string;
  readonly memorySize: number;
  readonly timeout: Duration;
  readonly tables: Partial<Record<TableDefinition['id'], Access>>;
  readonly sendsTo?: 'signals' | 'orders';
  readonly consumes?: QueueDefinition;
  readonly readsExchangeSecret?: boolean;
}

const SPECS: Record<TradingFunctionName, FunctionSpec> = {
  signal: {
    description: 'Stratus: evaluates strategies at each candle close and sends intents to signals.fifo',
    memorySize: 512, timeout: Duration.seconds(30),
    tables: { market: 'read', state: 'read', policy: 'rw' }, sendsTo: 'signals',
  },
  risk: {
    description: 'Stratus: applies guards, sizing and the kill switch to each intent; sends orders to orders.fifo',
    memorySize: 512, timeout: Duration.seconds(QUEUES.signals.consumerTimeoutSeconds),
    tables: { market: 'read', state: 'rw', policy: 'rw' }, sendsTo: 'orders', consumes: QUEUES.signals,
  },
  execution: {
    description: 'Stratus: places each order exactly once (idempotent on the client order id) and books fills',
    memorySize: 1024, timeout: Duration.seconds(QUEUES.orders.consumerTimeoutSeconds),
    tables: { market: 'read', state: 'rw', policy: 'rw', idempotency: 'rw' }, consumes: QUEUES.orders, readsExchangeSecret: true,
  },
  metrics: {
    description: 'Stratus: publishes equity, PnL, exposure and drawdown; trips the kill switch on loss limits',
    memorySize: 512, timeout: Duration.seconds(30),
    // Sends the kill switch's cancel-entry instructions (execution cancels LIVE entries with its keys; it places only decided orders).
    tables: { market: 'read', state: 'rw', policy: 'rw' }, sendsTo: 'orders',
  },
  reconcile: {
    description: 'Stratus: compares exchange orders and balances with the ledger and alerts on drift',
    memorySize: 1024, timeout: Duration.seconds(120),
    tables: { market: 'read', state: 'rw', policy: 'rw' }, readsExchangeSecret: true, sendsTo: 'orders',
  },
  report: {
    description: 'Stratus: sends the daily report (PnL, equity, drawdown, Sharpe, trades, rejections, alerts) after 00:00 UTC',
    memorySize: 512, timeout: Duration.seconds(60),
    tables: { market: 'read', state: 'read', policy: 'rw' },
  },
};

/** Keys a function without state-table write access may still put: its RUN# marker and the ALERT# record of what it published. */
const OPS_RECORD_KEYS = ['RUN#*', 'ALERT#*'];

/**
 * The pipeline's Lambda functions (signal, risk, execution, metrics, reconcile) with least-privilege grants
 * from SPECS, the full resource environment from ENV, and SQS event sources with partial batch responses.
 */
export class TradingFunctions extends Construct {
  /** Each function by name. */
  public readonly functions: Record<TradingFunctionName, StratusFunction>;

  constructor(scope: Construct, id: string, props: TradingFunctionsProps) {
    super(scope, id);
    for (const [name, spec] of Object.entries(SPECS)) {
      if (spec.consumes && spec.timeout.toSeconds() * 6 > spec.consumes.visibilityTimeoutSeconds) {
        throw new Error(`TradingFunctions: ${name} timeout exceeds 1/6 of ${spec.consumes.name}'s visibility timeout`);
      }
    }
    const { tables, queues, alerts } = props;
    // Every function gets every resource name: shared/runtime/config.ts requires them all. IAM, not the environment, limits access.
    const environment = {
      [ENV.marketTable]: tables.market.tableName,
      [ENV.stateTable]: tables.state.tableName,
      [ENV.policyTable]: tables.policy.tableName,
      [ENV.idempotencyTable]: tables.idempotency.tableName,
      [ENV.signalsQueueUrl]: queues.signals.queue.queueUrl,
      [ENV.ordersQueueUrl]: queues.orders.queue.queueUrl,
      [ENV.alertTopicArn]: alerts.topic.topicArn,
      [ENV.exchangeSecretArn]: props.exchangeSecret.secretArn,
      ...(props.alertOverrides && Object.keys(props.alertOverrides).length ? { [ALERT_ENV.overrides]: JSON.stringify(props.alertOverrides) } : {}),
      ...props.userStrategies?.environment,
    };

    const build = (name: TradingFunctionName): StratusFunction => {
      const spec = SPECS[name];
      const f = new StratusFunction(this, name.charAt(0).toUpperCase() + name.slice(1), {
        entry: name === 'signal' && props.userStrategies ? props.userStrategies.signalEntry : path.join(REPO_ROOT, 'functions', name, 'handler.ts'),
        serviceName: name,
        description: spec.description,
        memorySize: spec.memorySize,
        timeout: spec.timeout,
        environment: spec.readsExchangeSecret ? { ...environment, READS_EXCHANGE_SECRET: 'true' } : environment,
        logRetention: props.logRetention,
      });
      for (const [tableId, access] of Object.entries(spec.tables) as [TableDefinition['id'], Access][]) {
        grantTable(f, tables.all[tableId], TABLES[tableId], access);
      }
      if (spec.sendsTo) queues[spec.sendsTo].queue.grantSendMessages(f.fn);
      if (spec.consumes) {
        f.fn.addEventSource(new SqsEventSource(queues[spec.consumes.id].queue, { batchSize: spec.consumes.batchSize, reportBatchItemFailures: true }));
      }
      if (spec.readsExchangeSecret) props.exchangeSecret.grantRead(f.fn);
      if (spec.tables.state !== 'rw') {
        f.fn.addToRolePolicy(new PolicyStatement({
          actions: ['dynamodb:PutItem'], resources: [tables.state.tableArn],
          conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': OPS_RECORD_KEYS } },
        }));
      }
      alerts.grantPublish(f.fn);
      f.fn.addToRolePolicy(goLiveRecordsWriteDeny(tables.policy.tableArn));
      return f;
    };
    this.functions = {
      signal: build('signal'), risk: build('risk'), execution: build('execution'), metrics: build('metrics'), reconcile: build('reconcile'),
      report: build('report'),
    };
  }
}

/** Table read or read-write; acknowledges the one wildcard CDK adds, `<table>/index/*`, where the table has indexes. */
function grantTable(f: StratusFunction, table: Table, def: TableDefinition, access: Access): void {
  if (access === 'rw') table.grantReadWriteData(f.fn);
  else table.grantReadData(f.fn);
  if (def.indexes.length > 0) {
    const logicalId = Stack.of(f).getLogicalId(table.node.defaultChild as CfnElement);
    Validations.of(f.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${logicalId}.Arn>/index/*]`,
      reason: `Queries the ${def.indexes.map((i) => i.name).join(', ')} index of the ${def.id} table; CDK grants <table>/index/*, which covers only that table's indexes.`,
    });
  }
}
