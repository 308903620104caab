import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll } from 'vitest';
import { dynamoDocumentClient } from '../../../shared/adapters/aws-clients.js';
import { DynamoPolicyStore } from '../../../shared/adapters/dynamo-policy-store.js';
import { MemoryPolicyStore } from '../../../shared/adapters/memory-policy-store.js';
import { startEmulators, type Emulators } from '../../../shared/local/emulators.js';
import { provision } from '../../../shared/local/provision.js';
import { describePolicyRecordsContract } from '../../support/policy-records-contract.js';

let e: Emulators;
let client: DynamoDBDocumentClient;
let suite = 0;

beforeAll(async () => {
  e = await startEmulators();
  client = dynamoDocumentClient({ endpoint: e.dynamoEndpoint, region: e.region, credentials: e.credentials });
});
afterAll(async () => {
  client?.destroy();
  await e?.stop();
});

describePolicyRecordsContract('MemoryPolicyStore', async (clock, validation) => {
  const store = new MemoryPolicyStore({ clock, validation });
  return { store, plant: async (item) => store.plantItem(item), raw: async (pk, sk) => store.rawItem(pk, sk) };
});

describePolicyRecordsContract('DynamoPolicyStore', async (clock, validation) => {
  const { tables } = await provision(e, `records${++suite}`);
  const TableName = tables.policy;
  return {
    store: new DynamoPolicyStore({ tableName: TableName, client, clock, validation }),
    plant: async (item) => { await client.send(new PutCommand({ TableName, Item: item })); },
    raw: async (pk, sk) => (await client.send(new GetCommand({ TableName, Key: { pk, sk }, ConsistentRead: true }))).Item,
  };
});
