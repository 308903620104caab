import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';
import { buildApp } from 'fauxqs';
import { setLoopbackRequestHandler } from '../adapters/aws-clients.js';
import { inProcessRequestHandler, type RequestListener } from './in-process-transport.js';

/** Endpoints and credentials of the in-process AWS stand-ins. */
export interface Emulators {
  readonly region: string;
  readonly dynamoEndpoint: string;
  /** fauxqs serves SQS and SNS on one port. */
  readonly sqsEndpoint: string;
  readonly snsEndpoint: string;
  readonly credentials: { accessKeyId: string; secretAccessKey: string };
  stop(): Promise<void>;
}

/** Where the emulators keep state and listen: dynamoPath keeps DynamoDB on disk (LevelDB, one process per folder); ports default to free ones. */
export interface EmulatorOptions {
  readonly dynamoPath?: string;
  readonly dynamoPort?: number;
  readonly sqsPort?: number;
  /** SDK clients of this process reach dynalite through its request listener, not a socket (default true; it still listens for others). */
  readonly inProcess?: boolean;
}

/** Starts dynalite (DynamoDB) and fauxqs (SQS + SNS) in this process on loopback ports (free ones unless given). */
export async function startEmulators(options: EmulatorOptions = {}): Promise<Emulators> {
  const dynamo = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0, ...(options.dynamoPath ? { path: options.dynamoPath } : {}) });
  await new Promise<void>((resolve, reject) => {
    dynamo.once('error', reject);
    dynamo.listen(options.dynamoPort ?? 0, '127.0.0.1', () => resolve());
  });
  const dynamoPort = (dynamo.address() as AddressInfo).port;
  const dynamoEndpoint = `http://127.0.0.1:${dynamoPort}`;
  const inProcess = options.inProcess ?? true ? inProcessRequestHandler(dynamo.listeners('request')[0] as RequestListener) : undefined;
  if (inProcess) setLoopbackRequestHandler(dynamoEndpoint, inProcess);
  // fauxqs's startFauxqs binds 0.0.0.0; build its app and bind loopback only. Queue URLs then
  // take the request host (http://127.0.0.1:PORT/000000000000/name), which the SDK accepts as is.
  const fauxqs = buildApp({ logger: false });
  await fauxqs.listen({ port: options.sqsPort ?? 0, host: '127.0.0.1' });
  const sqsEndpoint = `http://127.0.0.1:${(fauxqs.server.address() as AddressInfo).port}`;
  return {
    region: 'us-east-1',
    dynamoEndpoint,
    sqsEndpoint,
    snsEndpoint: sqsEndpoint,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    async stop() {
      if (inProcess) { inProcess.close(); setLoopbackRequestHandler(dynamoEndpoint, undefined); }
      await fauxqs.close();
      await new Promise<void>((resolve) => dynamo.close(() => resolve()));
    },
  };
}

/**
 * Points the AWS SDK at the emulators through the standard environment variables
 * (AWS_ENDPOINT_URL_<SERVICE>), so the same client code runs locally and on AWS.
 */
export function emulatorEnv(e: Emulators): Record<string, string> {
  return {
    AWS_REGION: e.region,
    AWS_ACCESS_KEY_ID: e.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: e.credentials.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: e.dynamoEndpoint,
    AWS_ENDPOINT_URL_SQS: e.sqsEndpoint,
    AWS_ENDPOINT_URL_SNS: e.snsEndpoint,
  };
}
