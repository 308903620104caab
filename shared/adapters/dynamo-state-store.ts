/**
 * StateStore on the state table. The kill switch and the ledger are single
 * versioned items written with conditional puts (optimistic concurrency, no
 * transactions); decisions, orders and fills are create-once records listed
 * through the byType index. Item shapes: codec.ts.
 */
import { GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Decision } from '../domain/decision.js';
import { StateUnreadableError } from '../domain/errors.js';
import type { ExchangeHealth } from '../domain/exchange-health.js';
import type { KillSwitchState } from '../domain/kill-switch.js';
import type { Ledger } from '../domain/ledger.js';
import type { Fill, OrderRecord, OrderStatus } from '../domain/order.js';
import type { StateStore, Versioned } from '../ports.js';
import { STATE_BY_TYPE_INDEX } from '../resources.js';
import { dynamoDocumentClient } from './aws-clients.js';
import {
  RECORD_TYPE, decisionFromItem, decisionToItem, exchangeHealthFromItem, exchangeHealthToDoc, fillFromItem, fillToItem, keys,
  killSwitchFromItem, killSwitchToDoc,
  ledgerFromItem, ledgerToDoc, orderFromItem, orderToItem, pad13, versionedItem, type Item,
} from './codec.js';
import { conditionalWrite, translateAwsErrors } from './errors.js';

type Key = { readonly pk: string; readonly sk: string };

const CREATE_ONLY = { ConditionExpression: 'attribute_not_exists(pk)' } as const;

/** Condition for a write expecting `expectedVersion` (0 = the item must not exist yet). */
function expecting(expectedVersion: number) {
  return expectedVersion === 0
    ? CREATE_ONLY
    : {
      ConditionExpression: '#version = :expected',
      ExpressionAttributeNames: { '#version': 'version' },
      ExpressionAttributeValues: { ':expected': expectedVersion },
    };
}

/** StateStore on DynamoDB (or dynalite). Gets are strongly consistent; list* read the (eventually consistent) index. */
export class DynamoStateStore implements StateStore {
  readonly #client: DynamoDBDocumentClient;
  readonly #table: string;

  constructor(props: { readonly tableName: string; readonly client?: DynamoDBDocumentClient }) {
    this.#client = props.client ?? dynamoDocumentClient();
    this.#table = props.tableName;
  }

  async getKillSwitch(): Promise<Versioned<KillSwitchState> | undefined> {
    const item = await this.#get(keys.killSwitch, 'getKillSwitch');
    return item && killSwitchFromItem(item);
  }

  async putKillSwitch(next: KillSwitchState, expectedVersion: number): Promise<boolean> {
    const item = versionedItem(keys.killSwitch, killSwitchToDoc(next), expectedVersion + 1);
    return this.#put('putKillSwitch', item, expecting(expectedVersion));
  }

  async getExchangeHealth(): Promise<Versioned<ExchangeHealth> | undefined> {
    const item = await this.#get(keys.exchangeHealth, 'getExchangeHealth');
    return item && exchangeHealthFromItem(item);
  }

  async putExchangeHealth(next: ExchangeHealth, expectedVersion: number): Promise<boolean> {
    const item = versionedItem(keys.exchangeHealth, exchangeHealthToDoc(next), expectedVersion + 1);
    return this.#put('putExchangeHealth', item, expecting(expectedVersion));
  }

  async getLedger(): Promise<Versioned<Ledger> | undefined> {
    const item = await this.#get(keys.ledger, 'getLedger');
    return item && ledgerFromItem(item);
  }

  async putLedger(next: Ledger, expectedVersion: number): Promise<boolean> {
    return this.#put('putLedger', versionedItem(keys.ledger, ledgerToDoc(next), expectedVersion + 1), expecting(expectedVersion));
  }

  async getDecision(intentId: string): Promise<Decision | undefined> {
    const item = await this.#get(keys.decision(intentId), 'getDecision');
    return item && decisionFromItem(item);
  }

