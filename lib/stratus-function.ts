import * as fs from 'node:fs';
import * as path from 'node:path';
import { AssetHashType, DockerImage, Duration } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Code, Function as LambdaFunction, LoggingFormat, Runtime } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE } from '../shared/metrics-catalog.js';
import { bundleSync } from './bundle-build.js';
import { ESM_REQUIRE_BANNER, REPO_ROOT } from './bundle-options.js';

export { ESM_REQUIRE_BANNER, REPO_ROOT };

/** Context key (`cdk synth -c sourceMaps=true`) that ships a source map with every function and turns on --enable-source-maps. */
export const SOURCE_MAPS_CONTEXT = 'sourceMaps';

/** CloudWatch metrics namespace of every Stratus function (Powertools EMF); defined by the metric catalog. */
export { METRICS_NAMESPACE };

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
 * A Lambda function with the team's defaults: nodejs24.x on arm64, bundled at synth by esbuild as
 * lib/bundle-options.ts says (minified ESM with the require banner, code split so ccxt loads only on the exchange
 * path, ccxt's unused dependencies stubbed; a source map only with the sourceMaps context flag), its own log
 * group, and a role that may write only to it.
 */
export class StratusFunction extends Construct {
  /** The Lambda function. */
  public readonly fn: LambdaFunction;
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

    const sourceMaps = [true, 'true'].includes(this.node.tryGetContext(SOURCE_MAPS_CONTEXT));
    this.logGroup = new LogGroup(this, 'Logs', { retention: props.logRetention ?? RetentionDays.ONE_MONTH });
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of the Stratus ${props.serviceName} function`,
    });
    this.logGroup.grantWrite(this.role);

    const entry = props.entry;
    this.fn = new LambdaFunction(this, 'Function', {
      // Bundled like NodejsFunction (source = repository, hash = output, skipped where bundling is), but by esbuild's
      // API: NodejsFunction's CLI call writes one file and cannot split chunks (or run the ccxt stand-in plugin).
      code: Code.fromAsset(REPO_ROOT, {
        assetHashType: AssetHashType.OUTPUT,
        bundling: {
          image: DockerImage.fromRegistry('unused-local-bundling'),
          // Never run (local bundling always succeeds); it makes CDK's bundle cache key differ per entry and flag.
          command: ['esbuild', path.relative(REPO_ROOT, entry), ...(sourceMaps ? ['--sourcemap'] : [])],
          local: { tryBundle: (outputDir) => (bundleSync(entry, outputDir, { sourceMap: sourceMaps }), true) },
        },
      }),
      handler: 'index.handler',
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      description: props.description,
      memorySize,
      timeout: props.timeout,
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: LoggingFormat.JSON,
      environment: {
        ...(sourceMaps ? { NODE_OPTIONS: '--enable-source-maps' } : {}),
        POWERTOOLS_SERVICE_NAME: props.serviceName,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        POWERTOOLS_LOG_LEVEL: 'INFO',
        ...props.environment,
      },
    });
  }
}

