import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { ListTopicsCommand } from '@aws-sdk/client-sns';
import { ListQueuesCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoDocumentClient, snsClient, sqsClient } from '../../../shared/adapters/aws-clients.js';
import { DynamoStateStore } from '../../../shared/adapters/dynamo-state-store.js';
import { StoreRequestError, StoreUnavailableError, mapAwsError } from '../../../shared/adapters/errors.js';
import { ContentionError, StratusError } from '../../../shared/domain/errors.js';
import { emulatorEnv, startEmulators, type Emulators } from '../../../shared/local/emulators.js';
import { provision } from '../../../shared/local/provision.js';

let e: Emulators;

beforeAll(async () => { e = await startEmulators(); });
afterAll(async () => { await e?.stop(); });

/** A loopback port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('AWS clients', () => {
  it('build once from the standard environment (AWS_REGION, AWS_ENDPOINT_URL_DYNAMODB) and reach the emulator', async () => {
    const { tables } = await provision(e, 'envclient');
    Object.assign(process.env, emulatorEnv(e));
    const client = dynamoDocumentClient();
    expect(dynamoDocumentClient()).toBe(client);
    expect(sqsClient()).toBe(sqsClient());
    expect(snsClient()).toBe(snsClient());
    const store = new DynamoStateStore({ tableName: tables.state });
    expect(await store.putKillSwitch({ status: 'ARMED', tripCount: 0, history: [] }, 0)).toBe(true);
    expect((await store.getKillSwitch())?.version).toBe(1);
  });

  it('build a separate client for an explicit override', () => {
    const override = { endpoint: e.dynamoEndpoint, region: e.region, credentials: e.credentials };
    expect(dynamoDocumentClient(override)).not.toBe(dynamoDocumentClient(override));
  });

  it('sign loopback emulator requests without SigV4 hashing and log nothing at info (no filtered copies) nor build a User-Agent, which dynalite and fauxqs accept; AWS endpoints keep SigV4 and the default logger', async () => {
    const local = { endpoint: e.dynamoEndpoint, region: e.region, credentials: e.credentials };
    const signerName = async (config: { signer: unknown }) =>
      ((await (config.signer as (scheme?: unknown) => Promise<object>)()) as object).constructor.name;
    expect(await signerName(dynamoDocumentClient(local).config)).not.toBe('SignatureV4');
    expect(await signerName(sqsClient({ ...local, endpoint: e.sqsEndpoint }).config)).not.toBe('SignatureV4');
    expect(await signerName(dynamoDocumentClient({ ...local, endpoint: 'https://dynamodb.eu-west-1.amazonaws.com' }).config)).toBe('SignatureV4');
    expect(await signerName(snsClient({ ...local, endpoint: 'https://sns.eu-west-1.amazonaws.com' }).config)).toBe('SignatureV4');
    expect(dynamoDocumentClient(local).config.logger.info).toBeUndefined();
    const stack = (client: { middlewareStack: { identify(): string[] } }) => client.middlewareStack.identify().join(' ');
    expect(stack(sqsClient({ ...local, endpoint: e.sqsEndpoint }))).not.toContain('getUserAgentMiddleware');
    expect(stack(sqsClient({ ...local, endpoint: 'https://sqs.eu-west-1.amazonaws.com' }))).toContain('getUserAgentMiddleware');
    expect(typeof dynamoDocumentClient({ ...local, endpoint: 'https://dynamodb.eu-west-1.amazonaws.com' }).config.logger.info).toBe('function');
    const { tables } = await provision(e, 'loopsign');
    const store = new DynamoStateStore({ tableName: tables.state, client: dynamoDocumentClient(local) });
    expect(await store.putKillSwitch({ status: 'ARMED', tripCount: 0, history: [] }, 0)).toBe(true);
    await expect(sqsClient({ ...local, endpoint: e.sqsEndpoint }).send(new ListQueuesCommand({}))).resolves.toBeDefined();
    await expect(snsClient({ ...local, endpoint: e.snsEndpoint }).send(new ListTopicsCommand({}))).resolves.toBeDefined();
  });
});

describe('store error translation', () => {
  it('maps a missing table to a permanent StoreRequestError that keeps the SDK error as cause', async () => {
    const client = dynamoDocumentClient({ endpoint: e.dynamoEndpoint, region: e.region, credentials: e.credentials });
    const err = await new DynamoStateStore({ tableName: 'no-such-table', client }).getLedger().catch((x: unknown) => x);
    expect(err).toBeInstanceOf(StoreRequestError);
    expect(err).toMatchObject({ retryable: false, code: 'STORE_REQUEST_FAILED', cause: { name: 'ResourceNotFoundException' } });
  });

  it('maps an unreachable endpoint to a retryable StoreUnavailableError', async () => {
    const client = dynamoDocumentClient({ endpoint: `http://127.0.0.1:${await closedPort()}`, region: e.region, credentials: e.credentials, maxAttempts: 1 });
    const err = await new DynamoStateStore({ tableName: 'any-table', client }).getKillSwitch().catch((x: unknown) => x);
    expect(err).toBeInstanceOf(StoreUnavailableError);
    expect(err).toMatchObject({ retryable: true, code: 'STORE_UNAVAILABLE' });
  });

  const sdkError = (name: string, status?: number, extra: Record<string, unknown> = {}) =>
    Object.assign(new Error(name), { name, ...extra, ...(status ? { $metadata: { httpStatusCode: status } } : {}) });
  it.each([
    ['ProvisionedThroughputExceededException', sdkError('ProvisionedThroughputExceededException', 400), true],
    ['ThrottlingException', sdkError('ThrottlingException', 400), true],
    ['RequestLimitExceeded', sdkError('RequestLimitExceeded', 400), true],
    ['InternalServerError', sdkError('InternalServerError', 500), true],
    ['an unnamed 503', sdkError('Unknown', 503), true],
    ['a connection reset', sdkError('Error', undefined, { code: 'ECONNRESET' }), true],
    ['ValidationException', sdkError('ValidationException', 400), false],
    ['AccessDeniedException', sdkError('AccessDeniedException', 400), false],
    ['an unhandled ConditionalCheckFailedException', sdkError('ConditionalCheckFailedException', 400), false],
    ['a programming error', new TypeError('x is undefined'), false],
  ])('classifies %s as retryable=%s', (_label, err, retryable) => {
    const mapped = mapAwsError(err, 'op');
    expect(mapped).toBeInstanceOf(retryable ? StoreUnavailableError : StoreRequestError);
    expect(mapped.retryable).toBe(retryable);
    expect(mapped.cause).toBe(err);
  });

  it('passes Stratus errors through unchanged', () => {
    const err = new ContentionError('ledger');
    expect(mapAwsError(err, 'op')).toBe(err);
    expect(mapAwsError(err, 'op')).toBeInstanceOf(StratusError);
  });
});
