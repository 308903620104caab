import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoMarketStore } from '../../../shared/adapters/dynamo-market-store.js';
import { MemoryMarketStore } from '../../../shared/adapters/memory-market-store.js';
import { provision } from '../../../shared/local/provision.js';
import { T0, candle, describeMarketStoreContract } from '../../support/store-contracts.js';
import { useDynalite } from '../../support/dynalite-suite.js';

const suite$ = useDynalite();
let suite = 0;

async function dynamoHarness() {
  const { tables } = await provision(suite$.e, `mkt${++suite}`);
  return {
    store: new DynamoMarketStore({ tableName: tables.market, client: suite$.client }),
    tableName: tables.market,
    plant: async (item: Record<string, unknown>) => { await suite$.client.send(new PutCommand({ TableName: tables.market, Item: item })); },
    raw: async (pk: string, sk: string) => (await suite$.client.send(new GetCommand({ TableName: tables.market, Key: { pk, sk } }))).Item,
  };
}

describeMarketStoreContract('MemoryMarketStore', async () => {
  const store = new MemoryMarketStore();
  return { store, plant: async (item) => store.plantItem(item), raw: async () => undefined };
});

describeMarketStoreContract('DynamoMarketStore', dynamoHarness);

describe('DynamoMarketStore item layout', () => {
  it('stores a candle under CANDLE#symbol#tf / padded openTime with numeric OHLCV and a TTL 14 days after close', async () => {
    const h = await dynamoHarness();
    await h.store.putCandles([candle(T0, 65000.25)]);
    const out = await suite$.client.send(new GetItemCommand({ TableName: h.tableName, Key: { pk: { S: 'CANDLE#BTC/USDT#1m' }, sk: { S: String(T0) } } }));
    expect(out.Item).toMatchObject({
      close: { N: '65000.25' }, volume: { N: '12.5' }, openTime: { N: String(T0) },
      expiresAt: { N: String(Math.floor((T0 + 60_000 + 14 * 86_400_000) / 1000)) },
    });
  });
});
