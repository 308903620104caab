/**
 * Where the paper exchange keeps its orders, so a paper order placed in one Lambda
 * invocation can be looked up by client id in the next.
 */
import type { ExchangeOrder, Versioned } from '../ports.js';

/** Paper orders keyed by client order id. */
export interface PaperVenueStore {
  /** Conditional create keyed by clientOrderId (version 1); false when that client id was already used. */
  create(order: ExchangeOrder): Promise<boolean>;
  get(clientOrderId: string): Promise<Versioned<ExchangeOrder> | undefined>;
  /** Conditional on expectedVersion; false when someone else wrote first. */
  update(order: ExchangeOrder, expectedVersion: number): Promise<boolean>;
  /** Every paper order, oldest first. */
  list(): Promise<ExchangeOrder[]>;
}

/** In-process PaperVenueStore for the backtest and unit tests; stores copies, never caller objects. */
export class MemoryPaperVenueStore implements PaperVenueStore {
  readonly #orders = new Map<string, Versioned<ExchangeOrder>>();

  async create(order: ExchangeOrder): Promise<boolean> {
    if (this.#orders.has(order.clientOrderId)) return false;
    this.#orders.set(order.clientOrderId, { value: structuredClone(order), version: 1 });
    return true;
  }

  async get(clientOrderId: string): Promise<Versioned<ExchangeOrder> | undefined> {
    const found = this.#orders.get(clientOrderId);
    return found && { value: structuredClone(found.value), version: found.version };
  }

  async update(order: ExchangeOrder, expectedVersion: number): Promise<boolean> {
    const found = this.#orders.get(order.clientOrderId);
    if (!found || found.version !== expectedVersion) return false;
    this.#orders.set(order.clientOrderId, { value: structuredClone(order), version: expectedVersion + 1 });
    return true;
  }

  async list(): Promise<ExchangeOrder[]> {
    return [...this.#orders.values()].map((o) => structuredClone(o.value)).sort((a, b) => a.time - b.time);
  }
}
