import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoDocumentClient } from '../../../shared/adapters/aws-clients.js';
import { DynamoPolicyStore } from '../../../shared/adapters/dynamo-policy-store.js';
import { MemoryPolicyStore } from '../../../shared/adapters/memory-policy-store.js';
import type { Clock } from '../../../shared/ports.js';
import { provision } from '../../../shared/local/provision.js';
import { ManualClock, describePolicyStoreContract } from '../../support/store-contracts.js';
import { useDynalite } from '../../support/dynalite-suite.js';

const suite$ = useDynalite();
let suite = 0;

async function dynamoHarness(clock: Clock) {
  const { tables } = await provision(suite$.e, `policy${++suite}`);
  const TableName = tables.policy;
  return {
    store: new DynamoPolicyStore({ tableName: TableName, client: suite$.client, clock }),
    tableName: TableName,
    plant: async (item: Record<string, unknown>) => { await suite$.client.send(new PutCommand({ TableName, Item: item })); },
    raw: async (pk: string, sk: string) => (await suite$.client.send(new GetCommand({ TableName, Key: { pk, sk }, ConsistentRead: true }))).Item,
  };
}

describePolicyStoreContract('MemoryPolicyStore', async (clock) => {
  const store = new MemoryPolicyStore({ clock });
  return { store, plant: async (item) => store.plantItem(item), raw: async (pk, sk) => store.rawItem(pk, sk) };
});

describePolicyStoreContract('DynamoPolicyStore', dynamoHarness);

describe('DynamoPolicyStore and items written with `aws dynamodb put-item`', () => {
  const put = (TableName: string, document: Record<string, unknown>) => suite$.client.send(new PutItemCommand({
    TableName, Item: { pk: { S: 'POLICY' }, sk: { S: 'ACTIVE' }, version: { N: '3' }, ...document } as never,
  }));

  it('loads a document given as a map (M) of DynamoDB JSON', async () => {
    const h = await dynamoHarness(new ManualClock());
    await put(h.tableName, { document: { M: {
      mode: { S: 'DRY_RUN' }, symbols: { L: [{ S: 'ETH/USDT' }] }, risk: { M: { stakePct: { N: '1.5' }, maxPositionPct: { N: '2' } } },
    } } });
    expect(await h.store.load()).toMatchObject({ source: 'active', version: 3, policy: { mode: 'DRY_RUN', risk: { stakePct: 1.5 } } });
  });

  it.each([
    ['a huge number in exponent form', { M: { staleDataSeconds: { N: '9e125' } } }, 'staleDataSeconds'],
    ['a huge fractional number (the SDK cannot make it a BigInt)', { M: { staleDataSeconds: { N: '12345678901234567.5' } } }, 'staleDataSeconds'],
    ['an integer beyond 2^53', { M: { staleDataSeconds: { N: '123456789012345678901234' } } }, 'staleDataSeconds'],
    ['a string set', { M: { symbols: { SS: ['BTC/USDT'] } } }, 'symbols'],
    ['a binary value', { B: new Uint8Array([1, 2]) }, '(root)'],
  ])('rejects, without throwing, a document holding %s', async (_label, document, path) => {
    const h = await dynamoHarness(new ManualClock());
    await put(h.tableName, { document });
    const loaded = await h.store.load();
    expect(loaded).toMatchObject({ source: 'default', rejected: { version: 3, firstSeen: true } });
    expect(loaded.rejected!.problems.map((p) => p.path)).toContain(path);
    expect(await h.raw('POLICY_REJECTION', '0000000000003')).toMatchObject({ version: 3 });
  });
});

describe.each([
  ['MemoryPolicyStore', async () => {
    const store = new MemoryPolicyStore({ clock: new ManualClock() });
    return { store, raw: async (pk: string, sk: string) => store.rawItem(pk, sk) };
  }],
  ['DynamoPolicyStore', dynamoHarness.bind(null, new ManualClock())],
])('%s peek()', (_name, setup) => {
  it('reads the policy in force without recording anything or consuming the first-seen flag', async () => {
    const h = await setup();
    await h.store.write({ mode: 'DRY_RUN' }, { by: 'op', at: 1 });
    expect(await h.store.peek()).toMatchObject({ source: 'active', version: 1, policy: { mode: 'DRY_RUN' } });
    expect(await h.raw('POLICY', 'LAST_VALID')).toBeUndefined();
    await h.store.load();
    await h.store.write({ mode: 'LIVE' }, { by: 'op', at: 2 });
    const peeked = await h.store.peek();
    expect(peeked).toMatchObject({ source: 'last-valid', version: 1, rejected: { version: 2 } });
    expect(peeked.rejected?.firstSeen).toBeUndefined();
    expect(await h.raw('POLICY_REJECTION', '0000000000002')).toBeUndefined();
    expect((await h.store.load()).rejected?.firstSeen).toBe(true);
  });
});

describe('DynamoPolicyStore requests', () => {
  it('reads ACTIVE and LAST_VALID in one request per load and per peek once the policy is promoted', async () => {
    const { tables } = await provision(suite$.e, `policy${++suite}`);
    const client = dynamoDocumentClient({ endpoint: suite$.e.dynamoEndpoint, region: suite$.e.region, credentials: suite$.e.credentials });
    const commands: string[] = [];
    client.middlewareStack.add((next, context) => async (args) => { commands.push(String(context.commandName)); return next(args); }, { step: 'initialize' });
    const store = new DynamoPolicyStore({ tableName: tables.policy, client, clock: new ManualClock() });
    await store.write({ mode: 'DRY_RUN' }, { by: 'op', at: 1 });
    await store.load();
    commands.length = 0;
    expect(await store.load()).toMatchObject({ source: 'active', version: 1, policy: { mode: 'DRY_RUN' } });
    expect(await store.peek()).toMatchObject({ source: 'active', version: 1 });
    expect(commands).toEqual(['BatchGetItemCommand', 'BatchGetItemCommand']);
    client.destroy();
  });

  it('parses and validates unchanged items once, a changed ACTIVE anew, and a LIVE one on every load', async () => {
    const h = await dynamoHarness(new ManualClock());
    await h.store.write({ mode: 'DRY_RUN' }, { by: 'op', at: 1 });
    await h.store.load(); // promotes: LAST_VALID is written, so the next load reads new items
    const first = await h.store.load();
    const again = await h.store.load();
    expect(again.policy).toBe(first.policy);
    expect((await h.store.peek()).policy).toBe(first.policy);
    await h.store.write({ mode: 'PAPER' }, { by: 'op', at: 2 });
    const changed = await h.store.load();
    expect(changed).toMatchObject({ version: 2, policy: { mode: 'PAPER' } });
    expect(changed.policy).not.toBe(first.policy);
    await h.store.write({ mode: 'LIVE' }, { by: 'op', at: 3 });
    const live = await h.store.load();
    expect(live).toMatchObject({ source: 'last-valid', version: 2, rejected: { version: 3, firstSeen: true } });
    expect((await h.store.load()).policy).not.toBe(live.policy);
  });
});
