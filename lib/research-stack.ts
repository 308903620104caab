import * as path from 'node:path';
import { CfnOutput, Duration, RemovalPolicy, Stack, Tags, Validations, type StackProps } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { REPO_ROOT, StratusFunction } from './stratus-function.js';
import { allow } from './research-grants.js';
import { researchStateMachine } from './research-state-machine.js';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';

/**
 * Worker memory, measured by `npx tsx bench/research-worker.ts` (sma-cross, BTC/USDT 1h, 2024 — a year; the candle file
 * from s3rver, result back to it): cold job 401 ms, warm 214 ms, process peak RSS 213 MiB — an upper bound, as the
 * bench process also holds s3rver and tsx (152 MiB before the first job). 1024 MB leaves ~5x headroom for longer or
 * multi-symbol jobs, and as Lambda's CPU share grows with memory, a CPU-bound job costs about the same GB-seconds
 * at 512 or 1024 MB while finishing in half the time at 1024.
 */
export const RESEARCH_WORKER_MEMORY_MB = 1024;

/** Days before a run's manifest, items, results and summary expire. */
export const RESEARCH_RUN_EXPIRY_DAYS = 30;
/** Days before an uploaded candle file expires (content-addressed: the client uploads it again when it is missing). */
export const RESEARCH_DATA_EXPIRY_DAYS = 90;

/** Options of the research stack (context `researchMaxConcurrency`, `researchToleratedFailurePercentage`). */
export interface ResearchStackProps extends StackProps {
  /** Distributed Map child executions at once. @default 100 */
  readonly maxConcurrency?: number;
  /** Share of items whose failure the Map tolerates (the reduce step still refuses a run with a missing result). @default 0 */
  readonly toleratedFailurePercentage?: number;
}

/**
 * The opt-in research stack (`cdk deploy -c research=true`): the research bucket (shared/research/contract.ts layout),
 * the worker and reduce functions, and the state machine that maps a run's items over the worker. Separate from the
 * trading stack, which it neither reads nor changes.
 */
export class ResearchStack extends Stack {
  /** The research bucket: data/, runs/. */
  public readonly bucket: Bucket;
  /** The bucket receiving the research bucket's server access logs. */
  public readonly accessLogs: Bucket;
  public readonly worker: StratusFunction;
  public readonly reducer: StratusFunction;
  public readonly stateMachine: StateMachine;

  constructor(scope: Construct, id: string, props: ResearchStackProps = {}) {
    super(scope, id, props);
    const maxConcurrency = props.maxConcurrency ?? 100;
    const tolerated = props.toleratedFailurePercentage ?? 0;
    if (!Number.isInteger(maxConcurrency) || maxConcurrency < 1 || maxConcurrency > 10_000) throw new Error(`researchMaxConcurrency must be an integer 1..10000, got ${maxConcurrency}`);
    if (!(tolerated >= 0 && tolerated <= 100)) throw new Error(`researchToleratedFailurePercentage must be 0..100, got ${tolerated}`);

    const secure = { encryption: BucketEncryption.S3_MANAGED, enforceSSL: true, blockPublicAccess: BlockPublicAccess.BLOCK_ALL, removalPolicy: RemovalPolicy.RETAIN };
    this.accessLogs = new Bucket(this, 'AccessLogs', {
      ...secure, objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(90) }],
    });
    Validations.of(this.accessLogs).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This bucket holds the research bucket\'s server access logs; logging it to itself would loop and another log bucket would only move the finding.',
    });
    this.bucket = new Bucket(this, 'Bucket', {
      ...secure,
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: 'research/',
      lifecycleRules: [
        { id: 'expire-runs', prefix: 'runs/', expiration: Duration.days(RESEARCH_RUN_EXPIRY_DAYS) },
        { id: 'expire-data', prefix: 'data/', expiration: Duration.days(RESEARCH_DATA_EXPIRY_DAYS) },
        { id: 'abort-uploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
    });

    this.worker = new StratusFunction(this, 'Worker', {
      entry: path.join(REPO_ROOT, 'functions', 'research-worker', 'handler.ts'),
      serviceName: 'research-worker',
      description: 'Stratus research: runs one backtest job of a research run (the local worker pool\'s engine code)',
      memorySize: RESEARCH_WORKER_MEMORY_MB,
      timeout: Duration.minutes(5),
    });
    allow(this.worker.role, 's3:GetObject', this.bucket, 'data/*');
    allow(this.worker.role, 's3:PutObject', this.bucket, 'runs/*/results/*');

    this.reducer = new StratusFunction(this, 'Reduce', {
      entry: path.join(REPO_ROOT, 'functions', 'research-reduce', 'handler.ts'),
      serviceName: 'research-reduce',
      description: 'Stratus research: writes the next stage\'s items or the summary of a research run',
      memorySize: 512,
      timeout: Duration.minutes(15),
    });
    allow(this.reducer.role, 's3:GetObject', this.bucket, 'runs/*');
    allow(this.reducer.role, 's3:PutObject', this.bucket, 'runs/*/summary.json', 'runs/*/stage-*/items.json');
    // A missing result then answers 404 (RESEARCH_RESULTS_MISSING names it) instead of 403 Access Denied.
    this.reducer.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['s3:ListBucket'], resources: [this.bucket.bucketArn] }));

    const logs = new LogGroup(this, 'StateMachineLogs', { retention: RetentionDays.ONE_MONTH });
    this.stateMachine = researchStateMachine(this, 'StateMachine', {
      bucket: this.bucket, worker: this.worker.fn, reducer: this.reducer.fn, logs, maxConcurrency, toleratedFailurePercentage: tolerated,
    });
    new CfnOutput(this, 'ResearchBucketName', { value: this.bucket.bucketName, description: 'RESEARCH_BUCKET for stratus … --on aws' });
    new CfnOutput(this, 'ResearchStateMachineArn', { value: this.stateMachine.stateMachineArn, description: 'RESEARCH_STATE_MACHINE_ARN for stratus … --on aws' });
    Tags.of(this).add('project', 'stratus');
  }
}

