/**
 * Paper orders in the state table: pk PAPER_ORDER#{clientOrderId}, sk PAPER_ORDER,
 * listed through the byType index. Creation is conditional, so two concurrent
 * placements of one client order id cannot both succeed.
 */
import { GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient, type PutCommandInput } from '@aws-sdk/lib-dynamodb';
import { StateUnreadableError } from '../domain/errors.js';
import type { Versioned } from '../ports.js';
import { KEY, STATE_BY_TYPE_INDEX } from '../resources.js';
import { dynamoDocumentClient } from './aws-clients.js';
import { conditionalWrite, translateAwsErrors } from './errors.js';
import type { PaperOrder, PaperVenueStore } from './paper-venue-store.js';

/** Sort key and byType partition of paper order items. */
export const PAPER_ORDER_TYPE = 'PAPER_ORDER';

/** Partition key of the paper order with this client order id. */
export function paperOrderPk(clientOrderId: string): string {
  return `${PAPER_ORDER_TYPE}#${clientOrderId}`;
}

type Condition = Pick<PutCommandInput, 'ConditionExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'>;

/** PaperVenueStore on DynamoDB (or dynalite); get() is strongly consistent, list() reads the index. */
export class DynamoPaperVenueStore implements PaperVenueStore {
  readonly #client: DynamoDBDocumentClient;
  readonly #table: string;

  constructor(props: { readonly tableName: string; readonly client?: DynamoDBDocumentClient }) {
    this.#client = props.client ?? dynamoDocumentClient();
    this.#table = props.tableName;
  }

  async create(order: PaperOrder): Promise<boolean> {
    return this.#put('createPaperOrder', order, 1, {
      ConditionExpression: 'attribute_not_exists(#pk)', ExpressionAttributeNames: { '#pk': KEY.pk },
    });
  }

  async get(clientOrderId: string): Promise<Versioned<PaperOrder> | undefined> {
    const out = await translateAwsErrors('getPaperOrder', () => this.#client.send(new GetCommand({
      TableName: this.#table,
      Key: { [KEY.pk]: paperOrderPk(clientOrderId), [KEY.sk]: PAPER_ORDER_TYPE },
      ConsistentRead: true,
    })));
    return out.Item ? parseItem(out.Item) : undefined;
  }

  async update(order: PaperOrder, expectedVersion: number): Promise<boolean> {
    return this.#put('updatePaperOrder', order, expectedVersion + 1, {
      ConditionExpression: '#version = :expected',
      ExpressionAttributeNames: { '#version': 'version' },
      ExpressionAttributeValues: { ':expected': expectedVersion },
    });
  }

  async list(): Promise<PaperOrder[]> {
    const orders: PaperOrder[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await translateAwsErrors('listPaperOrders', () => this.#client.send(new QueryCommand({
        TableName: this.#table,
        IndexName: STATE_BY_TYPE_INDEX.name,
        KeyConditionExpression: '#gpk = :type',
        ExpressionAttributeNames: { '#gpk': STATE_BY_TYPE_INDEX.pk },
        ExpressionAttributeValues: { ':type': PAPER_ORDER_TYPE },
        ExclusiveStartKey: start,
      })));
      for (const item of page.Items ?? []) orders.push(parseItem(item).value);
      start = page.LastEvaluatedKey;
    } while (start);
    return orders;
  }

  async #put(operation: string, order: PaperOrder, version: number, condition: Condition): Promise<boolean> {
    return conditionalWrite(operation, () => this.#client.send(new PutCommand({
      TableName: this.#table,
      Item: {
        [KEY.pk]: paperOrderPk(order.clientOrderId),
        [KEY.sk]: PAPER_ORDER_TYPE,
        [STATE_BY_TYPE_INDEX.pk]: PAPER_ORDER_TYPE,
        [STATE_BY_TYPE_INDEX.sk]: `${String(order.time).padStart(13, '0')}#${order.clientOrderId}`,
        symbol: order.symbol,
        status: order.status,
        version,
        // JSON round trip: drops undefined optionals whatever the client's marshall options.
        order: JSON.parse(JSON.stringify(order)) as Record<string, unknown>,
      },
      ...condition,
    })));
  }
}

function parseItem(item: Record<string, unknown>): Versioned<PaperOrder> {
  const order = item.order as Partial<PaperOrder> | undefined;
  const version = item.version;
  const ok = order && typeof order === 'object' && typeof order.clientOrderId === 'string' && typeof order.symbol === 'string'
    && typeof order.quantity === 'string' && typeof order.time === 'number' && Array.isArray(order.trades) && typeof version === 'number';
  if (!ok) throw new StateUnreadableError(`paper order ${String(item[KEY.pk])}`);
  return { value: order as PaperOrder, version };
}
