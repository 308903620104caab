import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll } from 'vitest';
import { DynamoPolicyStore } from '../../../shared/adapters/dynamo-policy-store.js';
import { MemoryPolicyStore } from '../../../shared/adapters/memory-policy-store.js';
import { provision } from '../../../shared/local/provision.js';
import { describePolicyRecordsContract } from '../../support/policy-records-contract.js';
import { useDynalite } from '../../support/dynalite-suite.js';

const suite$ = useDynalite();
let suite = 0;

describePolicyRecordsContract('MemoryPolicyStore', async (clock, validation) => {
  const store = new MemoryPolicyStore({ clock, validation });
  return { store, plant: async (item) => store.plantItem(item), raw: async (pk, sk) => store.rawItem(pk, sk) };
});

describePolicyRecordsContract('DynamoPolicyStore', async (clock, validation) => {
  const { tables } = await provision(suite$.e, `records${++suite}`);
  const TableName = tables.policy;
  return {
    store: new DynamoPolicyStore({ tableName: TableName, client: suite$.client, clock, validation }),
    plant: async (item) => { await suite$.client.send(new PutCommand({ TableName, Item: item })); },
    raw: async (pk, sk) => (await suite$.client.send(new GetCommand({ TableName, Key: { pk, sk }, ConsistentRead: true }))).Item,
  };
});
