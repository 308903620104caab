/**
 * The windowed rate limiter's semantics, run against the DynamoDB limiter (dynalite) and its memory
 * twin so the two cannot drift: budget per window, waiting for the next window, the cap, the rollover rule.
 */
import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoDocumentClient } from '../../../shared/adapters/aws-clients.js';
import { DynamoRateLimiter, RATE_LIMIT_TYPE, rateWindowPk } from '../../../shared/adapters/dynamo-rate-limiter.js';
import {
  MemoryRateLimiter, MemoryRateWindows, RateBudgetExhaustedError, RateWeightAboveBudgetError, type WindowedRateLimiterOptions,
} from '../../../shared/adapters/memory-rate-limiter.js';
import { StratusError } from '../../../shared/domain/errors.js';
import { startEmulators, type Emulators } from '../../../shared/local/emulators.js';
import { provision } from '../../../shared/local/provision.js';
import type { Clock, RateLimiter } from '../../../shared/ports.js';

const W = 60_000;
/** A window start (epoch ms, minute-aligned). */
const T0 = 1_717_171_200_000;

/** A clock moved by the limiter's own sleeps; `script` may override what now() returns call by call. */
class ScriptedClock implements Clock {
  readonly sleeps: number[] = [];
  constructor(public t: number, private readonly script: number[] = []) {}
  now(): number {
    return this.script.shift() ?? this.t;
  }
  readonly sleep = async (ms: number): Promise<void> => {
    this.sleeps.push(ms);
    this.t += ms;
  };
}

interface Subject {
  /** A limiter on the shared store (each call: a new instance, as a new Lambda container would build). */
  limiter(options: Omit<WindowedRateLimiterOptions, 'key'> & { key?: string }): RateLimiter;
  /** Weight stored for `key`'s window starting at `windowStart`. */
  used(key: string, windowStart: number): Promise<number>;
}

let e: Emulators;
let client: DynamoDBDocumentClient;
let tableName: string;
let suite = 0;

beforeAll(async () => {
  e = await startEmulators();
  client = dynamoDocumentClient({ endpoint: e.dynamoEndpoint, region: e.region, credentials: e.credentials });
  tableName = (await provision(e, 'ratecontract')).tables.state;
});
afterAll(async () => {
  client?.destroy();
  await e?.stop();
});

