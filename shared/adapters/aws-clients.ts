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

/** An SDK request handler (the RequestHandler of @smithy/types) standing in for HTTP to one loopback endpoint. */
export type LoopbackRequestHandler = NonNullable<DynamoDBClientConfig['requestHandler']>;

const loopbackHandlers = new Map<string, LoopbackRequestHandler>();

/**
 * Routes clients built from now on for this loopback endpoint through `handler` (an emulator served in this
 * process, shared/local/emulators.ts); undefined removes it. Endpoints that are not loopback are refused.
 */
export function setLoopbackRequestHandler(endpoint: string, handler: LoopbackRequestHandler | undefined): void {
  if (!isLoopback(endpoint)) throw new RangeError(`not a loopback endpoint: ${endpoint}`);
  if (handler) loopbackHandlers.set(new URL(endpoint).origin, handler);
  else loopbackHandlers.delete(new URL(endpoint).origin);
}

const shared = new Map<string, { endpoint: string | undefined; client: unknown }>();

/** The shared client of a service, rebuilt when its AWS_ENDPOINT_URL_<SERVICE> changed (a later embedded run's emulators). */
function sharedClient<T>(service: 'DYNAMODB' | 'SQS' | 'SNS', build: () => T): T {
  const endpoint = process.env[`AWS_ENDPOINT_URL_${service}`];
  const slot = shared.get(service);
  if (slot && slot.endpoint === endpoint) return slot.client as T;
  const client = build();
  shared.set(service, { endpoint, client });
  return client;
}

/**
 * The DynamoDB document client: undefined attributes are dropped on write and
 * numbers are always read back as JS numbers (never BigInt), so an oversized or
 * tampered number reaches the codecs, which reject it, instead of throwing inside the SDK.
 * Without an override the client is built once per endpoint and reused; with one a new client is built.
 */
export function dynamoDocumentClient(override?: AwsClientOverride): DynamoDBDocumentClient {
  if (override) return buildDocumentClient(override);
  return sharedClient('DYNAMODB', () => buildDocumentClient({}));
}

/** The SQS client (shared unless an override is given). */
export function sqsClient(override?: AwsClientOverride): SQSClient {
  if (override) return forEmulator(new SQSClient(clientConfig(override, 'SQS')), override, 'SQS');
  return sharedClient('SQS', () => forEmulator(new SQSClient(clientConfig({}, 'SQS')), {}, 'SQS'));
}

/** The SNS client (shared unless an override is given). */
export function snsClient(override?: AwsClientOverride): SNSClient {
  if (override) return forEmulator(new SNSClient(clientConfig(override, 'SNS')), override, 'SNS');
  return sharedClient('SNS', () => forEmulator(new SNSClient(clientConfig({}, 'SNS')), {}, 'SNS'));
}

function buildDocumentClient(override: AwsClientOverride): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(forEmulator(new DynamoDBClient(clientConfig(override, 'DYNAMODB')), override, 'DYNAMODB'), {
    marshallOptions: { removeUndefinedValues: true },
    unmarshallOptions: { wrapNumbers: (value: string) => Number(value) },
  });
}

type Service = 'DYNAMODB' | 'SQS' | 'SNS';

function clientConfig(o: AwsClientOverride, service: Service) {
  return {
    ...(o.endpoint ? { endpoint: o.endpoint } : {}),
    ...(o.region ? { region: o.region } : {}),
    ...(o.credentials ? { credentials: { ...o.credentials } } : {}),
    ...(o.maxAttempts ? { maxAttempts: o.maxAttempts } : {}),
    ...(onEmulator(o, service) ? { signer: emulatorSigner, logger: emulatorLogger as unknown as DynamoDBClientConfig['logger'] } : {}),
    ...loopbackHandlerFor(o, service),
  };
}

/** The registered in-process handler of the client's loopback endpoint, as client config (none elsewhere). */
function loopbackHandlerFor(o: AwsClientOverride, service: Service): { requestHandler?: LoopbackRequestHandler } {
  const endpoint = o.endpoint ?? process.env[`AWS_ENDPOINT_URL_${service}`] ?? process.env['AWS_ENDPOINT_URL'];
  if (!endpoint || !isLoopback(endpoint)) return {};
  const handler = loopbackHandlers.get(new URL(endpoint).origin);
  return handler ? { requestHandler: handler } : {};
}

/** A loopback emulator client without the User-Agent middleware (rebuilt per request; nothing local reads it). */
function forEmulator<C extends { middlewareStack: { remove(name: string): boolean } }>(client: C, o: AwsClientOverride, service: Service): C {
  if (onEmulator(o, service)) client.middlewareStack.remove('getUserAgentMiddleware');
  return client;
}

/** True when the client's endpoint (the override's, else the SDK's standard environment) is a loopback emulator. */
function onEmulator(o: AwsClientOverride, service: Service): boolean {
  return isLoopback(o.endpoint ?? process.env[`AWS_ENDPOINT_URL_${service}`] ?? process.env['AWS_ENDPOINT_URL']);
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
