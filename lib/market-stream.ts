import { Duration, Validations } from 'aws-cdk-lib';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { FlowLogDestination, FlowLogTrafficType, IpAddresses, Peer, Port, SecurityGroup, SubnetType, Vpc } from 'aws-cdk-lib/aws-ec2';
import { Platform } from 'aws-cdk-lib/aws-ecr-assets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import {
  Cluster, ContainerImage, ContainerInsights, CpuArchitecture, FargateService, FargateTaskDefinition, LinuxParameters, LogDrivers,
  OperatingSystemFamily,
} from 'aws-cdk-lib/aws-ecs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { keys } from '../shared/adapters/codec.js';
import { ENV } from '../shared/resources.js';
import { STREAM_SERVICE_NAME } from '../shared/services/stream-metrics.js';
import { heartbeatAlarm } from './heartbeat-alarm.js';
import { METRICS_NAMESPACE, REPO_ROOT } from './stratus-function.js';

/** Environment variable carrying the ccxt exchange id to the container (not a Lambda setting, so not in ENV). */
export const EXCHANGE_ID_ENV = ENV.exchangeId;
/** The stream VPC's range (the CDK default, pinned so the DNS resolver's address is known at synth). */
export const STREAM_VPC_CIDR = '10.0.0.0/16';
/** The Amazon-provided DNS resolver of that VPC: its base address plus two. */
export const STREAM_VPC_RESOLVER = '10.0.0.2/32';
/** Port and path of the container's health endpoint (functions/market-stream/main.ts serves it). */
export const HEALTH = { port: 8080, path: '/health' } as const;

/** Options for the Fargate market stream. */
export interface MarketStreamProps {
  readonly marketTable: ITable;
  readonly policyTable: ITable;
  /** The state table: the stream reads the ledger item (only) to keep following symbols with open positions. */
  readonly stateTable?: ITable;
  /** ccxt exchange id streamed (e.g. binance). */
  readonly exchangeId: string;
  /**
   * Run on Fargate Spot (up to ~70% cheaper): capacity providers FARGATE_SPOT (base 1, weight 1) and FARGATE
   * (weight 0). What ECS does with that: it places the task on Spot; on an interruption it sends SIGTERM two
   * minutes ahead (the stream flushes and exits; backfill closes the gap) and starts a replacement, on Spot again.
   * What it does not do: fall back to FARGATE when Spot has no capacity. A provider of weight 0 never receives
   * tasks, and ECS keeps retrying Spot while the task waits unplaced. The FARGATE entry only keeps on-demand
   * associated, so falling back is a redeploy with spot=false (a service update, no cluster change); the
   * heartbeat alarm is what tells you it is needed.
   * @default false
   */
  readonly spot?: boolean;
  /** Alarm topic: when set, the heartbeat dead-man's switch (lib/heartbeat-alarm.ts) is created and notifies it. */
  readonly alarmTopic?: ITopic;
  /** Minutes without a heartbeat before that alarm fires. @default 3 */
  readonly heartbeatAlarmMinutes?: number;
  /** @default 256 (0.25 vCPU) */
  readonly cpu?: number;
  /** @default 512 */
  readonly memoryMiB?: number;
  /** @default RetentionDays.ONE_MONTH */
  readonly logRetention?: RetentionDays;
  /** Declared user strategies (lib/user-strategies.ts), so the stream validates a policy that names them. */
  readonly userStrategiesEnvironment?: Readonly<Record<string, string>>;
}

/** Valid Fargate CPU units and the memory (MiB) each allows (the small sizes a single websocket needs). */
const FARGATE_SIZES: Readonly<Record<number, readonly number[]>> = {
  256: [512, 1024, 2048],
  512: [1024, 2048, 3072, 4096],
  1024: [2048, 3072, 4096, 5120, 6144, 7168, 8192],
};

