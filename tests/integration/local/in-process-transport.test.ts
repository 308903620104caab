import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { BatchWriteCommand, GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import { dynamoDocumentClient, setLoopbackRequestHandler } from '../../../shared/adapters/aws-clients.js';
import { startEmulators, type Emulators } from '../../../shared/local/emulators.js';
import { inProcessRequestHandler } from '../../../shared/local/in-process-transport.js';

const started: Emulators[] = [];
afterEach(async () => { for (const e of started.splice(0)) await e.stop(); });

async function emulators(inProcess: boolean) {
  const e = await startEmulators({ inProcess });
  started.push(e);
  const client = dynamoDocumentClient({ endpoint: e.dynamoEndpoint, region: e.region, credentials: e.credentials, maxAttempts: 1 });
  await client.send(new CreateTableCommand({
    TableName: 'things', BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
  }));
  await new Promise((r) => setTimeout(r, 20));
  return { e, client };
}

/** Writes, batches, a query, a read and a failed conditional put; returns what came back (errors by name and message). */
async function exercise(client: DynamoDBDocumentClient) {
  await client.send(new PutCommand({ TableName: 'things', Item: { pk: 'a', sk: '1', n: 1.5, s: 'x'.repeat(500), l: [1, 'two', { three: 3 }] } }));
  await client.send(new BatchWriteCommand({ RequestItems: { things: Array.from({ length: 25 }, (_, i) => ({ PutRequest: { Item: { pk: 'b', sk: String(i).padStart(2, '0'), i } } })) } }));
  const query = await client.send(new QueryCommand({ TableName: 'things', KeyConditionExpression: 'pk = :p AND sk <= :s', ExpressionAttributeValues: { ':p': 'b', ':s': '20' }, ScanIndexForward: false, Limit: 5, ConsistentRead: true }));
  const got = await client.send(new GetCommand({ TableName: 'things', Key: { pk: 'a', sk: '1' }, ConsistentRead: true }));
  const failed = await client.send(new PutCommand({ TableName: 'things', Item: { pk: 'a', sk: '1' }, ConditionExpression: 'attribute_not_exists(pk)' }))
    .then(() => undefined, (e: Error) => `${e.name}: ${e.message}`);
  const missing = await client.send(new GetCommand({ TableName: 'nope', Key: { pk: 'a', sk: '1' } })).then(() => undefined, (e: Error) => e.name);
  return { items: query.Items, lastKey: query.LastEvaluatedKey, item: got.Item, failed, missing };
}

describe('the in-process transport to dynalite', () => {
  it('serves the embedded process\'s SDK clients without an HTTP request on a socket, with the same answers as over TCP', async () => {
    const requests: unknown[] = [];
    const count = (m: unknown) => requests.push(m);
    subscribe('http.client.request.start', count);
    try {
      const inProcess = await exercise((await emulators(true)).client);
      expect(requests).toHaveLength(0);
      const overTcp = await exercise((await emulators(false)).client);
      expect(requests.length).toBeGreaterThan(0);
      expect(inProcess).toEqual(overTcp);
      expect(inProcess.failed).toMatch(/^ConditionalCheckFailedException/);
      expect(inProcess.missing).toBe('ResourceNotFoundException');
      expect(inProcess.items?.map((i) => i['sk'])).toEqual(['20', '19', '18', '17', '16']);
    } finally {
      unsubscribe('http.client.request.start', count);
    }
  });

  it('fails a request as a refused connection once the emulators have stopped', async () => {
    const { e, client } = await emulators(true);
    await e.stop();
    started.splice(0);
    await expect(client.send(new GetCommand({ TableName: 'things', Key: { pk: 'a', sk: '1' } }))).rejects.toThrow(/ECONNREFUSED/);
  });

  it('routes only loopback endpoints: an AWS endpoint is refused', () => {
    expect(() => setLoopbackRequestHandler('https://dynamodb.us-east-1.amazonaws.com', inProcessRequestHandler(() => undefined))).toThrow(/not a loopback endpoint/);
  });
});
