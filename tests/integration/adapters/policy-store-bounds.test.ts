/**
 * DynamoPolicyStore on dynalite with hostile ACTIVE items: thousands of problems, a 300 KB key name, duplicate and
 * prototype keys, and a rejection record DynamoDB refuses to write (throttled, as the SDK raises it). None may stop
 * the loader: the last valid policy stays in force and the rejection is reported once.
 */
import { ProvisionedThroughputExceededException, PutItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { dynamoDocumentClient } from '../../../shared/adapters/aws-clients.js';
import { CachedPolicyStore } from '../../../shared/adapters/cached-policy-store.js';
import { DynamoPolicyStore } from '../../../shared/adapters/dynamo-policy-store.js';
import { provision } from '../../../shared/local/provision.js';
import { MAX_LISTED_PROBLEMS } from '../../../shared/domain/policy-document.js';
import type { Alert, Alerts } from '../../../shared/ports.js';
import { alertPolicyRejection } from '../../../shared/services/policy-alerts.js';
import { FIVE_THOUSAND_PROBLEMS } from '../../support/policy-records-contract.js';
import { ManualClock } from '../../support/store-contracts.js';
import { useDynalite } from '../../support/dynalite-suite.js';

const suite$ = useDynalite();
let suite = 0;
const clients: DynamoDBDocumentClient[] = [];
afterAll(() => clients.forEach((c) => c.destroy()));


/** A table with a valid v1 in force, a store on it, and a raw put of the ACTIVE item. */
async function withValidV1(client?: DynamoDBDocumentClient) {
  const clock = new ManualClock();
  const { tables } = await provision(suite$.e, `bounds${++suite}`);
  const TableName = tables.policy;
  const store = new DynamoPolicyStore({ tableName: TableName, client: client ?? suite$.client, clock });
  await store.write({ symbols: ['BTC/USDT'] }, { by: 'op', at: clock.now() });
  const v1 = await store.load();
  const putActive = (version: number, document: AttributeValue) => suite$.client.send(new PutItemCommand({
    TableName, Item: { pk: { S: 'POLICY' }, sk: { S: 'ACTIVE' }, version: { N: String(version) }, document },
  }));
  const raw = async (pk: string, sk: string) => (await suite$.client.send(new GetCommand({ TableName, Key: { pk, sk }, ConsistentRead: true }))).Item;
  return { clock, store, v1, putActive, raw, TableName };
}

/** A document client on dynalite whose puts of rejection records fail as DynamoDB throttling does. */
function throttlingRejections(): DynamoDBDocumentClient {
  const e = suite$.e;
  const client = dynamoDocumentClient({ endpoint: e.dynamoEndpoint, region: e.region, credentials: e.credentials });
  clients.push(client);
  client.middlewareStack.add((next) => async (args) => {
    const item = (args.input as { Item?: Record<string, unknown> }).Item;
    if (item?.['pk'] === 'POLICY_REJECTION' || (item?.['pk'] as AttributeValue | undefined)?.S === 'POLICY_REJECTION') {
      throw new ProvisionedThroughputExceededException({ message: 'The level of configured provisioned throughput for the table was exceeded.', $metadata: { httpStatusCode: 400 } });
    }
    return next(args);
  }, { step: 'initialize', name: 'throttleRejections' });
  return client;
}

const itemBytes = (item: unknown) => Buffer.byteLength(JSON.stringify(item));

describe('DynamoPolicyStore with a document of thousands of problems', () => {
  it('records a 5,000-problem document as a bounded rejection (first 50 problems and the total) and keeps v1 in force', async () => {
    const h = await withValidV1();
    await h.putActive(2, { S: FIVE_THOUSAND_PROBLEMS });
    const loaded = await h.store.load();
    expect(loaded).toMatchObject({ version: 1, hash: h.v1.hash, source: 'last-valid', rejected: { version: 2, firstSeen: true, problemCount: 5000 } });
    expect(loaded.rejected!.problems).toHaveLength(MAX_LISTED_PROBLEMS);
    const record = await h.raw('POLICY_REJECTION', '0000000000002');
    expect(record).toMatchObject({ version: 2, problemCount: 5000 });
    expect(itemBytes(record)).toBeLessThan(64 * 1024);
    const [listed] = await h.store.rejections();
    expect(listed).toMatchObject({ version: 2, problemCount: 5000, problems: expect.arrayContaining([expect.objectContaining({ path: 'exits.roi.0.afterMinutes', code: 'SCHEMA' })]) });
    expect((await h.store.load()).rejected).toMatchObject({ version: 2, firstSeen: false });
  });

  it('rejects a document with a 300 KB key name with a small record, and keeps v1 in force', async () => {
    const h = await withValidV1();
    const key = 'k'.repeat(300 * 1024);
    await h.putActive(2, { S: `{"symbols":["BTC/USDT"],"${key}":1}` });
    const loaded = await h.store.load();
    expect(loaded).toMatchObject({ version: 1, hash: h.v1.hash, rejected: { version: 2, firstSeen: true } });
    expect(loaded.rejected!.problems).toEqual([expect.objectContaining({ path: '(root)', code: 'DOCUMENT_TOO_LARGE' })]);
    const record = await h.raw('POLICY_REJECTION', '0000000000002');
    expect(itemBytes(record)).toBeLessThan(8 * 1024);
  });

  it('keeps serving v1 and reports the rejection once, as unrecorded, when DynamoDB refuses the rejection record', async () => {
    const h = await withValidV1(throttlingRejections());
    const cached = new CachedPolicyStore(h.store, h.clock, { ttlMs: 15_000, maxAgeMs: 300_000 });
    await cached.load();
    await h.putActive(2, { S: FIVE_THOUSAND_PROBLEMS });
    const seen: (boolean | undefined)[] = [];
    const sent: Alert[] = [];
    const alerts = { publish: async (a: Alert) => { sent.push(a); } } as unknown as Alerts;
    for (let i = 0; i < 30; i++) {
      h.clock.advance(15_000);
      const loaded = await cached.load();
      expect(loaded).toMatchObject({ version: 1, hash: h.v1.hash, rejected: { version: 2, recorded: false, problemCount: 5000 } });
      seen.push(loaded.rejected!.firstSeen);
      await alertPolicyRejection(alerts, loaded, h.clock.now());
    }
    expect(seen.filter((s) => s)).toEqual([true]);
    expect(await h.raw('POLICY_REJECTION', '0000000000002')).toBeUndefined();
    expect(sent).toEqual([expect.objectContaining({ kind: 'POLICY_REJECTED', details: expect.objectContaining({ recorded: false, problemCount: 5000 }) })]);
    expect(sent[0]!.message).toContain('The rejection record could not be written');
  });
});

describe('DynamoPolicyStore parses string documents strictly', () => {
  it.each([
    ['a duplicate key', '{"symbols":["BTC/USDT"],"risk":{"stakePct":1,"stakePct":50}}', 'risk.stakePct', 'DUPLICATE_KEY'],
    ['a nested __proto__ key', '{"symbols":["BTC/USDT"],"risk":{"__proto__":{"stakePct":50}}}', 'risk.__proto__', 'FORBIDDEN_KEY'],
    ['a constructor key in strategy params', '{"strategies":[{"name":"momentum","params":{"constructor":1}}]}', 'strategies.0.params.constructor', 'FORBIDDEN_KEY'],
    ['nesting 40 levels deep', `{"strategies":[{"name":"momentum","params":${'{"a":'.repeat(40)}1${'}'.repeat(40)}}]}`, 'strategies.0.params.a.a.a', 'DOCUMENT_TOO_DEEP'],
  ])('rejects %s and keeps v1 in force', async (_label, text, path, code) => {
    const h = await withValidV1();
    await h.putActive(2, { S: text });
    const loaded = await h.store.load();
    expect(loaded).toMatchObject({ version: 1, hash: h.v1.hash, rejected: { version: 2 } });
    expect(loaded.rejected!.problems).toContainEqual(expect.objectContaining({ path: expect.stringMatching(new RegExp(`^${path.replace(/[.$]/g, '\\$&')}`)), code }));
  });

  it('refuses a constructor key in a map (M) document', async () => {
    const h = await withValidV1();
    await h.putActive(2, { M: { strategies: { L: [{ M: { name: { S: 'momentum' }, params: { M: { constructor: { N: '1' } } } } }] } } });
    const loaded = await h.store.load();
    expect(loaded).toMatchObject({ version: 1, rejected: { version: 2 } });
    expect(loaded.rejected!.problems).toContainEqual(expect.objectContaining({ path: 'strategies.0.params.constructor', code: 'FORBIDDEN_KEY' }));
  });

  it('accepts a document that starts with a UTF-8 byte order mark', async () => {
    const h = await withValidV1();
    await h.putActive(2, { S: '\uFEFF{"symbols":["ETH/USDT"]}' });
    expect(await h.store.load()).toMatchObject({ version: 2, source: 'active', policy: { symbols: ['ETH/USDT'] } });
  });
});
