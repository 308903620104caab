/**
 * The one place exchange failures are translated into StratusErrors: ccxt's error
 * classes (LIVE) and the paper venue's refusals (PAPER) end up as the same codes.
 */
// ccxt's own errors module, not the package root: the root pulls every exchange
// (~16 MB unbundled) into whatever imports this file, including the paper exchange.
import {
  AuthenticationError, BadSymbol, BaseError, DDoSProtection, DuplicateOrderId, ExchangeError as CcxtExchangeError,
  ExchangeNotAvailable, InsufficientFunds, InvalidNonce, InvalidOrder, NetworkError, OperationFailed, OrderNotFound, PermissionDenied,
  RateLimitExceeded, RequestTimeout,
} from '../../node_modules/ccxt/js/src/base/errors.js';
import type { Exchange as CcxtClient } from 'ccxt';
import { StratusError } from '../domain/errors.js';
import { redact } from './redaction.js';

/** Stable codes of exchange failures, the same for the ccxt and the paper venue. */
export const EXCHANGE_ERROR = {
  rateLimited: 'EXCHANGE_RATE_LIMITED',
  ipBanned: 'EXCHANGE_IP_BANNED',
  throttled: 'EXCHANGE_THROTTLED',
  clockSkew: 'EXCHANGE_CLOCK_SKEW',
  unavailable: 'EXCHANGE_UNAVAILABLE',
  timeout: 'EXCHANGE_TIMEOUT',
  network: 'EXCHANGE_NETWORK_ERROR',
  operationFailed: 'EXCHANGE_OPERATION_FAILED',
  insufficientFunds: 'INSUFFICIENT_FUNDS',
  invalidOrder: 'INVALID_ORDER',
  belowMinimum: 'ORDER_BELOW_MINIMUM',
  badSymbol: 'BAD_SYMBOL',
  authFailed: 'EXCHANGE_AUTH_FAILED',
  permissionDenied: 'EXCHANGE_PERMISSION_DENIED',
  orderNotFound: 'ORDER_NOT_FOUND',
  duplicateOrder: 'DUPLICATE_ORDER',
  rejected: 'EXCHANGE_REJECTED',
  noMarketPrice: 'NO_MARKET_PRICE',
  unexpected: 'EXCHANGE_UNEXPECTED',
} as const;

export type ExchangeErrorCode = (typeof EXCHANGE_ERROR)[keyof typeof EXCHANGE_ERROR];

/** What an ExchangeApiError may carry besides its cause. */
export interface ExchangeApiErrorOptions {
  readonly cause?: unknown;
  /** The exchange's own minimum wait before a retry (Retry-After, or a default for an IP ban), ms. */
  readonly retryAfterMs?: number;
  /** The request may have been executed (timeout, reset, 5xx, lost response): resolve it before sending again. */
  readonly outcomeUnknown?: boolean;
}

/** A venue refused or failed a request; `retryable` says whether the same request may succeed later. */
export class ExchangeApiError extends StratusError {
  override readonly name = 'ExchangeApiError';
  readonly retryAfterMs?: number;
  readonly outcomeUnknown: boolean;
  constructor(override readonly code: ExchangeErrorCode, message: string, retryable: boolean, options: ExchangeApiErrorOptions = {}) {
    super(code, message, retryable, options.cause === undefined ? undefined : { cause: options.cause });
    if (options.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
    this.outcomeUnknown = options.outcomeUnknown ?? false;
  }
}

/** True when err says a request may or may not have been executed (duck-typed, so services need not import adapters). */
export function isOutcomeUnknown(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { outcomeUnknown?: unknown }).outcomeUnknown === true;
}

/**
 * Failures where the exchange refused the request before acting on it (rate limit, IP ban, throttling):
 * re-sending even an order is safe. Every other retryable failure of an order leaves its outcome unknown.
 */
const REFUSED_BEFORE_ACTING: ReadonlySet<string> = new Set([
  EXCHANGE_ERROR.rateLimited, EXCHANGE_ERROR.ipBanned, EXCHANGE_ERROR.throttled, EXCHANGE_ERROR.clockSkew,
]);

/** True when the exchange definitely did not act on the request (see REFUSED_BEFORE_ACTING). */
export function refusedBeforeActing(err: StratusError): boolean {
  return REFUSED_BEFORE_ACTING.has(err.code);
}

/** The same failure, marked outcome-unknown (for an order placement that failed after it may have been sent). */
export function withUnknownOutcome(err: StratusError): ExchangeApiError {
  const code = (Object.values(EXCHANGE_ERROR) as string[]).includes(err.code) ? err.code as ExchangeErrorCode : EXCHANGE_ERROR.unexpected;
  return new ExchangeApiError(code, `${err.message} (the order may have reached the exchange)`, true, {
    cause: err.cause ?? err, outcomeUnknown: true, ...retryAfterOf(err),
  });
}

