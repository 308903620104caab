import { CreateTableCommand, DynamoDBClient, UpdateTimeToLiveCommand, type AttributeDefinition } from '@aws-sdk/client-dynamodb';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { ENV, QUEUES, TABLES, type QueueDefinition, type TableDefinition } from '../resources.js';
import type { Emulators } from './emulators.js';

/** Physical names and URLs of everything provisioned, plus the env vars the functions read. */
export interface Provisioned {
  readonly tables: Record<TableDefinition['id'], string>;
  readonly queues: Record<QueueDefinition['id'], { url: string; dlqUrl: string; arn: string }>;
  readonly alertTopicArn: string;
  /** Queue that receives every alert published to the topic (the local "inbox"). */
  readonly alertInboxUrl: string;
  readonly env: Record<string, string>;
}

/** Creates the stack's tables, queues and alert topic on the emulators, from shared/resources.ts. */
export async function provision(e: Emulators, prefix = 'stratus'): Promise<Provisioned> {
  const cfg = { region: e.region, credentials: e.credentials };
  const ddb = new DynamoDBClient({ ...cfg, endpoint: e.dynamoEndpoint });
  const sqs = new SQSClient({ ...cfg, endpoint: e.sqsEndpoint });
  const sns = new SNSClient({ ...cfg, endpoint: e.snsEndpoint });

  const tables = {} as Record<TableDefinition['id'], string>;
  for (const def of Object.values(TABLES)) tables[def.id] = await createTable(ddb, def, `${prefix}-${def.id}`);

  const queues = {} as Provisioned['queues'];
  for (const def of Object.values(QUEUES)) queues[def.id] = await createQueuePair(sqs, def, prefix, e.sqsEndpoint);

  const topic = await sns.send(new CreateTopicCommand({ Name: `${prefix}-alerts` }));
  const inbox = await sqs.send(new CreateQueueCommand({ QueueName: `${prefix}-alert-inbox` }));
  const inboxUrl = onEndpoint(inbox.QueueUrl!, e.sqsEndpoint);
  const inboxArn = await queueArn(sqs, inbox.QueueUrl!);
  await sns.send(new SubscribeCommand({ TopicArn: topic.TopicArn!, Protocol: 'sqs', Endpoint: inboxArn, Attributes: { RawMessageDelivery: 'true' } }));

  ddb.destroy(); sqs.destroy(); sns.destroy();
  return {
    tables, queues, alertTopicArn: topic.TopicArn!, alertInboxUrl: inboxUrl,
    env: {
      [ENV.marketTable]: tables.market, [ENV.stateTable]: tables.state, [ENV.policyTable]: tables.policy,
      [ENV.idempotencyTable]: tables.idempotency,
      [ENV.signalsQueueUrl]: queues.signals.url, [ENV.ordersQueueUrl]: queues.orders.url,
      [ENV.alertTopicArn]: topic.TopicArn!,
    },
  };
}

async function createTable(ddb: DynamoDBClient, def: TableDefinition, name: string): Promise<string> {
  const attrs = new Map<string, AttributeDefinition>();
  const add = (n: string) => attrs.set(n, { AttributeName: n, AttributeType: 'S' });
  add(def.partitionKey);
  if (def.sortKey) add(def.sortKey);
  def.indexes.forEach((i) => { add(i.pk); add(i.sk); });
  const created = await ddb.send(new CreateTableCommand({
    TableName: name,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [...attrs.values()],
    KeySchema: [
      { AttributeName: def.partitionKey, KeyType: 'HASH' },
      ...(def.sortKey ? [{ AttributeName: def.sortKey, KeyType: 'RANGE' as const }] : []),
    ],
    GlobalSecondaryIndexes: def.indexes.length ? def.indexes.map((i) => ({
      IndexName: i.name,
      KeySchema: [{ AttributeName: i.pk, KeyType: 'HASH' as const }, { AttributeName: i.sk, KeyType: 'RANGE' as const }],
      Projection: { ProjectionType: 'ALL' as const },
    })) : undefined,
  })).then(() => true, (error: unknown) => {
    // A table kept on disk from an earlier run (stratus start --live --state-dir) is reused as it is.
    if ((error as { name?: string }).name === 'ResourceInUseException') return false;
    throw error;
  });
  if (!created) return name;
  if (def.ttlAttribute) {
    await ddb.send(new UpdateTimeToLiveCommand({ TableName: name, TimeToLiveSpecification: { AttributeName: def.ttlAttribute, Enabled: true } }))
      .catch(() => undefined); // dynalite does not implement TTL; AWS does. Expiry is not needed locally.
  }
  return name;
}

async function createQueuePair(sqs: SQSClient, def: QueueDefinition, prefix: string, endpointOf: string) {
  const fifo = { FifoQueue: 'true', ContentBasedDeduplication: 'false' };
  const dlq = await sqs.send(new CreateQueueCommand({ QueueName: `${prefix}-${def.dlqName}`, Attributes: { ...fifo, MessageRetentionPeriod: String(14 * 86400) } }));
  const dlqArn = await queueArn(sqs, dlq.QueueUrl!);
  const q = await sqs.send(new CreateQueueCommand({
    QueueName: `${prefix}-${def.name}`,
    Attributes: {
      ...fifo,
      VisibilityTimeout: String(def.localVisibilityTimeoutSeconds),
      MessageRetentionPeriod: String(def.retentionDays * 86400),
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: def.maxReceiveCount }),
    },
  }));
  return { url: onEndpoint(q.QueueUrl!, endpointOf), dlqUrl: onEndpoint(dlq.QueueUrl!, endpointOf), arn: await queueArn(sqs, q.QueueUrl!) };
}

/**
 * fauxqs names queues http://sqs.<region>.localhost:PORT/...; the SDK (configured from
 * AWS_ENDPOINT_URL_SQS) sends to a queue URL's own host, which need not resolve. Queue URLs are
 * therefore given on the emulator's own origin, which fauxqs accepts (it routes by path).
 */
function onEndpoint(url: string, endpoint: string): string {
  return `${endpoint}${new URL(url).pathname}`;
}

async function queueArn(sqs: SQSClient, url: string): Promise<string> {
  const r = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }));
  return r.Attributes!.QueueArn!;
}
