/**
 * StateStore in memory, for service unit tests and the backtester. It holds the
 * same items as DynamoStateStore (codec.ts) and applies the same conditions, so a
 * conflict, a duplicate or a corrupt item behaves exactly as it does on DynamoDB.
 */
import type { Decision } from '../domain/decision.js';
import type { ExchangeHealth } from '../domain/exchange-health.js';
import type { KillSwitchState } from '../domain/kill-switch.js';
import type { Ledger } from '../domain/ledger.js';
import type { Fill, OrderRecord, OrderStatus } from '../domain/order.js';
import type { StateStore, Versioned } from '../ports.js';
import {
  RECORD_TYPE, decisionFromItem, decisionToItem, exchangeHealthFromItem, exchangeHealthToDoc, fillFromItem, fillToItem, keys,
  killSwitchFromItem, killSwitchToDoc,
  ledgerFromItem, ledgerToDoc, orderFromItem, orderToItem, pad13, versionedItem, type Item,
} from './codec.js';

type Key = { readonly pk: string; readonly sk: string };
/** The write condition: the item must not exist (0) or must be at this version. */
type Expect = { readonly version: number };
const CREATE_ONLY: Expect = { version: 0 };

/** StateStore in memory. Every read and write copies, so callers never share an object with the store. */
export class MemoryStateStore implements StateStore {
  readonly #items = new Map<string, Item>();

  /** Test hook: stores a raw item exactly as given (e.g. a corrupt one), as an operator or a bug might. */
  plantItem(item: Item): void {
    this.#items.set(this.#id(item as Key), structuredClone(item));
  }

  /** Test hook: a copy of the raw item under pk/sk, as DynamoDB would hold it. */
  rawItem(pk: string, sk: string): Item | undefined {
    const item = this.#items.get(this.#id({ pk, sk }));
    return item && structuredClone(item);
  }

  async getKillSwitch(): Promise<Versioned<KillSwitchState> | undefined> {
    const item = this.rawItem(keys.killSwitch.pk, keys.killSwitch.sk);
    return item && killSwitchFromItem(item);
  }

  async putKillSwitch(next: KillSwitchState, expectedVersion: number): Promise<boolean> {
    return this.#put(versionedItem(keys.killSwitch, killSwitchToDoc(next), expectedVersion + 1), { version: expectedVersion });
  }

  async getExchangeHealth(): Promise<Versioned<ExchangeHealth> | undefined> {
    const item = this.rawItem(keys.exchangeHealth.pk, keys.exchangeHealth.sk);
    return item && exchangeHealthFromItem(item);
  }

  async putExchangeHealth(next: ExchangeHealth, expectedVersion: number): Promise<boolean> {
    return this.#put(versionedItem(keys.exchangeHealth, exchangeHealthToDoc(next), expectedVersion + 1), { version: expectedVersion });
  }

  async getLedger(): Promise<Versioned<Ledger> | undefined> {
    const item = this.rawItem(keys.ledger.pk, keys.ledger.sk);
    return item && ledgerFromItem(item);
  }

  async putLedger(next: Ledger, expectedVersion: number): Promise<boolean> {
    return this.#put(versionedItem(keys.ledger, ledgerToDoc(next), expectedVersion + 1), { version: expectedVersion });
  }

  async getDecision(intentId: string): Promise<Decision | undefined> {
    const { pk, sk } = keys.decision(intentId);
    const item = this.rawItem(pk, sk);
    return item && decisionFromItem(item);
  }

  async putDecision(decision: Decision): Promise<Decision> {
    const item = decisionToItem(decision);
    if (this.#put(item, CREATE_ONLY)) return decisionFromItem(item);
    return (await this.getDecision(decision.intentId))!;
  }

  async listDecisions(filter: { symbol?: string; since?: number } = {}): Promise<Decision[]> {
    return this.#listByType(RECORD_TYPE.decision, filter.since)
      .filter((item) => filter.symbol === undefined || item['symbol'] === filter.symbol)
      .map(decisionFromItem);
  }

  async getOrder(orderId: string): Promise<Versioned<OrderRecord> | undefined> {
    const { pk, sk } = keys.order(orderId);
    const item = this.rawItem(pk, sk);
    return item && orderFromItem(item);
  }

  async createOrder(order: OrderRecord): Promise<Versioned<OrderRecord>> {
    const item = orderToItem(order, 1);
    if (this.#put(item, CREATE_ONLY)) return orderFromItem(item);
    return (await this.getOrder(order.orderId))!;
  }

  async updateOrder(next: OrderRecord, expectedVersion: number): Promise<boolean> {
    if (expectedVersion < 1) return false;
    return this.#put(orderToItem(next, expectedVersion + 1), { version: expectedVersion });
  }

  async listOrders(filter: { statuses?: readonly OrderStatus[]; since?: number } = {}): Promise<OrderRecord[]> {
    const statuses = filter.statuses;
    return this.#listByType(RECORD_TYPE.order, filter.since)
      .filter((item) => statuses === undefined || statuses.includes(item['status'] as OrderStatus))
      .map((item) => orderFromItem(item).value);
  }

  async putFill(fill: Fill): Promise<boolean> {
    return this.#put(fillToItem(fill), CREATE_ONLY);
  }

  async listFills(filter: { since?: number } = {}): Promise<Fill[]> {
    return this.#listByType(RECORD_TYPE.fill, filter.since).map(fillFromItem);
  }

  #id(key: Key): string {
    return `${key.pk}\u0000${key.sk}`;
  }

  /** Conditional put, evaluated on the raw stored item like a DynamoDB ConditionExpression. */
  #put(item: Item, expect: Expect): boolean {
    const id = this.#id(item as Key);
    const existing = this.#items.get(id);
    const holds = expect.version === 0 ? existing === undefined : existing !== undefined && existing['version'] === expect.version;
    if (holds) this.#items.set(id, structuredClone(item));
    return holds;
  }

  /** Copies of every item of one type with sort key >= since, in index order (oldest first). */
  #listByType(type: string, since: number | undefined): Item[] {
    const from = since === undefined ? '' : pad13(Math.min(Math.max(Math.ceil(since), 0), 1e13 - 1));
    return [...this.#items.values()]
      .filter((item) => item['gsi1pk'] === type && typeof item['gsi1sk'] === 'string' && item['gsi1sk'] >= from)
      .sort((a, b) => ((a['gsi1sk'] as string) < (b['gsi1sk'] as string) ? -1 : 1))
      .map((item) => structuredClone(item));
  }
}
