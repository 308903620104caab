// Bundle stand-in for mnemonist/lru-cache (7 KB with its helpers): the AWS SDK's EndpointCache (DynamoDB endpoint
// discovery, off by default) uses get, set, has, peek and clear of an LRU of fixed capacity. A Map keeps insertion
// order, so re-inserting on use makes its first key the least recently used.
export default class LRUCache {
  #capacity;
  #items = new Map();

  constructor(capacity) {
    this.#capacity = Math.max(1, Math.floor(capacity) || 1);
  }

  get size() {
    return this.#items.size;
  }

  has(key) {
    return this.#items.has(key);
  }

  peek(key) {
    return this.#items.get(key);
  }

  get(key) {
    if (!this.#items.has(key)) return undefined;
    const value = this.#items.get(key);
    this.#items.delete(key);
    this.#items.set(key, value);
    return value;
  }

  set(key, value) {
    this.#items.delete(key);
    this.#items.set(key, value);
    if (this.#items.size > this.#capacity) this.#items.delete(this.#items.keys().next().value);
    return this;
  }

  clear() {
    this.#items.clear();
  }
}
