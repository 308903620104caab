/**
 * AWS SDK clients, built once per process and shared by every adapter.
 * Endpoints and region come from the SDK's standard environment (AWS_REGION,
 * AWS_ENDPOINT_URL_DYNAMODB, AWS_ENDPOINT_URL_SQS, AWS_ENDPOINT_URL_SNS), which
 * shared/local/emulators.ts emulatorEnv() sets for the embedded runtime.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
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
  if (override) return new SQSClient(clientConfig(override));
  sharedSqsClient ??= new SQSClient({});
  return sharedSqsClient;
}

/** The SNS client (shared unless an override is given). */
export function snsClient(override?: AwsClientOverride): SNSClient {
  if (override) return new SNSClient(clientConfig(override));
  sharedSnsClient ??= new SNSClient({});
  return sharedSnsClient;
}

function buildDocumentClient(override: AwsClientOverride): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(new DynamoDBClient(clientConfig(override)), {
    marshallOptions: { removeUndefinedValues: true },
    unmarshallOptions: { wrapNumbers: (value: string) => Number(value) },
  });
}

function clientConfig(o: AwsClientOverride) {
  return {
    ...(o.endpoint ? { endpoint: o.endpoint } : {}),
    ...(o.region ? { region: o.region } : {}),
    ...(o.credentials ? { credentials: { ...o.credentials } } : {}),
    ...(o.maxAttempts ? { maxAttempts: o.maxAttempts } : {}),
  };
}