/**
 * The always-on market stream: one ARM64 Fargate task in a public subnet (public IP, no NAT gateway, no
 * inbound rules) that follows the exchange websocket and writes candles, top of book and a heartbeat.
 */
export class MarketStream extends Construct {
  public readonly vpc: Vpc;
  public readonly cluster: Cluster;
  public readonly taskDefinition: FargateTaskDefinition;
  public readonly service: FargateService;
  public readonly securityGroup: SecurityGroup;
  /** The dead-man's switch on the heartbeat metric (only with alarmTopic). */
  public readonly heartbeatAlarm?: Alarm;

  constructor(scope: Construct, id: string, props: MarketStreamProps) {
    super(scope, id);
    const cpu = props.cpu ?? 256;
    const memoryMiB = props.memoryMiB ?? 512;
    const sizes = FARGATE_SIZES[cpu];
    if (!sizes) throw new Error(`MarketStream: cpu must be one of ${Object.keys(FARGATE_SIZES).join(', ')}, got ${cpu}`);
    if (!sizes.includes(memoryMiB)) throw new Error(`MarketStream: ${cpu} CPU units allow ${sizes.join('/')} MiB, got ${memoryMiB}`);
    if (!/^[a-z0-9]+$/.test(props.exchangeId)) throw new Error(`MarketStream: exchangeId "${props.exchangeId}" is not a ccxt exchange id`);

    // Public subnets only: the task reaches the exchange and AWS APIs through the internet gateway. A NAT
    // gateway (~$32/month per AZ plus data) would be the stack's largest cost and buys nothing here.
    this.vpc = new Vpc(this, 'Vpc', {
      ipAddresses: IpAddresses.cidr(STREAM_VPC_CIDR),
      maxAzs: 2,
      natGateways: 0,
      subnetConfiguration: [{ name: 'public', subnetType: SubnetType.PUBLIC, cidrMask: 24 }],
    });
    this.vpc.addFlowLog('FlowLog', {
      destination: FlowLogDestination.toCloudWatchLogs(new LogGroup(this, 'FlowLogs', { retention: RetentionDays.ONE_MONTH })),
      trafficType: FlowLogTrafficType.REJECT,
    });
    // Egress is what the task needs and nothing else: HTTPS/WSS to the exchange and the AWS APIs (DynamoDB, ECR,
    // CloudWatch Logs, all public endpoints reached through the internet gateway), and DNS to the VPC resolver.
    this.securityGroup = new SecurityGroup(this, 'TaskSecurityGroup', {
      vpc: this.vpc,
      // Unchanged text: GroupDescription is immutable, a new one would replace the group (and redeploy the task).
      description: 'Stratus market stream: outbound only (exchange websocket, DynamoDB); no inbound rules',
      allowAllOutbound: false,
    });
    this.securityGroup.addEgressRule(Peer.anyIpv4(), Port.tcp(443), 'HTTPS and WSS: exchange REST/websocket, DynamoDB, ECR, CloudWatch Logs');
    this.securityGroup.addEgressRule(Peer.ipv4(STREAM_VPC_RESOLVER), Port.udp(53), 'DNS to the Amazon-provided VPC resolver');
    this.securityGroup.addEgressRule(Peer.ipv4(STREAM_VPC_RESOLVER), Port.tcp(53), 'DNS over TCP (large answers) to the VPC resolver');

    this.cluster = new Cluster(this, 'Cluster', {
      vpc: this.vpc,
      containerInsightsV2: ContainerInsights.ENABLED,
      enableFargateCapacityProviders: props.spot ?? false,
    });

    this.taskDefinition = new FargateTaskDefinition(this, 'Task', {
      cpu,
      memoryLimitMiB: memoryMiB,
      runtimePlatform: { cpuArchitecture: CpuArchitecture.ARM64, operatingSystemFamily: OperatingSystemFamily.LINUX },
    });
    const logGroup = new LogGroup(this, 'Logs', { retention: props.logRetention ?? RetentionDays.ONE_MONTH });
    const container = this.taskDefinition.addContainer('stream', {
      image: ContainerImage.fromAsset(REPO_ROOT, {
        file: 'functions/market-stream/Dockerfile',
        platform: Platform.LINUX_ARM64,
        exclude: ['node_modules', 'cdk.out', '.git', 'tests'],
      }),
      logging: LogDrivers.awsLogs({ streamPrefix: 'market-stream', logGroup }),
      // The process writes nothing to disk (state goes to DynamoDB, logs to stdout), so no writable volume either.
      readonlyRootFilesystem: true,
      environment: {
        [ENV.marketTable]: props.marketTable.tableName,
        [ENV.policyTable]: props.policyTable.tableName,
        ...(props.stateTable ? { [ENV.stateTable]: props.stateTable.tableName } : {}),
        [EXCHANGE_ID_ENV]: props.exchangeId,
        // The heartbeat alarm's metric dimension and namespace: keep them in step with lib/heartbeat-alarm.ts.
        POWERTOOLS_SERVICE_NAME: STREAM_SERVICE_NAME,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        NODE_OPTIONS: '--enable-source-maps',
        ...props.userStrategiesEnvironment,
      },
      healthCheck: {
        command: ['CMD-SHELL', `node -e "fetch('http://127.0.0.1:${HEALTH.port}${HEALTH.path}').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"`],
        interval: Duration.seconds(30),
        timeout: Duration.seconds(5),
        retries: 3,
        startPeriod: Duration.seconds(60),
      },
      // tini as PID 1: SIGTERM reaches node, which closes the websocket and flushes the last heartbeat.
      linuxParameters: new LinuxParameters(this, 'Linux', { initProcessEnabled: true }),
      // main.ts gives itself 25 s to flush and exit after SIGTERM; SIGKILL follows after this.
      stopTimeout: Duration.seconds(30),
    });
    Validations.of(container.taskDefinition).acknowledge({
      id: 'AwsSolutions-ECS2',
      reason: 'The environment holds only table names and the exchange id, no secrets; the stream uses public market data and no API keys.',
    });
    if (this.taskDefinition.executionRole) {
      Validations.of(this.taskDefinition.executionRole).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: 'ecr:GetAuthorizationToken has no resource-level permissions; the image pull actions are scoped to the asset repository.',
      });
    }
    props.marketTable.grantReadWriteData(this.taskDefinition.taskRole);
    props.policyTable.grantReadData(this.taskDefinition.taskRole);
    if (props.stateTable) {
      this.taskDefinition.taskRole.addToPrincipalPolicy(new PolicyStatement({
        actions: ['dynamodb:GetItem'], resources: [props.stateTable.tableArn],
        conditions: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [keys.ledger.pk] } },
      }));
    }

    this.service = new FargateService(this, 'Service', {
      cluster: this.cluster,
      taskDefinition: this.taskDefinition,
      desiredCount: 1,
      assignPublicIp: true,
      vpcSubnets: { subnetType: SubnetType.PUBLIC },
      securityGroups: [this.securityGroup],
      circuitBreaker: { enable: true, rollback: true },
      // Start the new task before stopping the old one: candle writes are idempotent, a gap in the stream is not.
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
      ...(props.spot
        ? { capacityProviderStrategies: [{ capacityProvider: 'FARGATE_SPOT', base: 1, weight: 1 }, { capacityProvider: 'FARGATE', weight: 0 }] }
        : {}),
    });
    if (props.alarmTopic) {
      this.heartbeatAlarm = heartbeatAlarm(this, 'HeartbeatAlarm', { topic: props.alarmTopic, minutes: props.heartbeatAlarmMinutes });
    } else if (props.heartbeatAlarmMinutes !== undefined) {
      throw new Error('MarketStream: heartbeatAlarmMinutes needs alarmTopic');
    }
  }
}
