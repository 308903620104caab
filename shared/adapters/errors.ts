/**
 * Storage adapter errors. Every AWS SDK error leaving a store is translated here,
 * once, into the two branches the handlers act on: retryable (rethrow: SQS
 * retries, then the DLQ) and permanent (record, alert, do not retry).
 */
import { StratusError } from '../domain/errors.js';

/** The store could not be reached or pushed back (throttling, 5xx, network): retrying later can help. */
export class StoreUnavailableError extends StratusError {
  override readonly name = 'StoreUnavailableError';
  constructor(operation: string, options?: { cause?: unknown }) {
    super('STORE_UNAVAILABLE', `${operation}: store unavailable or throttled (${describe(options?.cause)})`, true, options);
  }
}

/** The store refused the request (missing table, bad request, no permission): a retry will fail the same way. */
export class StoreRequestError extends StratusError {
  override readonly name = 'StoreRequestError';
  constructor(operation: string, options?: { cause?: unknown }) {
    super('STORE_REQUEST_FAILED', `${operation}: request refused (${describe(options?.cause)})`, false, options);
  }
}

/** A record failed validation before it was written: writing it would leave an item nobody can read back. */
export class RecordInvalidError extends StratusError {
  override readonly name = 'RecordInvalidError';
  constructor(what: string, options?: { cause?: unknown }) {
    super('RECORD_INVALID', `refusing to store an invalid ${what} (${describe(options?.cause)})`, false, options);
  }
}

/** Another writer stored a policy version first; re-read the policy and write again. */
export class PolicyWriteConflictError extends StratusError {
  override readonly name = 'PolicyWriteConflictError';
  constructor(readonly expectedVersion: number) {
    super('POLICY_WRITE_CONFLICT', `another writer changed the policy after version ${expectedVersion}; re-read and retry`, true);
  }
}

/** No policy could be loaded for longer than the allowed age: stop trading rather than run on stale policy. */
export class PolicyUnavailableError extends StratusError {
  override readonly name = 'PolicyUnavailableError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('POLICY_UNAVAILABLE', message, true, options);
  }
}

const RETRYABLE_NAMES = new Set([
  'ProvisionedThroughputExceededException', 'ThrottlingException', 'RequestLimitExceeded',
  'InternalServerError', 'ServiceUnavailable', 'ServiceUnavailableException', 'LimitExceededException',
  'TransactionConflictException', 'ReplicatedWriteConflictException', 'TimeoutError', 'RequestTimeout',
  'RequestTimeoutException', 'AbortError',
]);
const RETRYABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND', 'EHOSTUNREACH']);

/** True when an SDK/network error is transient: throttling, a 5xx, a timeout or a dropped connection. */
export function isRetryableAwsError(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { name?: unknown; code?: unknown; $retryable?: unknown; $metadata?: { httpStatusCode?: number } };
  if (typeof e.name === 'string' && RETRYABLE_NAMES.has(e.name)) return true;
  if (typeof e.code === 'string' && RETRYABLE_CODES.has(e.code)) return true;
  if (e.$retryable) return true;
  const status = e.$metadata?.httpStatusCode;
  return status !== undefined && (status >= 500 || status === 429);
}

/** Translates an error thrown by the AWS SDK; Stratus errors pass through unchanged. */
export function mapAwsError(err: unknown, operation: string): StratusError {
  if (err instanceof StratusError) return err;
  return isRetryableAwsError(err)
    ? new StoreUnavailableError(operation, { cause: err })
    : new StoreRequestError(operation, { cause: err });
}

/** Runs one store operation and translates whatever the SDK throws. */
export async function translateAwsErrors<T>(operation: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    throw mapAwsError(err, operation);
  }
}

/** Runs a conditional write: true when applied, false when its condition did not hold; other errors translated. */
export async function conditionalWrite(operation: string, run: () => Promise<unknown>): Promise<boolean> {
  try {
    await run();
    return true;
  } catch (err) {
    if (isConditionalCheckFailed(err)) return false;
    throw mapAwsError(err, operation);
  }
}

/** True for DynamoDB's "your condition did not hold" error (someone else wrote first). */
export function isConditionalCheckFailed(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { name?: unknown }).name === 'ConditionalCheckFailedException';
}

function describe(cause: unknown): string {
  if (cause instanceof Error) return `${cause.name}: ${cause.message}`;
  return cause === undefined ? 'no cause' : String(cause);
}
