/**
 * Fixed-window request-weight limiting, the algorithm shared by the DynamoDB limiter (many processes)
 * and its in-memory twin (one process: tests, the embedded runtime). Windows are aligned to the epoch,
 * as the exchange's own minute counters are, so our window and the exchange's are the same minute.
 */
import { StratusError } from '../domain/errors.js';
import type { Clock, RateLimiter } from '../ports.js';

/** One minute: Binance counts REQUEST_WEIGHT per calendar minute. */
export const RATE_WINDOW_MS = 60_000;

/** The shared budget could not be had within maxWaitMs: retryable, the message is redelivered later. */
export class RateBudgetExhaustedError extends StratusError {
  override readonly name = 'RateBudgetExhaustedError';
  constructor(key: string, weight: number, waitedMs: number) {
    super('RATE_BUDGET_EXHAUSTED', `${key}: no room for weight ${weight} after waiting ${waitedMs} ms; retry later`, true);
  }
}

/** A request heavier than a whole window's budget can never be sent: a configuration error. */
export class RateWeightAboveBudgetError extends StratusError {
  override readonly name = 'RateWeightAboveBudgetError';
  constructor(key: string, weight: number, budget: number) {
    super('RATE_WEIGHT_ABOVE_BUDGET', `${key}: weight ${weight} exceeds the whole budget of ${budget} per window`, false);
  }
}

/** Options of a windowed limiter. Only `key`, `budget` and `clock` are required. */
export interface WindowedRateLimiterOptions {
  /** What the budget belongs to: the exchange id (one API key, one egress IP). */
  readonly key: string;
  /** Weight allowed per window (policy exchange.rateLimitWeightPerMinute for one-minute windows); positive integer. */
  readonly budget: number;
  readonly clock: Clock;
  /** @default RATE_WINDOW_MS */
  readonly windowMs?: number;
  /** Waits; tests inject a virtual one. @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Uniform [0, 1) for the wake-up jitter. @default Math.random */
  readonly random?: () => number;
  /** Waiters wake at the next window start plus up to this much, so they do not all retry at once. @default 500 */
  readonly jitterMs?: number;
  /**
   * Longest total wait before acquire gives up with RateBudgetExhaustedError; short enough that a caller retrying
   * it a few times still ends inside a 60 s function timeout. @default 10_000
   */
  readonly maxWaitMs?: number;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * acquire(weight): charge the current window (storage-specific, atomic: used + weight ≤ budget); when it
 * is full, sleep to the next window (plus jitter) and try again, giving up after maxWaitMs. A charge
 * counts only if its window is still current when the write returns (the exchange counts a request in the
 * minute it arrives); otherwise the new window is charged too, so a late request is never uncounted.
 */
export abstract class WindowedRateLimiter implements RateLimiter {
  protected readonly key: string;
  protected readonly budget: number;
  protected readonly windowMs: number;
  readonly #clock: Clock;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #random: () => number;
  readonly #jitterMs: number;
  readonly #maxWaitMs: number;

  protected constructor(options: WindowedRateLimiterOptions) {
    if (!Number.isInteger(options.budget) || options.budget <= 0) {
      throw new StratusError('RATE_BUDGET_INVALID', `${options.key}: rate budget must be a positive integer, got ${options.budget}`, false);
    }
    this.key = options.key;
    this.budget = options.budget;
    this.windowMs = options.windowMs ?? RATE_WINDOW_MS;
    this.#clock = options.clock;
    this.#sleep = options.sleep ?? realSleep;
    this.#random = options.random ?? Math.random;
    this.#jitterMs = options.jitterMs ?? 500;
    this.#maxWaitMs = options.maxWaitMs ?? 10_000;
  }

  /** Adds `weight` to the window starting at `windowStart` unless the total would exceed the budget; true when added. */
  protected abstract charge(windowStart: number, weight: number): Promise<boolean>;

  async acquire(weight: number): Promise<void> {
    if (weight <= 0) return;
    if (weight > this.budget) throw new RateWeightAboveBudgetError(this.key, weight, this.budget);
    const started = this.#clock.now();
    for (;;) {
      const window = this.#windowOf(this.#clock.now());
      if (await this.charge(window, weight)) {
        if (this.#windowOf(this.#clock.now()) === window) return;
        continue;
      }
      const now = this.#clock.now();
      const wait = Math.max(0, window + this.windowMs - now) + Math.floor(this.#random() * this.#jitterMs);
      if (now + wait - started > this.#maxWaitMs) throw new RateBudgetExhaustedError(this.key, weight, now - started);
      await this.#sleep(wait);
    }
  }

  #windowOf(t: number): number {
    return Math.floor(t / this.windowMs) * this.windowMs;
  }
}

/** Window counts shared by the MemoryRateLimiter instances of one process, as the state table is by Lambdas. */
export class MemoryRateWindows {
  readonly #used = new Map<string, number>();

  /** Weight charged so far for `key` in the window starting at `windowStart`. */
  used(key: string, windowStart: number): number {
    return this.#used.get(`${key}#${windowStart}`) ?? 0;
  }

  /** Adds `weight` unless the window's total would exceed `budget`; true when added. Windows of `key` before `keepFrom` are dropped. */
  add(key: string, windowStart: number, weight: number, budget: number, keepFrom = windowStart): boolean {
    const used = this.used(key, windowStart);
    if (used + weight > budget) return false;
    this.#used.set(`${key}#${windowStart}`, used + weight);
    for (const id of this.#used.keys()) {
      const at = id.lastIndexOf('#');
      if (id.slice(0, at) === key && Number(id.slice(at + 1)) < keepFrom) this.#used.delete(id);
    }
    return true;
  }
}

/** The limiter's in-memory twin: instances built on the same `windows` share one budget per key. */
export class MemoryRateLimiter extends WindowedRateLimiter {
  /** The window counts this limiter charges (pass one to several limiters to share a budget). */
  readonly windows: MemoryRateWindows;

  constructor(options: WindowedRateLimiterOptions & { readonly windows?: MemoryRateWindows }) {
    super(options);
    this.windows = options.windows ?? new MemoryRateWindows();
  }

  protected async charge(windowStart: number, weight: number): Promise<boolean> {
    return this.windows.add(this.key, windowStart, weight, this.budget, windowStart - this.windowMs);
  }
}
