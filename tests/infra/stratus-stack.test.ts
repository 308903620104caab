import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { ENV, QUEUES, SCHEDULES, TABLES, type ScheduledInvocation } from '../../shared/resources.js';
import { allows, buildForTest, functionId, onlyId, resourceIds, statementsOf, statementsOfRole } from './template-helpers.js';

const PIPELINE = ['signal', 'risk', 'execution', 'metrics', 'reconcile', 'report'] as const;

let template: Template;
let ids: Record<string, string>;

beforeAll(() => {
  const { stack } = buildForTest({ alertEmail: 'ops@example.com' });
  template = Template.fromStack(stack);
  ids = {
    ...Object.fromEntries([...PIPELINE, 'alert-notifier'].map((n) => [n, functionId(template, n)])),
    marketTable: onlyId(template, 'AWS::DynamoDB::Table', (p) => p.TimeToLiveSpecification?.AttributeName === 'expiresAt' && !p.GlobalSecondaryIndexes),
    stateTable: onlyId(template, 'AWS::DynamoDB::Table', (p) => p.GlobalSecondaryIndexes !== undefined),
    idempotencyTable: onlyId(template, 'AWS::DynamoDB::Table', (p) => p.KeySchema[0].AttributeName === 'id'),
    signalsQueue: onlyId(template, 'AWS::SQS::Queue', (p) => p.QueueName === `Stratus-${QUEUES.signals.name}`),
    ordersQueue: onlyId(template, 'AWS::SQS::Queue', (p) => p.QueueName === `Stratus-${QUEUES.orders.name}`),
    exchangeSecret: onlyId(template, 'AWS::SecretsManager::Secret', (p) => p.GenerateSecretString !== undefined),
  };
  ids.policyTable = onlyId(template, 'AWS::DynamoDB::Table', (p) => p.KeySchema[0].AttributeName === 'pk'
    && p.TimeToLiveSpecification === undefined && p.GlobalSecondaryIndexes === undefined);
});

describe('Lambda functions', () => {
  it('builds the five pipeline functions and the Slack notifier on nodejs24.x, arm64', () => {
    for (const name of [...PIPELINE, 'alert-notifier']) {
      template.hasResourceProperties('AWS::Lambda::Function', {
        Runtime: 'nodejs24.x', Architectures: ['arm64'], Handler: 'index.handler',
        Environment: { Variables: Match.objectLike({ POWERTOOLS_SERVICE_NAME: name, POWERTOOLS_METRICS_NAMESPACE: 'Stratus' }) },
      });
    }
    const all = Object.values(template.findResources('AWS::Lambda::Function'));
    expect(all.length).toBeGreaterThanOrEqual(6);
    expect(all.every((f) => f.Properties.Runtime === 'nodejs24.x')).toBe(true);
  });

  it('gives every pipeline function every resource name from ENV (config.ts requires them all)', () => {
    for (const name of PIPELINE) {
      const vars = template.toJSON().Resources[ids[name]!].Properties.Environment.Variables as Record<string, unknown>;
      for (const v of [ENV.marketTable, ENV.stateTable, ENV.policyTable, ENV.idempotencyTable, ENV.signalsQueueUrl, ENV.ordersQueueUrl, ENV.alertTopicArn, ENV.exchangeSecretArn]) {
        expect(vars[v], `${name} ${v}`).toBeDefined();
      }
    }
  });

  it('marks READS_EXCHANGE_SECRET exactly on the functions IAM lets read the exchange secret (the LIVE key check runs there)', () => {
    for (const name of PIPELINE) {
      const vars = template.toJSON().Resources[ids[name]!].Properties.Environment.Variables as Record<string, unknown>;
      expect(vars.READS_EXCHANGE_SECRET, name).toBe(name === 'execution' || name === 'reconcile' ? 'true' : undefined);
    }
  });

  it('sizes the queue consumers from QUEUES and keeps their timeout within 1/6 of the visibility timeout', () => {
    const fns = template.toJSON().Resources;
    expect(fns[ids.risk!].Properties.Timeout).toBe(QUEUES.signals.consumerTimeoutSeconds);
    expect(fns[ids.execution!].Properties.Timeout).toBe(QUEUES.orders.consumerTimeoutSeconds);
  });

  it('writes each function to its own log group with a retention', () => {
    template.resourcePropertiesCountIs('AWS::Logs::LogGroup', { RetentionInDays: Match.anyValue() }, Object.keys(template.findResources('AWS::Logs::LogGroup')).length);
    for (const name of PIPELINE) {
      template.hasResourceProperties('AWS::Lambda::Function', {
        Environment: { Variables: Match.objectLike({ POWERTOOLS_SERVICE_NAME: name }) },
        LoggingConfig: { LogGroup: { Ref: Match.stringLikeRegexp('Logs') } },
      });
    }
  });

  it('consumes signals.fifo and orders.fifo with batch sizes from QUEUES and partial batch responses', () => {
    template.resourceCountIs('AWS::Lambda::EventSourceMapping', 2);
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: ids.risk }, EventSourceArn: { 'Fn::GetAtt': [ids.signalsQueue, 'Arn'] },
      BatchSize: QUEUES.signals.batchSize, FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: ids.execution }, EventSourceArn: { 'Fn::GetAtt': [ids.ordersQueue, 'Arn'] },
      BatchSize: QUEUES.orders.batchSize, FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });
});

