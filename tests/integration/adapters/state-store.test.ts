import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoStateStore } from '../../../shared/adapters/dynamo-state-store.js';
import { MemoryStateStore } from '../../../shared/adapters/memory-state-store.js';
import { StateUnreadableError } from '../../../shared/domain/errors.js';
import { provision } from '../../../shared/local/provision.js';
import { T0, describeStateStoreContract } from '../../support/store-contracts.js';
import { useDynalite } from '../../support/dynalite-suite.js';

const suite$ = useDynalite();
let suite = 0;

async function dynamoHarness() {
  const { tables } = await provision(suite$.e, `state${++suite}`);
  const TableName = tables.state;
  return {
    store: new DynamoStateStore({ tableName: TableName, client: suite$.client }),
    tableName: TableName,
    plant: async (item: Record<string, unknown>) => { await suite$.client.send(new PutCommand({ TableName, Item: item })); },
    raw: async (pk: string, sk: string) => (await suite$.client.send(new GetCommand({ TableName, Key: { pk, sk }, ConsistentRead: true }))).Item,
  };
}

describeStateStoreContract('MemoryStateStore', async () => {
  const store = new MemoryStateStore();
  return { store, plant: async (item) => store.plantItem(item), raw: async (pk, sk) => store.rawItem(pk, sk) };
});

describeStateStoreContract('DynamoStateStore', dynamoHarness);

describe('DynamoStateStore on DynamoDB specifics', () => {
  it('lists every record across result pages (more than 1 MB of decisions)', async () => {
    const { store } = await dynamoHarness();
    const message = 'x'.repeat(8_000);
    const ids = Array.from({ length: 160 }, (_, i) => `i${String(i).padStart(3, '0')}`);
    for (const [i, intentId] of ids.entries()) {
      await store.putDecision({
        intentId, strategy: 'momentum', symbol: 'BTC/USDT', side: 'buy', kind: 'entry', approved: false,
        reasons: [{ code: 'MAX_TOTAL_EXPOSURE', message }], mode: 'PAPER', policyHash: 'ph', policyVersion: 1, decidedAt: T0 + i,
      });
    }
    const listed = await store.listDecisions({ symbol: 'BTC/USDT' });
    expect(listed.map((d) => d.intentId)).toEqual(ids);
  });

  it('reports a tampered number the SDK cannot convert as StateUnreadableError, not an SDK crash', async () => {
    const h = await dynamoHarness();
    await h.store.putKillSwitch({ status: 'ARMED', tripCount: 0, history: [] }, 0);
    await suite$.client.send(new PutItemCommand({ TableName: h.tableName, Item: {
      pk: { S: 'KILL_SWITCH' }, sk: { S: 'CURRENT' }, version: { N: '12345678901234567.5' },
      doc: { M: { status: { S: 'ARMED' }, tripCount: { N: '0' }, history: { L: [] } } },
    } }));
    await expect(h.store.getKillSwitch()).rejects.toBeInstanceOf(StateUnreadableError);
  });

  it('keeps the documented item layout: versioned singletons and index keys', async () => {
    const h = await dynamoHarness();
    await h.store.putKillSwitch({ status: 'ARMED', tripCount: 0, history: [] }, 0);
    await h.store.putFill({
      tradeId: 't9', orderId: 'o1', clientOrderId: 'stxo1', symbol: 'ETH/USDT', side: 'sell', quantity: '1', price: '2',
      fee: '0', feeCurrency: 'USDT', liquidity: 'maker', time: T0, policyHash: 'ph',
    });
    expect(await h.raw('KILL_SWITCH', 'CURRENT')).toEqual({ pk: 'KILL_SWITCH', sk: 'CURRENT', version: 1, doc: { status: 'ARMED', tripCount: 0, history: [] } });
    expect(await h.raw('FILL#ETH/USDT#t9', 'FILL')).toMatchObject({ gsi1pk: 'FILL', gsi1sk: `${T0}#ETH/USDT#t9`, price: '2' });
  });
});
