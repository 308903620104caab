import { describe, expect, it } from 'vitest';
import { dynamoDocumentClient } from '../../../shared/adapters/aws-clients.js';
import { DynamoMarketStore } from '../../../shared/adapters/dynamo-market-store.js';
import { MemoryMarketStore } from '../../../shared/adapters/memory-market-store.js';
import type { Candle, Heartbeat, TopOfBook } from '../../../shared/domain/candle.js';
import { provision } from '../../../shared/local/provision.js';
import type { MarketDataStore } from '../../../shared/ports.js';
import { HEARTBEAT_SOURCE } from '../../../shared/resources.js';
import { useDynalite } from '../../support/dynalite-suite.js';

const suite$ = useDynalite();
const T0 = Date.UTC(2021, 4, 19);
const M = 60_000;

const candles = (symbol: string, n: number): Candle[] => Array.from({ length: n }, (_, i) => ({
  symbol, timeframe: '1m', openTime: T0 + i * M, open: 10, high: 11, low: 9, close: 10.5, volume: 1,
}));
const books: TopOfBook[] = [{ symbol: 'BTC/USDT', bid: '10.5', ask: '10.6', time: T0 + 3 * M }, { symbol: 'ETH/USDT', bid: '2', ask: '2.1', time: T0 + 3 * M }];
const heartbeat: Heartbeat = { source: HEARTBEAT_SOURCE, time: T0 + 40 * M, messages: 7, lagMs: 12, lastCandle: { 'BTC/USDT': T0 + 29 * M } };

async function dynamo(): Promise<{ store: MarketDataStore; commands: string[] }> {
  const { tables } = await provision(suite$.e, `hb${Math.random().toString(36).slice(2, 8)}`);
  const client = dynamoDocumentClient({ endpoint: suite$.e.dynamoEndpoint, region: suite$.e.region, credentials: suite$.e.credentials });
  const commands: string[] = [];
  client.middlewareStack.add((next, context) => async (args) => { commands.push(String(context.commandName)); return next(args); }, { step: 'initialize' });
  return { store: new DynamoMarketStore({ tableName: tables.market, client }), commands };
}

describe('putCandles with a heartbeat and books', () => {
  it('DynamoMarketStore writes three candles, two books and the heartbeat in one BatchWriteItem', async () => {
    const { store, commands } = await dynamo();
    await store.putCandles(candles('BTC/USDT', 3), { heartbeat, books });
    expect(commands).toEqual(['BatchWriteItemCommand']);
    expect(await store.getHeartbeat(HEARTBEAT_SOURCE)).toEqual(heartbeat);
    expect(await store.getTopOfBook('ETH/USDT')).toEqual(books[1]);
    expect((await store.getRecentClosedCandles('BTC/USDT', '1m', T0 + 3 * M, 10)).map((c) => c.openTime)).toEqual([T0, T0 + M, T0 + 2 * M]);
  });

  it('DynamoMarketStore splits 30 candles and the heartbeat into batches of 25 and stores all of them', async () => {
    const { store, commands } = await dynamo();
    await store.putCandles(candles('ETH/USDT', 30), { heartbeat });
    expect(commands).toEqual(['BatchWriteItemCommand', 'BatchWriteItemCommand']);
    expect(await store.getHeartbeat(HEARTBEAT_SOURCE)).toEqual(heartbeat);
    expect(await store.getRecentClosedCandles('ETH/USDT', '1m', T0 + 30 * M, 50)).toHaveLength(30);
  });

  it('MemoryMarketStore stores the heartbeat and books with the candles', async () => {
    const store = new MemoryMarketStore();
    await store.putCandles(candles('BTC/USDT', 2), { heartbeat, books });
    expect(await store.getHeartbeat(HEARTBEAT_SOURCE)).toEqual(heartbeat);
    expect(await store.getTopOfBook('BTC/USDT')).toEqual(books[0]);
  });
});