describe('least privilege', () => {
  const can = (fn: string, action: string, resource: string) => allows(statementsOf(template, ids[fn]!), action, ids[resource]!);

  it.each([
    ['signal', 'sqs:SendMessage', 'signalsQueue', true],
    ['signal', 'sqs:SendMessage', 'ordersQueue', false],
    ['signal', 'dynamodb:UpdateItem', 'stateTable', false],
    ['signal', 'dynamodb:PutItem', 'policyTable', true],
    ['signal', 'secretsmanager:GetSecretValue', 'exchangeSecret', false],
    ['risk', 'sqs:ReceiveMessage', 'signalsQueue', true],
    ['risk', 'sqs:SendMessage', 'ordersQueue', true],
    ['risk', 'dynamodb:PutItem', 'marketTable', false],
    ['risk', 'secretsmanager:GetSecretValue', 'exchangeSecret', false],
    ['execution', 'sqs:ReceiveMessage', 'ordersQueue', true],
    ['execution', 'sqs:SendMessage', 'ordersQueue', false],
    ['execution', 'dynamodb:PutItem', 'idempotencyTable', true],
    ['execution', 'secretsmanager:GetSecretValue', 'exchangeSecret', true],
    ['metrics', 'sqs:SendMessage', 'signalsQueue', false],
    ['metrics', 'dynamodb:PutItem', 'idempotencyTable', false],
    ['metrics', 'secretsmanager:GetSecretValue', 'exchangeSecret', false],
    ['metrics', 'sqs:SendMessage', 'ordersQueue', true], // kill-switch cancel-entry instructions for execution
    ['reconcile', 'secretsmanager:GetSecretValue', 'exchangeSecret', true],
    ['reconcile', 'sqs:SendMessage', 'ordersQueue', true],
    ['reconcile', 'dynamodb:UpdateItem', 'stateTable', true],
    ['alert-notifier', 'dynamodb:GetItem', 'stateTable', false],
  ] as const)('%s may %s on %s: %s', (fn, action, resource, expected) => {
    expect(can(fn, action, resource)).toBe(expected);
  });

  it('lets signal and report, which only read trading state, put nothing on the state table but their RUN# marker and ALERT# records', () => {
    for (const fn of ['signal', 'report']) {
      const puts = statementsOf(template, ids[fn]!).filter((s) => [s.Action].flat().includes('dynamodb:PutItem') && resourceIds(s).includes(ids.stateTable!));
      expect(puts, fn).toHaveLength(1);
      expect((puts[0] as unknown as { Condition: unknown }).Condition).toEqual({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['RUN#*', 'ALERT#*'] } });
      expect(can(fn, 'dynamodb:UpdateItem', 'stateTable'), fn).toBe(false);
      expect(can(fn, 'dynamodb:DeleteItem', 'stateTable'), fn).toBe(false);
    }
  });

  it('lets every pipeline function publish alerts, with exact KMS actions and no wildcard actions', () => {
    const topic = onlyId(template, 'AWS::SNS::Topic', () => true);
    for (const fn of PIPELINE) {
      const statements = statementsOf(template, ids[fn]!);
      expect(allows(statements, 'sns:Publish', topic), fn).toBe(true);
      expect(statements.flatMap((s) => [s.Action].flat()).filter((a) => a.includes('*')), fn).toEqual([]);
    }
  });

  it('gives no Stratus role a managed policy (only CDK\'s default-security-group custom resource has one)', () => {
    const withManaged = Object.entries(template.findResources('AWS::IAM::Role')).filter(([, r]) => r.Properties.ManagedPolicyArns).map(([id]) => id);
    expect(withManaged).toEqual([expect.stringMatching(/^CustomVpcRestrictDefaultSG/)]);
  });
});

