import { describe, expect, it } from 'vitest';
import { dynamoDocumentClient } from '../../../shared/adapters/aws-clients.js';
import { DynamoMarketStore } from '../../../shared/adapters/dynamo-market-store.js';
import type { Candle } from '../../../shared/domain/candle.js';
import { provision } from '../../../shared/local/provision.js';
import { useDynalite } from '../../support/dynalite-suite.js';

const suite$ = useDynalite();
const T0 = Date.UTC(2021, 4, 19);
const M = 60_000;

const series = (symbol: string, n: number, skip: (i: number) => boolean = () => false): Candle[] =>
  Array.from({ length: n }, (_, i) => i).filter((i) => !skip(i)).map((i) => ({
    symbol, timeframe: '1m' as const, openTime: T0 + i * M, open: 10 + i, high: 12 + i, low: 9 + i, close: 11 + i, volume: i,
  }));

async function store() {
  const { tables } = await provision(suite$.e, `co${Math.random().toString(36).slice(2, 8)}`);
  const client = dynamoDocumentClient({ endpoint: suite$.e.dynamoEndpoint, region: suite$.e.region, credentials: suite$.e.credentials });
  const commands: string[] = [];
  client.middlewareStack.add((next, context) => async (args) => { commands.push(String(context.commandName)); return next(args); }, { step: 'initialize' });
  return { store: new DynamoMarketStore({ tableName: tables.market, client }), commands };
}

describe('DynamoMarketStore.getRecentClosedCandlesOf', () => {
  it('reads 31 candles of three symbols with one BatchGetItem, each exactly what its Query returns', async () => {
    const { store: s, commands } = await store();
    await s.putCandles([...series('BTC/USDT', 40), ...series('ETH/USDT', 40), ...series('SOL/USDT', 40)]);
    const now = T0 + 40 * M + 5_000;
    commands.length = 0;
    const of = await s.getRecentClosedCandlesOf(['BTC/USDT', 'ETH/USDT', 'SOL/USDT'], '1m', now, 31);
    expect(commands).toEqual(['BatchGetItemCommand']);
    for (const symbol of ['BTC/USDT', 'ETH/USDT', 'SOL/USDT']) {
      expect(of[symbol]).toEqual(await s.getRecentClosedCandles(symbol, '1m', now, 31));
      expect(of[symbol]![30]!.openTime).toBe(T0 + 39 * M);
    }
  });

  it('falls back to the Query for a symbol with a gap or too little history, so the answer never differs', async () => {
    const { store: s, commands } = await store();
    await s.putCandles([...series('BTC/USDT', 40, (i) => i === 35), ...series('ETH/USDT', 10), ...series('SOL/USDT', 40)]);
    const now = T0 + 40 * M;
    commands.length = 0;
    const of = await s.getRecentClosedCandlesOf(['BTC/USDT', 'ETH/USDT', 'SOL/USDT'], '1m', now, 31);
    expect(commands).toEqual(['BatchGetItemCommand', 'QueryCommand', 'QueryCommand']);
    for (const symbol of ['BTC/USDT', 'ETH/USDT', 'SOL/USDT']) expect(of[symbol]).toEqual(await s.getRecentClosedCandles(symbol, '1m', now, 31));
    expect(of['BTC/USDT']!.map((c) => c.openTime)).not.toContain(T0 + 35 * M);
    expect(of['ETH/USDT']).toHaveLength(10);
  });

  it('splits more than 100 keys over several BatchGetItems', async () => {
    const { store: s, commands } = await store();
    const symbols = ['A/USDT', 'B/USDT', 'C/USDT', 'D/USDT'];
    await s.putCandles(symbols.flatMap((x) => series(x, 31)));
    commands.length = 0;
    const of = await s.getRecentClosedCandlesOf(symbols, '1m', T0 + 31 * M, 31);
    expect(commands).toEqual(['BatchGetItemCommand', 'BatchGetItemCommand']);
    for (const x of symbols) expect(of[x]).toEqual(series(x, 31));
  });
});