  async putDecision(decision: Decision): Promise<Decision> {
    const item = decisionToItem(decision);
    if (await this.#put('putDecision', item, CREATE_ONLY)) return decisionFromItem(item);
    return (await this.getDecision(decision.intentId)) ?? vanished(`decision ${decision.intentId}`);
  }

  async listDecisions(filter: { symbol?: string; since?: number } = {}): Promise<Decision[]> {
    const items = await this.#listByType(RECORD_TYPE.decision, filter.since, filter.symbol === undefined ? {} : {
      FilterExpression: '#symbol = :symbol', ExpressionAttributeNames: { '#symbol': 'symbol' },
      ExpressionAttributeValues: { ':symbol': filter.symbol },
    });
    return items.map(decisionFromItem);
  }

  async getOrder(orderId: string): Promise<Versioned<OrderRecord> | undefined> {
    const item = await this.#get(keys.order(orderId), 'getOrder');
    return item && orderFromItem(item);
  }

  async createOrder(order: OrderRecord): Promise<Versioned<OrderRecord>> {
    const item = orderToItem(order, 1);
    if (await this.#put('createOrder', item, CREATE_ONLY)) return orderFromItem(item);
    return (await this.getOrder(order.orderId)) ?? vanished(`order ${order.orderId}`);
  }

  async updateOrder(next: OrderRecord, expectedVersion: number): Promise<boolean> {
    if (expectedVersion < 1) return false;
    return this.#put('updateOrder', orderToItem(next, expectedVersion + 1), expecting(expectedVersion));
  }

  async listOrders(filter: { statuses?: readonly OrderStatus[]; since?: number } = {}): Promise<OrderRecord[]> {
    const statuses = filter.statuses;
    if (statuses?.length === 0) return [];
    const items = await this.#listByType(RECORD_TYPE.order, filter.since, statuses === undefined ? {} : {
      FilterExpression: `#status IN (${statuses.map((_, i) => `:s${i}`).join(', ')})`,
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: Object.fromEntries(statuses.map((s, i) => [`:s${i}`, s])),
    });
    return items.map((item) => orderFromItem(item).value);
  }

  async putFill(fill: Fill): Promise<boolean> {
    return this.#put('putFill', fillToItem(fill), CREATE_ONLY);
  }

  async listFills(filter: { since?: number } = {}): Promise<Fill[]> {
    return (await this.#listByType(RECORD_TYPE.fill, filter.since, {})).map(fillFromItem);
  }

  async #get(key: Key, operation: string): Promise<Item | undefined> {
    const out = await translateAwsErrors(operation, () =>
      this.#client.send(new GetCommand({ TableName: this.#table, Key: key, ConsistentRead: true })));
    return out.Item;
  }

  async #put(operation: string, item: Item, condition: {
    ConditionExpression: string; ExpressionAttributeNames?: Record<string, string>; ExpressionAttributeValues?: Record<string, unknown>;
  }): Promise<boolean> {
    return conditionalWrite(operation, () => this.#client.send(new PutCommand({ TableName: this.#table, Item: item, ...condition })));
  }

  /** Every record of one type with sort time >= since, oldest first, across all pages. */
  async #listByType(type: string, since: number | undefined, filter: {
    FilterExpression?: string; ExpressionAttributeNames?: Record<string, string>; ExpressionAttributeValues?: Record<string, unknown>;
  }): Promise<Item[]> {
    const { pk, sk } = STATE_BY_TYPE_INDEX;
    const from = since === undefined ? undefined : pad13(Math.min(Math.max(Math.ceil(since), 0), 1e13 - 1));
    const items: Item[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const out = await translateAwsErrors(`list ${type}`, () => this.#client.send(new QueryCommand({
        TableName: this.#table,
        IndexName: STATE_BY_TYPE_INDEX.name,
        KeyConditionExpression: from === undefined ? '#gpk = :type' : '#gpk = :type AND #gsk >= :from',
        FilterExpression: filter.FilterExpression,
        ExpressionAttributeNames: { '#gpk': pk, ...(from === undefined ? {} : { '#gsk': sk }), ...filter.ExpressionAttributeNames },
        ExpressionAttributeValues: { ':type': type, ...(from === undefined ? {} : { ':from': from }), ...filter.ExpressionAttributeValues },
        ExclusiveStartKey: startKey,
      })));
      items.push(...(out.Items ?? []));
      startKey = out.LastEvaluatedKey;
    } while (startKey);
    return items;
  }
}

/** A conditional create failed because the item existed, yet it cannot be read: treat as unreadable state. */
function vanished(what: string): never {
  throw new StateUnreadableError(`${what} exists but could not be read back`);
}