describe('queues', () => {
  it.each(Object.values(QUEUES))('$name is FIFO, TLS-only, SQS-encrypted, with a FIFO DLQ after maxReceiveCount', (def) => {
    const dlq = onlyId(template, 'AWS::SQS::Queue', (p) => p.QueueName === `Stratus-${def.dlqName}`);
    template.hasResourceProperties('AWS::SQS::Queue', { QueueName: `Stratus-${def.dlqName}`, FifoQueue: true, SqsManagedSseEnabled: true });
    template.hasResourceProperties('AWS::SQS::Queue', {
      QueueName: `Stratus-${def.name}`, FifoQueue: true, ContentBasedDeduplication: false, SqsManagedSseEnabled: true,
      VisibilityTimeout: def.visibilityTimeoutSeconds, MessageRetentionPeriod: def.retentionDays * 86_400,
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [dlq, 'Arn'] }, maxReceiveCount: def.maxReceiveCount },
    });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: dlq }],
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  it('alarms on every dead-letter queue (pipeline and scheduler) at one visible message, notifying the topic', () => {
    const topic = onlyId(template, 'AWS::SNS::Topic', () => true);
    const dlqs = Object.entries(template.findResources('AWS::SQS::Queue')).filter(([, q]) => q.Properties.RedrivePolicy === undefined).map(([id]) => id);
    expect(dlqs).toHaveLength(3);
    for (const dlq of dlqs) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'ApproximateNumberOfMessagesVisible', Namespace: 'AWS/SQS',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [dlq, 'QueueName'] } }],
        Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', AlarmActions: [{ Ref: topic }],
      });
    }
  });
});

describe('tables', () => {
  it('creates the four tables on demand with PITR and AWS-managed encryption', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', 4);
    template.resourcePropertiesCountIs('AWS::DynamoDB::Table', {
      BillingMode: 'PAY_PER_REQUEST', SSESpecification: { SSEEnabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    }, 4);
  });

  it('expires market items on expiresAt and idempotency records on expiration', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', { TimeToLiveSpecification: { AttributeName: TABLES.market.ttlAttribute, Enabled: true } });
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }], TimeToLiveSpecification: { AttributeName: 'expiration', Enabled: true },
    });
  });

  it('indexes the state table by type and retains the state and policy tables', () => {
    const [index] = TABLES.state.indexes;
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      GlobalSecondaryIndexes: [Match.objectLike({ IndexName: index!.name, KeySchema: [{ AttributeName: index!.pk, KeyType: 'HASH' }, { AttributeName: index!.sk, KeyType: 'RANGE' }] })],
    });
    const resources = template.toJSON().Resources;
    expect(resources[ids.stateTable!].DeletionPolicy).toBe('Retain');
    expect(resources[ids.policyTable!].DeletionPolicy).toBe('Retain');
    expect(resources[ids.marketTable!].DeletionPolicy).toBe('Delete');
  });
});

describe('schedules', () => {
  it.each(Object.keys(SCHEDULES) as (keyof typeof SCHEDULES)[])('invokes %s with exactly the ScheduledInvocation payload, retries and a DLQ', (job) => {
    const schedules = Object.values(template.findResources('AWS::Scheduler::Schedule'))
      .filter((s) => s.Properties.Target.Arn['Fn::GetAtt']?.[0] === ids[job]);
    expect(schedules).toHaveLength(1);
    const target = schedules[0]!.Properties.Target;
    const expected: ScheduledInvocation = { source: 'stratus.scheduler', job, scheduledTime: '<aws.scheduler.scheduled-time>' };
    expect(JSON.parse(target.Input)).toEqual(expected);
    expect(target.RetryPolicy.MaximumRetryAttempts).toBeGreaterThan(0);
    expect(target.DeadLetterConfig.Arn).toBeDefined();
    const { rateMinutes } = SCHEDULES[job];
    expect(schedules[0]!.Properties.ScheduleExpression).toBe(rateMinutes === 1 ? 'cron(* * * * ? *)' : rateMinutes === 1440 ? 'cron(0 0 * * ? *)' : `cron(0/${rateMinutes} * * * ? *)`);
  });
});

