/**
 * AWS SDK clients, built once per process and shared by every adapter.
 * Endpoints and region come from the SDK's standard environment (AWS_REGION,
 * AWS_ENDPOINT_URL_DYNAMODB, AWS_ENDPOINT_URL_SQS, AWS_ENDPOINT_URL_SNS), which
 * shared/local/emulators.ts emulatorEnv() sets for the embedded runtime.
 */
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** Explicit connection settings (tests, tools); without one the SDK's environment and default chain apply. */
export interface AwsClientOverride {
  readonly endpoint?: string;
  readonly region?: string;
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** SDK attempts per call including the first (SDK default 3). */
  readonly maxAttempts?: number;
}

let sharedDocumentClient: DynamoDBDocumentClient | undefined;
let sharedSqsClient: SQSClient | undefined;
let sharedSnsClient: SNSClient | undefined;

/**
 * The DynamoDB document client: undefined attributes are dropped on write and
 * numbers are always read back as JS numbers (never BigInt), so an oversized or
 * tampered number reaches the codecs, which reject it, instead of throwing inside the SDK.
 * Without an override the client is built once and reused; with one a new client is built.
 */
export function dynamoDocumentClient(override?: AwsClientOverride): DynamoDBDocumentClient {
  if (override) return buildDocumentClient(override);
  sharedDocumentClient ??= buildDocumentClient({});
  return sharedDocumentClient;
}

/** The SQS client (shared unless an override is given). */
export function sqsClient(override?: AwsClientOverride): SQSClient {
  if (override) return new SQSClient(clientConfig(override, 'SQS'));
  sharedSqsClient ??= new SQSClient(clientConfig({}, 'SQS'));
  return sharedSqsClient;
}

/** The SNS client (shared unless an override is given). */
export function snsClient(override?: AwsClientOverride): SNSClient {
  if (override) return new SNSClient(clientConfig(override, 'SNS'));
  sharedSnsClient ??= new SNSClient(clientConfig({}, 'SNS'));
  return sharedSnsClient;
}

function buildDocumentClient(override: AwsClientOverride): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(new DynamoDBClient(clientConfig(override, 'DYNAMODB')), {
    marshallOptions: { removeUndefinedValues: true },
    unmarshallOptions: { wrapNumbers: (value: string) => Number(value) },
  });
}

function clientConfig(o: AwsClientOverride, service: 'DYNAMODB' | 'SQS' | 'SNS') {
  return {
    ...(o.endpoint ? { endpoint: o.endpoint } : {}),
    ...(o.region ? { region: o.region } : {}),
    ...(o.credentials ? { credentials: { ...o.credentials } } : {}),
    ...(o.maxAttempts ? { maxAttempts: o.maxAttempts } : {}),
    ...(isLoopback(o.endpoint ?? process.env[`AWS_ENDPOINT_URL_${service}`] ?? process.env['AWS_ENDPOINT_URL']) ? { signer: emulatorSigner, logger: emulatorLogger as unknown as DynamoDBClientConfig['logger'] } : {}),
  };
}

/** True for an http(s) URL on this machine (the embedded emulators); AWS endpoints never are. */
export function isLoopback(endpoint: string | undefined): boolean {
  if (!endpoint) return false;
  try {
    const host = new URL(endpoint).hostname;
    return host === '127.0.0.1' || host === 'localhost' || host === '[::1]';
  } catch {
    return false;
  }
}

type SignableRequest = { headers: Record<string, string> };
type SigningArguments = { signingDate?: Date; signingRegion?: string; signingService?: string };

/**
 * Signer for loopback emulators only (dynalite, fauxqs check an Authorization header's form, never its signature):
 * a well-formed SigV4 header without the per-request hashing and HMACs, which cost ~8 % of an embedded run.
 */
const emulatorSigner = {
  async sign<R extends SignableRequest>(request: R, args: SigningArguments = {}): Promise<R> {
    const stamp = (args.signingDate ?? new Date()).toISOString().replace(/[-:]|\.\d{3}/g, '');
    const scope = `${stamp.slice(0, 8)}/${args.signingRegion ?? 'us-east-1'}/${args.signingService ?? 'dynamodb'}/aws4_request`;
    request.headers['x-amz-date'] = stamp;
    request.headers['authorization'] = `AWS4-HMAC-SHA256 Credential=local/${scope}, SignedHeaders=host;x-amz-date, Signature=${'0'.repeat(64)}`;
    return request;
  },
};

/**
 * SDK logger for loopback emulators: like the default no-op logger, but without `info`, so the SDK skips building the
 * sensitive-data-filtered copy of every request and response it would log (it calls `logger.info?.(…)`).
 */
const emulatorLogger = { debug() {}, warn() {}, error() {} };
