/**
 * Retries of retryable exchange failures inside one invocation: exponential backoff with full jitter,
 * capped, never sooner than the exchange's Retry-After, and within a time budget. What cannot be retried
 * within the budget is rethrown as it is (still retryable), so the queue redelivers the message later.
 */
import { StratusError } from '../domain/errors.js';

/** The retry fields of the policy's `exchange` section (pass policy.exchange as it is). */
export interface RetryPolicy {
  /** Retries after the first attempt (0 = no retry). */
  readonly maxRetries: number;
  readonly retryBaseDelayMs: number;
  readonly retryMaxDelayMs: number;
}

/** The schema's defaults, for callers built without a policy. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxRetries: 3, retryBaseDelayMs: 250, retryMaxDelayMs: 5_000 };

/** Total time one call may spend sleeping between attempts, ms: well inside the execution function's 60 s. */
export const DEFAULT_RETRY_BUDGET_MS = 10_000;

/** How withRetry waits and draws jitter; tests inject both so a run is instant and deterministic. */
export interface RetryOptions {
  readonly policy: RetryPolicy;
  /** Waits ms (default: a timer). */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Uniform in [0, 1) (default Math.random). */
  readonly random?: () => number;
  /** Most total sleep for this call, ms (default DEFAULT_RETRY_BUDGET_MS). */
  readonly budgetMs?: number;
  /** Narrows which retryable errors may be retried here (e.g. only those the exchange refused before acting). */
  readonly canRetry?: (error: StratusError) => boolean;
  /** Called before each sleep with the failure and the delay chosen. */
  readonly onRetry?: (event: { readonly error: StratusError; readonly retry: number; readonly delayMs: number }) => void;
}

/** Errors carrying the exchange's own minimum wait (Retry-After, or a default for an IP ban), ms. */
export interface HasRetryAfter {
  readonly retryAfterMs?: number;
}

/** Full-jitter backoff for retry number `retry` (0-based): uniform in [0, min(max, base × 2^retry)), whole ms. */
export function backoffDelayMs(retry: number, policy: RetryPolicy, random: () => number): number {
  const ceiling = Math.min(policy.retryMaxDelayMs, policy.retryBaseDelayMs * 2 ** retry);
  return Math.floor(random() * ceiling);
}

/** The wait before retry `retry`: the jittered backoff, but never less than the error's Retry-After. */
export function retryDelayMs(error: StratusError & HasRetryAfter, retry: number, policy: RetryPolicy, random: () => number): number {
  return Math.max(backoffDelayMs(retry, policy, random), error.retryAfterMs ?? 0);
}

const timer = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs `call`, retrying a retryable StratusError (that `canRetry` accepts) up to policy.maxRetries times.
 * Gives up, rethrowing the last error unchanged, when the retries are spent or when the next wait would
 * overrun the budget (an IP ban's Retry-After usually does): the error is retryable, so the message is
 * redelivered later instead of hammering the exchange now. Anything else is rethrown at once.
 */
export async function withRetry<T>(call: () => Promise<T>, options: RetryOptions): Promise<T> {
  const { policy, sleep = timer, random = Math.random, budgetMs = DEFAULT_RETRY_BUDGET_MS, canRetry, onRetry } = options;
  let slept = 0;
  for (let retry = 0; ; retry++) {
    try {
      return await call();
    } catch (error) {
      if (!(error instanceof StratusError) || !error.retryable || (canRetry && !canRetry(error))) throw error;
      if (retry >= policy.maxRetries) throw error;
      const delayMs = retryDelayMs(error as StratusError & HasRetryAfter, retry, policy, random);
      if (slept + delayMs > budgetMs) throw error;
      onRetry?.({ error, retry, delayMs });
      slept += delayMs;
      await sleep(delayMs);
    }
  }
}