describe('market stream', () => {
  it('runs one ARM64 Fargate task (256 CPU / 512 MiB) with a public IP, a health check and a rolling circuit breaker', () => {
    template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      RuntimePlatform: { CpuArchitecture: 'ARM64', OperatingSystemFamily: 'LINUX' }, Cpu: '256', Memory: '512', RequiresCompatibilities: ['FARGATE'],
      ContainerDefinitions: [Match.objectLike({
        HealthCheck: Match.objectLike({ Command: ['CMD-SHELL', Match.stringLikeRegexp('127\\.0\\.0\\.1:8080/health')] }),
        Environment: Match.arrayWith([
          { Name: ENV.marketTable, Value: { Ref: ids.marketTable } },
          { Name: ENV.policyTable, Value: { Ref: ids.policyTable } },
          { Name: 'EXCHANGE_ID', Value: 'binance' },
        ]),
      })],
    });
    template.hasResourceProperties('AWS::ECS::Service', {
      DesiredCount: 1, LaunchType: 'FARGATE',
      NetworkConfiguration: { AwsvpcConfiguration: Match.objectLike({ AssignPublicIp: 'ENABLED' }) },
      DeploymentConfiguration: Match.objectLike({ DeploymentCircuitBreaker: { Enable: true, Rollback: true } }),
    });
    template.hasResourceProperties('AWS::ECS::Cluster', { ClusterSettings: [{ Name: 'containerInsights', Value: 'enabled' }] });
  });

  it('has no NAT gateway, only public subnets, flow logs and no inbound rules', () => {
    template.resourceCountIs('AWS::EC2::NatGateway', 0);
    const subnets = Object.values(template.findResources('AWS::EC2::Subnet'));
    expect(subnets.length).toBeGreaterThan(0);
    expect(subnets.every((s) => s.Properties.MapPublicIpOnLaunch === true)).toBe(true);
    template.resourceCountIs('AWS::EC2::FlowLog', 1);
    template.resourceCountIs('AWS::EC2::SecurityGroupIngress', 0);
    for (const sg of Object.values(template.findResources('AWS::EC2::SecurityGroup'))) expect(sg.Properties.SecurityGroupIngress).toBeUndefined();
  });

  it('may write the market table, only read the policy table, and of the state table only get the ledger item', () => {
    const taskDef = Object.values(template.findResources('AWS::ECS::TaskDefinition'))[0]!;
    const statements = statementsOfRole(template, taskDef.Properties.TaskRoleArn['Fn::GetAtt'][0]);
    expect(allows(statements, 'dynamodb:PutItem', ids.marketTable!)).toBe(true);
    expect(allows(statements, 'dynamodb:GetItem', ids.policyTable!)).toBe(true);
    expect(allows(statements, 'dynamodb:PutItem', ids.policyTable!)).toBe(false);
    const onState = statements.filter((s) => resourceIds(s).includes(ids.stateTable!));
    expect(onState.map((s) => [s.Action, (s as { Condition?: unknown }).Condition])).toEqual([
      ['dynamodb:GetItem', { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['LEDGER'] } }],
    ]);
  });
});

describe('alerts', () => {
  it('encrypts the topic with a rotating customer key that CloudWatch alarms may use, and enforces TLS', () => {
    const key = onlyId(template, 'AWS::KMS::Key', () => true);
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [key, 'Arn'] } });
    template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({ Principal: { Service: 'cloudwatch.amazonaws.com' } })]) },
    });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  it('subscribes the alertEmail address and the Slack notifier', () => {
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'lambda', Endpoint: { 'Fn::GetAtt': [ids['alert-notifier'], 'Arn'] } });
  });

  it('has no email subscription without alertEmail, and no Slack path when slack=false', () => {
    const t = Template.fromStack(buildForTest({ slack: 'false' }).stack);
    t.resourcePropertiesCountIs('AWS::SNS::Subscription', { Protocol: 'email' }, 0);
    t.resourcePropertiesCountIs('AWS::SNS::Subscription', { Protocol: 'lambda' }, 0);
    t.resourcePropertiesCountIs('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ POWERTOOLS_SERVICE_NAME: 'alert-notifier' }) } }, 0);
  });
});

describe('options', () => {
  it('runs the market stream on Fargate Spot when spot=true', () => {
    const t = Template.fromStack(buildForTest({ spot: 'true' }).stack);
    t.hasResourceProperties('AWS::ECS::Service', {
      CapacityProviderStrategy: [{ CapacityProvider: 'FARGATE_SPOT', Weight: 1 }, { CapacityProvider: 'FARGATE', Weight: 0 }],
    });
    t.hasResourceProperties('AWS::ECS::ClusterCapacityProviderAssociations', { CapacityProviders: Match.arrayWith(['FARGATE_SPOT']) });
  });

  it('creates the schedules disabled when schedulesEnabled=false', () => {
    const t = Template.fromStack(buildForTest({ schedulesEnabled: false }).stack);
    t.resourcePropertiesCountIs('AWS::Scheduler::Schedule', { State: 'DISABLED' }, Object.keys(SCHEDULES).length);
  });
});
