import * as fs from 'node:fs';
import * as path from 'node:path';
import { Duration } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, LoggingFormat, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE } from '../shared/metrics-catalog.js';

/** Root of the repository (projectRoot for esbuild, the lock file's folder). */
export const REPO_ROOT = path.resolve(import.meta.dirname, '..');

/** CloudWatch metrics namespace of every Stratus function (Powertools EMF); defined by the metric catalog. */
export { METRICS_NAMESPACE };

/**
 * Prepended to every ESM bundle: CommonJS code inside it (ccxt's dependencies) calls require('events')
 * and friends, which an ES module lacks ("Dynamic require of 'events' is not supported").
 */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as __stratusCreateRequire } from 'node:module'; const require = __stratusCreateRequire(import.meta.url);";

/** Options for one Stratus Lambda function. */
export interface StratusFunctionProps {
  /** Absolute path of the TypeScript entry file; it must export `handler`. */
  readonly entry: string;
  /** Powertools service name (also the log and metric dimension). */
  readonly serviceName: string;
  readonly description: string;
  /** @default 256 */
  readonly memorySize?: number;
  readonly timeout: Duration;
  /** Extra environment variables (Powertools variables are set here). */
  readonly environment?: Readonly<Record<string, string>>;
  /** @default RetentionDays.ONE_MONTH */
  readonly logRetention?: RetentionDays;
}

/**
 * A NodejsFunction with the team's defaults: nodejs24.x on arm64, minified ESM with the require banner
 * and source maps, @aws-sdk/* left to the runtime, its own log group, and a role that may write only to it.
 */
export class StratusFunction extends Construct {
  /** The Lambda function. */
  public readonly fn: NodejsFunction;
  /** Its execution role (no managed policies; grants are added by the caller). */
  public readonly role: Role;
  /** Its log group, with retention. */
  public readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: StratusFunctionProps) {
    super(scope, id);
    if (!path.isAbsolute(props.entry)) throw new Error(`StratusFunction ${id}: entry must be an absolute path, got ${props.entry}`);
    if (!fs.existsSync(props.entry)) throw new Error(`StratusFunction ${id}: entry ${props.entry} does not exist`);
    const memorySize = props.memorySize ?? 256;
    if (memorySize < 128 || memorySize > 10_240) throw new Error(`StratusFunction ${id}: memorySize ${memorySize} is outside 128..10240 MB`);
    if (props.timeout.toSeconds() < 1 || props.timeout.toSeconds() > 900) throw new Error(`StratusFunction ${id}: timeout must be 1..900 s`);

    this.logGroup = new LogGroup(this, 'Logs', { retention: props.logRetention ?? RetentionDays.ONE_MONTH });
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of the Stratus ${props.serviceName} function`,
    });
    this.logGroup.grantWrite(this.role);

    this.fn = new NodejsFunction(this, 'Function', {
      entry: props.entry,
      handler: 'handler',
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      description: props.description,
      memorySize,
      timeout: props.timeout,
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: LoggingFormat.JSON,
      projectRoot: REPO_ROOT,
      depsLockFilePath: path.join(REPO_ROOT, 'package-lock.json'),
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: props.serviceName,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        POWERTOOLS_LOG_LEVEL: 'INFO',
        ...props.environment,
      },
      bundling: {
        format: OutputFormat.ESM,
        target: 'node24',
        mainFields: ['module', 'main'],
        banner: ESM_REQUIRE_BANNER,
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        // The Lambda runtime provides the AWS SDK v3; bundling it would only add weight and cold-start time.
        externalModules: ['@aws-sdk/*'],
      },
    });
  }
}

