import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll } from 'vitest';
import { dynamoDocumentClient } from '../../shared/adapters/aws-clients.js';
import { startEmulators, type Emulators } from '../../shared/local/emulators.js';

/** The emulators and a document client on them, started once for the calling test file (beforeAll / afterAll). */
export interface DynaliteSuite {
  readonly e: Emulators;
  readonly client: DynamoDBDocumentClient;
}

/** Registers the file's emulator lifecycle; read `e` and `client` inside hooks and tests, not at module load. */
export function useDynalite(): DynaliteSuite {
  let e: Emulators | undefined;
  let client: DynamoDBDocumentClient | undefined;
  beforeAll(async () => {
    e = await startEmulators();
    client = dynamoDocumentClient({ endpoint: e.dynamoEndpoint, region: e.region, credentials: e.credentials });
  });
  afterAll(async () => {
    client?.destroy();
    await e?.stop();
  });
  const started = <T>(v: T | undefined): T => { if (v === undefined) throw new Error('emulators not started yet'); return v; };
  return { get e() { return started(e); }, get client() { return started(client); } };
}