/** True when err is an ExchangeApiError with this code. */
export function isExchangeError(err: unknown, code: ExchangeErrorCode): err is ExchangeApiError {
  return err instanceof ExchangeApiError && err.code === code;
}

type CcxtErrorClass = abstract new (message: string) => BaseError;

/** Most specific class first: the first instanceof match wins. */
const MAPPINGS: readonly (readonly [CcxtErrorClass, ExchangeErrorCode, boolean])[] = [
  [DuplicateOrderId, EXCHANGE_ERROR.duplicateOrder, false],
  [OrderNotFound, EXCHANGE_ERROR.orderNotFound, false],
  [InsufficientFunds, EXCHANGE_ERROR.insufficientFunds, false],
  [InvalidOrder, EXCHANGE_ERROR.invalidOrder, false],
  [BadSymbol, EXCHANGE_ERROR.badSymbol, false],
  [PermissionDenied, EXCHANGE_ERROR.permissionDenied, false],
  [AuthenticationError, EXCHANGE_ERROR.authFailed, false],
  [RateLimitExceeded, EXCHANGE_ERROR.rateLimited, true],
  [DDoSProtection, EXCHANGE_ERROR.throttled, true],
  [ExchangeNotAvailable, EXCHANGE_ERROR.unavailable, true],
  [RequestTimeout, EXCHANGE_ERROR.timeout, true],
  [NetworkError, EXCHANGE_ERROR.network, true],
  [OperationFailed, EXCHANGE_ERROR.operationFailed, true],
  [CcxtExchangeError, EXCHANGE_ERROR.rejected, false],
];

/**
 * Binance answers a reused client order id with -2010 "Duplicate order sent.", which ccxt
 * raises as a plain InvalidOrder; recognise it so a duplicate is never mistaken for a bad order.
 */
const DUPLICATE_MESSAGE = /duplicate order sent/i;

/**
 * Binance -1021 "Timestamp for this request is outside of the recvWindow": the request was refused for its
 * timestamp before anything was executed (clock skew or a slow path). ccxt raises InvalidNonce or, on some
 * routes, a plain BadRequest; either way it is retryable and never means the order was refused for good.
 */
const RECV_WINDOW_CODE = /"code"\s*:\s*-1021\b/;

/** How long an IP ban is waited out when the exchange gives no Retry-After: Binance bans last 2 min to 3 days. */
export const IP_BAN_DEFAULT_RETRY_AFTER_MS = 120_000;

/** The HTTP response a ccxt error came from, when there was one (see attachResponse). */
export interface ExchangeResponseHints {
  readonly status?: number;
  readonly headers?: Readonly<Record<string, unknown>>;
}

const RESPONSE = Symbol('stratus.exchangeResponse');

/**
 * Pins the response (status, headers) onto the error ccxt raised for it. ccxt's own `last_response_headers`
 * is shared by every call on the instance, so under concurrent calls it may belong to another request.
 */
export function attachResponse(err: unknown, response: ExchangeResponseHints): void {
  if (typeof err === 'object' && err !== null && !(RESPONSE in err)) Object.defineProperty(err, RESPONSE, { value: response });
}

/** Fixes two failure behaviours of a ccxt instance: see pinResponses and forgetFailedMarketLoads. */
export function hardenClient(client: CcxtClient): void {
  pinResponses(client);
  forgetFailedMarketLoads(client);
}

/** Makes every error a ccxt client raises for an HTTP response carry that response's status and headers. */
function pinResponses(client: CcxtClient): void {
  const handle = client.handleRestResponse.bind(client) as (response: { status?: number }, ...rest: unknown[]) => Promise<unknown>;
  client.handleRestResponse = async (response: { status?: number }, ...rest: unknown[]) => {
    try {
      return await handle(response, ...rest);
    } catch (err) {
      attachResponse(err, { ...(response.status === undefined ? {} : { status: response.status }), headers: client.getResponseHeaders(response) });
      throw err;
    }
  };
}

/**
 * ccxt keeps a failed loadMarkets promise and hands it to every later call that needs markets (fetchOrder,
 * createOrder ...), so one 5xx on exchangeInfo would fail the instance for the container's life. Forget it.
 */
function forgetFailedMarketLoads(client: CcxtClient): void {
  const load = client.loadMarkets.bind(client);
  const c = client as { marketsLoading?: unknown };
  client.loadMarkets = async (...args: Parameters<CcxtClient['loadMarkets']>) => {
    const pending = load(...args);
    const loading = c.marketsLoading;
    try {
      return await pending;
    } catch (err) {
      if (c.marketsLoading === loading) c.marketsLoading = undefined;
      throw err;
    }
  };
}

