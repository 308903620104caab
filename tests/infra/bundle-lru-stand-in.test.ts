/** The mnemonist/lru-cache stand-in (lib/bundle-stubs/lru-cache.mjs) against mnemonist itself, on what EndpointCache calls. */
import fc from 'fast-check';
import LRUCache from 'mnemonist/lru-cache.js';
import { describe, expect, it } from 'vitest';
// @ts-expect-error a plain .mjs stand-in without types
import StandIn from '../../lib/bundle-stubs/lru-cache.mjs';

type Op = { op: 'get' | 'peek' | 'has'; key: number } | { op: 'set'; key: number; value: number } | { op: 'clear' };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constantFrom('get' as const, 'peek' as const, 'has' as const), key: fc.integer({ min: 0, max: 6 }) }),
  fc.record({ op: fc.constant('set' as const), key: fc.integer({ min: 0, max: 6 }), value: fc.integer() }),
  fc.constant({ op: 'clear' as const }),
);

interface Cache { get(k: number): unknown; peek(k: number): unknown; has(k: number): boolean; set(k: number, v: number): unknown; clear(): void }
/** mnemonist is CommonJS (module.exports = LRUCache) behind a default-export declaration. */
const Mnemonist = LRUCache as unknown as new (capacity: number) => Cache;

/** What each operation returned, and the keys held after it. */
function replay(cache: Cache, ops: readonly Op[]) {
  return ops.map((o) => {
    const out = o.op === 'set' ? (cache.set(o.key, o.value), null) : o.op === 'clear' ? (cache.clear(), null) : cache[o.op](o.key);
    return [out, [0, 1, 2, 3, 4, 5, 6].filter((k) => cache.has(k))];
  });
}

describe('the LRU stand-in under the DynamoDB endpoint cache', () => {
  it('evicts the least recently used key past its capacity; get refreshes a key, peek does not', () => {
    const cache = new StandIn(2);
    cache.set('a', 1).set('b', 2);
    expect(cache.peek('a')).toBe(1);
    cache.set('c', 3);
    expect([cache.has('a'), cache.has('b'), cache.has('c')]).toEqual([false, true, true]);
    expect(cache.get('b')).toBe(2);
    cache.set('d', 4);
    expect([cache.has('b'), cache.has('c'), cache.has('d')]).toEqual([true, false, true]);
  });

  it('answers every sequence of get, peek, has, set and clear as mnemonist does', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 4 }), fc.array(op, { maxLength: 60 }), (capacity, ops) => {
      expect(replay(new StandIn(capacity), ops)).toEqual(replay(new Mnemonist(capacity), ops));
    }), { numRuns: 300 });
  });
});
