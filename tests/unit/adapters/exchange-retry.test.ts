import { describe, expect, it } from 'vitest';
import { EXCHANGE_ERROR, ExchangeApiError } from '../../../shared/adapters/ccxt-errors.js';
import {
  DEFAULT_RETRY_BUDGET_MS, backoffDelayMs, retryDelayMs, withRetry, type RetryOptions, type RetryPolicy,
} from '../../../shared/adapters/exchange-retry.js';
import { StratusError } from '../../../shared/domain/errors.js';

const POLICY: RetryPolicy = { maxRetries: 3, retryBaseDelayMs: 100, retryMaxDelayMs: 1_000 };

/** A sleep that returns at once and remembers what it was asked to wait. */
function recorder() {
  const sleeps: number[] = [];
  return { sleeps, sleep: async (ms: number) => { sleeps.push(ms); } };
}

/** A call that fails with each of `errors` in turn, then returns 'ok'. */
function failing(...errors: unknown[]) {
  let calls = 0;
  const fn = async () => {
    const e = errors[calls++];
    if (e !== undefined) throw e;
    return 'ok';
  };
  return { fn, calls: () => calls };
}

const unavailable = () => new ExchangeApiError(EXCHANGE_ERROR.unavailable, '503', true);
const limited = (retryAfterMs?: number) =>
  new ExchangeApiError(EXCHANGE_ERROR.rateLimited, '429', true, retryAfterMs === undefined ? {} : { retryAfterMs });

describe('backoffDelayMs', () => {
  it.each([
    { retry: 0, random: 0.5, want: 50 },
    { retry: 1, random: 0.5, want: 100 },
    { retry: 2, random: 0.5, want: 200 },
    { retry: 3, random: 0.5, want: 400 },
    { retry: 4, random: 0.5, want: 500 }, // 100 × 16 = 1600, capped at 1000
    { retry: 10, random: 0.999, want: 999 },
    { retry: 2, random: 0, want: 0 },
  ])('draws full jitter below min(max, base × 2^retry): retry $retry, random $random → $want ms', ({ retry, random, want }) => {
    expect(backoffDelayMs(retry, POLICY, () => random)).toBe(want);
  });
});

describe('retryDelayMs', () => {
  it('never waits less than the Retry-After the exchange gave', () => {
    expect(retryDelayMs(limited(3_000), 0, POLICY, () => 0.99)).toBe(3_000);
  });

  it('keeps the jittered backoff when it is longer than Retry-After', () => {
    expect(retryDelayMs(limited(10), 3, POLICY, () => 0.5)).toBe(400);
  });
});

describe('withRetry', () => {
  const options = (over: Partial<RetryOptions> = {}) => {
    const r = recorder();
    return { r, opts: { policy: POLICY, sleep: r.sleep, random: () => 0.5, ...over } satisfies RetryOptions };
  };

  it('retries a retryable failure with growing jittered delays until the call succeeds', async () => {
    const { r, opts } = options();
    const call = failing(unavailable(), unavailable(), unavailable());
    await expect(withRetry(call.fn, opts)).resolves.toBe('ok');
    expect(call.calls()).toBe(4);
    expect(r.sleeps).toEqual([50, 100, 200]);
  });

  it('gives up after maxRetries retries and rethrows the last retryable error unchanged', async () => {
    const { r, opts } = options();
    const last = unavailable();
    const call = failing(unavailable(), unavailable(), unavailable(), last);
    await expect(withRetry(call.fn, opts)).rejects.toBe(last);
    expect(call.calls()).toBe(4);
    expect(r.sleeps).toHaveLength(3);
  });

  it('does not retry at all when maxRetries is 0', async () => {
    const { opts } = options({ policy: { ...POLICY, maxRetries: 0 } });
    const call = failing(unavailable());
    await expect(withRetry(call.fn, opts)).rejects.toMatchObject({ code: EXCHANGE_ERROR.unavailable });
    expect(call.calls()).toBe(1);
  });

  it('rethrows a permanent error at once', async () => {
    const { r, opts } = options();
    const call = failing(new ExchangeApiError(EXCHANGE_ERROR.insufficientFunds, '-2010', false));
    await expect(withRetry(call.fn, opts)).rejects.toMatchObject({ code: EXCHANGE_ERROR.insufficientFunds });
    expect(call.calls()).toBe(1);
    expect(r.sleeps).toEqual([]);
  });

  it('rethrows an error that is not a StratusError at once', async () => {
    const { opts } = options();
    const boom = new TypeError('bug');
    const call = failing(boom);
    await expect(withRetry(call.fn, opts)).rejects.toBe(boom);
    expect(call.calls()).toBe(1);
  });

  it('retries only what canRetry accepts', async () => {
    const { opts } = options({ canRetry: (e) => e.code === EXCHANGE_ERROR.rateLimited });
    const ambiguous = new ExchangeApiError(EXCHANGE_ERROR.timeout, 'timed out', true);
    const call = failing(limited(), ambiguous);
    await expect(withRetry(call.fn, opts)).rejects.toBe(ambiguous);
    expect(call.calls()).toBe(2);
  });

  it('waits out Retry-After before retrying a 429', async () => {
    const { r, opts } = options();
    const call = failing(limited(2_000));
    await expect(withRetry(call.fn, opts)).resolves.toBe('ok');
    expect(r.sleeps).toEqual([2_000]);
  });

  it('gives up at once, still retryable, when Retry-After exceeds the remaining budget (the queue redelivers later)', async () => {
    const { r, opts } = options({ budgetMs: 5_000 });
    const banned = new ExchangeApiError(EXCHANGE_ERROR.ipBanned, '418', true, { retryAfterMs: 120_000 });
    const call = failing(banned);
    const err = await withRetry(call.fn, opts).catch((e: unknown) => e);
    expect(err).toBe(banned);
    expect((err as StratusError).retryable).toBe(true);
    expect(call.calls()).toBe(1);
    expect(r.sleeps).toEqual([]);
  });

  it('counts every wait against the budget', async () => {
    const { r, opts } = options({ budgetMs: 2_500 });
    const call = failing(limited(1_000), limited(1_000), limited(1_000));
    await expect(withRetry(call.fn, opts)).rejects.toMatchObject({ code: EXCHANGE_ERROR.rateLimited });
    expect(r.sleeps).toEqual([1_000, 1_000]);
    expect(call.calls()).toBe(3);
  });

  it('reports each retry before sleeping', async () => {
    const seen: { code: string; retry: number; delayMs: number }[] = [];
    const { opts } = options({ onRetry: ({ error, retry, delayMs }) => seen.push({ code: error.code, retry, delayMs }) });
    await withRetry(failing(unavailable(), limited(700)).fn, opts);
    expect(seen).toEqual([
      { code: EXCHANGE_ERROR.unavailable, retry: 0, delayMs: 50 },
      { code: EXCHANGE_ERROR.rateLimited, retry: 1, delayMs: 700 },
    ]);
  });

  it('draws its jitter from the injected random source', async () => {
    const draws = [0.1, 0.9];
    const { r, opts } = options({ random: () => draws.shift() ?? 0 });
    await withRetry(failing(unavailable(), unavailable()).fn, opts);
    expect(r.sleeps).toEqual([10, 180]);
  });

  it('has a default budget well inside the execution function timeout', () => {
    expect(DEFAULT_RETRY_BUDGET_MS).toBeLessThan(60_000 / 2);
  });
});