/** The response pinned onto err by attachResponse, if any. */
export function responseOf(err: unknown): ExchangeResponseHints {
  return typeof err === 'object' && err !== null && RESPONSE in err ? (err as { [RESPONSE]: ExchangeResponseHints })[RESPONSE] : {};
}

/**
 * The HTTP status in a ccxt error message: binance's "binance 429 Too Many Requests {...}" or the generic
 * "binance GET http://... 503 Service Unavailable ...". Undefined when the message names none.
 */
export function httpStatusOf(message: string): number | undefined {
  const m = /^\S+ (?:[A-Z]+ \S+ )?([45]\d\d) /.exec(message);
  return m ? Number(m[1]) : undefined;
}

/** Retry-After in ms from response headers: delta-seconds, or an HTTP date relative to the response's Date header. */
export function retryAfterMsFrom(headers: Readonly<Record<string, unknown>> | undefined): number | undefined {
  const header = (name: string) => {
    const key = Object.keys(headers ?? {}).find((k) => k.toLowerCase() === name);
    const v = key === undefined ? undefined : headers?.[key];
    return typeof v === 'string' || typeof v === 'number' ? String(v).trim() : undefined;
  };
  const value = header('retry-after');
  if (value === undefined || value === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.ceil(Number(value) * 1000);
  const at = Date.parse(value);
  const now = Date.parse(header('date') ?? '');
  return Number.isNaN(at) || Number.isNaN(now) ? undefined : Math.max(0, at - now);
}

function retryAfterOf(err: unknown): { retryAfterMs?: number } {
  const ms = (err as { retryAfterMs?: unknown }).retryAfterMs;
  return typeof ms === 'number' ? { retryAfterMs: ms } : {};
}

/**
 * Binance answers a request-weight or order-rate breach with HTTP 429 and, when the breaches go on, bans
 * the IP with HTTP 418; ccxt raises both as DDoSProtection. Both carry Retry-After (seconds). Headers are
 * read only here, where the status proves they belong to this response (ccxt keeps the last ones seen).
 */
function fromThrottle(err: BaseError, message: string, response: ExchangeResponseHints): ExchangeApiError | undefined {
  const status = response.status ?? httpStatusOf(err.message);
  if (status !== 429 && status !== 418) return undefined;
  const retryAfterMs = retryAfterMsFrom(response.headers) ?? (status === 418 ? IP_BAN_DEFAULT_RETRY_AFTER_MS : undefined);
  const code = status === 418 ? EXCHANGE_ERROR.ipBanned : EXCHANGE_ERROR.rateLimited;
  return new ExchangeApiError(code, message, true, { cause: err, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) });
}

/**
 * Translates anything a ccxt call threw into an ExchangeApiError (StratusErrors pass through). `response`
 * defaults to the one pinned on the error; an HTTP 5xx is always retryable (Binance: execution status unknown).
 */
export function fromCcxtError(err: unknown, context: string, response: ExchangeResponseHints = responseOf(err)): StratusError {
  if (err instanceof StratusError) return err;
  // ccxt puts the signed request URL (timestamp, signature) in timeout, network and HTTP error messages.
  const message = redact(`${context}: ${err instanceof Error ? err.message : String(err)}`);
  if (err instanceof InvalidOrder && !(err instanceof DuplicateOrderId) && DUPLICATE_MESSAGE.test(err.message)) {
    return new ExchangeApiError(EXCHANGE_ERROR.duplicateOrder, message, false, { cause: err });
  }
  if (err instanceof InvalidNonce || (err instanceof BaseError && RECV_WINDOW_CODE.test(err.message))) {
    return new ExchangeApiError(EXCHANGE_ERROR.clockSkew, message, true, { cause: err });
  }
  if (err instanceof DDoSProtection || err instanceof RateLimitExceeded) {
    const throttled = fromThrottle(err, message, response);
    if (throttled) return throttled;
  }
  const status = response.status ?? (err instanceof Error ? httpStatusOf(err.message) : undefined);
  for (const [cls, code, retryable] of MAPPINGS) {
    if (!(err instanceof cls)) continue;
    if (!retryable && status !== undefined && status >= 500) break;
    return new ExchangeApiError(code, message, retryable, { cause: err });
  }
  if (status !== undefined && status >= 500) return new ExchangeApiError(EXCHANGE_ERROR.unavailable, message, true, { cause: err });
  const ccxtOther = err instanceof BaseError;
  return new ExchangeApiError(ccxtOther ? EXCHANGE_ERROR.rejected : EXCHANGE_ERROR.unexpected, message, false, { cause: err });
}