function describeLimiterContract(name: string, build: () => Subject) {
  describe(`${name} contract`, () => {
    const key = () => `venue${++suite}`;
    const options = (clock: ScriptedClock, over: Partial<WindowedRateLimiterOptions> = {}) => ({
      budget: 10, clock, sleep: clock.sleep, random: () => 0, maxWaitMs: 120_000, ...over,
    });

    it('grants weight up to the budget within a window and records it', async () => {
      const s = build();
      const k = key();
      const clock = new ScriptedClock(T0 + 1_000);
      const limiter = s.limiter({ key: k, ...options(clock) });
      await limiter.acquire(6);
      await limiter.acquire(4);
      expect(clock.sleeps).toEqual([]);
      expect(await s.used(k, T0)).toBe(10);
    });

    it('shares one budget between instances: the second waits for the next window start', async () => {
      const s = build();
      const k = key();
      const clock = new ScriptedClock(T0 + 15_000);
      await s.limiter({ key: k, ...options(clock) }).acquire(8);
      await s.limiter({ key: k, ...options(clock) }).acquire(5);
      expect(clock.sleeps).toEqual([45_000]);
      expect(await s.used(k, T0)).toBe(8);
      expect(await s.used(k, T0 + W)).toBe(5);
    });

    it('adds the jitter to the wait so waiters do not all retry at the window start', async () => {
      const s = build();
      const k = key();
      const clock = new ScriptedClock(T0 + 50_000);
      await s.limiter({ key: k, ...options(clock) }).acquire(10);
      await s.limiter({ key: k, ...options(clock, { random: () => 0.5, jitterMs: 800 }) }).acquire(1);
      expect(clock.sleeps).toEqual([10_000 + 400]);
    });

    it('keeps budgets of different exchanges apart', async () => {
      const s = build();
      const clock = new ScriptedClock(T0);
      const [a, b] = [key(), key()];
      await s.limiter({ key: a, ...options(clock) }).acquire(10);
      await s.limiter({ key: b, ...options(clock) }).acquire(10);
      expect(clock.sleeps).toEqual([]);
    });

    it('gives up with a retryable RATE_BUDGET_EXHAUSTED when the wait would pass maxWaitMs, without sleeping', async () => {
      const s = build();
      const k = key();
      const clock = new ScriptedClock(T0 + 10_000);
      await s.limiter({ key: k, ...options(clock) }).acquire(10);
      const err = await s.limiter({ key: k, ...options(clock, { maxWaitMs: 30_000 }) }).acquire(1).catch((x: unknown) => x);
      expect(err).toBeInstanceOf(RateBudgetExhaustedError);
      expect(err).toMatchObject({ code: 'RATE_BUDGET_EXHAUSTED', retryable: true });
      expect(clock.sleeps).toEqual([]);
    });

    it('refuses a weight above the whole budget with a permanent error', async () => {
      const s = build();
      const clock = new ScriptedClock(T0);
      const err = await s.limiter({ key: key(), ...options(clock) }).acquire(11).catch((x: unknown) => x);
      expect(err).toBeInstanceOf(RateWeightAboveBudgetError);
      expect((err as StratusError).retryable).toBe(false);
    });

    it('charges the new window as well when the window rolled over while the charge was being written', async () => {
      const s = build();
      const k = key();
      // now() calls: start, window of the first charge, then (after the write) already the next window.
      const clock = new ScriptedClock(T0 + W + 5, [T0 + W - 5, T0 + W - 5]);
      await s.limiter({ key: k, ...options(clock) }).acquire(3);
      expect(await s.used(k, T0)).toBe(3);
      expect(await s.used(k, T0 + W)).toBe(3);
    });

    it('rejects a budget that is not a positive integer', () => {
      const clock = new ScriptedClock(T0);
      expect(() => build().limiter({ key: key(), ...options(clock, { budget: 0 }) })).toThrow(/positive integer/);
    });
  });
}

describeLimiterContract('MemoryRateLimiter', () => {
  const windows = new MemoryRateWindows();
  return {
    limiter: ({ key = 'k', ...o }) => new MemoryRateLimiter({ key, ...o, windows }),
    used: async (key, windowStart) => windows.used(key, windowStart),
  };
});

describeLimiterContract('DynamoRateLimiter', () => ({
  limiter: ({ key = 'k', ...o }) => new DynamoRateLimiter({
    key, ...o, tableName, client: dynamoDocumentClient({ endpoint: e.dynamoEndpoint, region: e.region, credentials: e.credentials }),
  }),
  used: async (key, windowStart) => {
    const out = await client.send(new GetCommand({ TableName: tableName, Key: { pk: rateWindowPk(key, windowStart), sk: RATE_LIMIT_TYPE }, ConsistentRead: true }));
    return Number(out.Item?.used ?? 0);
  },
}));

describe('DynamoRateLimiter item', () => {
  it('keeps each window in its own item with a TTL an hour after the window ends', async () => {
    const clock = new ScriptedClock(T0 + 1_000);
    await new DynamoRateLimiter({ key: 'ttl', budget: 100, clock, tableName, client }).acquire(7);
    const out = await client.send(new GetCommand({ TableName: tableName, Key: { pk: rateWindowPk('ttl', T0), sk: RATE_LIMIT_TYPE } }));
    expect(out.Item).toEqual({ pk: `RATE_LIMIT#ttl#${T0}`, sk: 'RATE_LIMIT', used: 7, expiresAt: (T0 + W + 3_600_000) / 1000 });
  });
});
