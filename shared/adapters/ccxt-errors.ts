/**
 * The one place exchange failures are translated into StratusErrors: ccxt's error
 * classes (LIVE) and the paper venue's refusals (PAPER) end up as the same codes.
 */
// ccxt's own errors module, not the package root: the root pulls every exchange
// (~16 MB unbundled) into whatever imports this file, including the paper exchange.
import {
  AuthenticationError, BadSymbol, BaseError, DDoSProtection, DuplicateOrderId, ExchangeError as CcxtExchangeError,
  ExchangeNotAvailable, InsufficientFunds, InvalidOrder, NetworkError, OperationFailed, OrderNotFound, PermissionDenied,
  RateLimitExceeded, RequestTimeout,
} from '../../node_modules/ccxt/js/src/base/errors.js';
import { StratusError } from '../domain/errors.js';

/** Stable codes of exchange failures, the same for the ccxt and the paper venue. */
export const EXCHANGE_ERROR = {
  rateLimited: 'EXCHANGE_RATE_LIMITED',
  throttled: 'EXCHANGE_THROTTLED',
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

/** A venue refused or failed a request; `retryable` says whether the same request may succeed later. */
export class ExchangeApiError extends StratusError {
  override readonly name = 'ExchangeApiError';
  constructor(override readonly code: ExchangeErrorCode, message: string, retryable: boolean, options?: { cause?: unknown }) {
    super(code, message, retryable, options);
  }
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

/** Translates anything a ccxt call threw into an ExchangeApiError (StratusErrors pass through). */
export function fromCcxtError(err: unknown, context: string): StratusError {
  if (err instanceof StratusError) return err;
  const message = `${context}: ${err instanceof Error ? err.message : String(err)}`;
  if (err instanceof InvalidOrder && !(err instanceof DuplicateOrderId) && DUPLICATE_MESSAGE.test(err.message)) {
    return new ExchangeApiError(EXCHANGE_ERROR.duplicateOrder, message, false, { cause: err });
  }
  for (const [cls, code, retryable] of MAPPINGS) {
    if (err instanceof cls) return new ExchangeApiError(code, message, retryable, { cause: err });
  }
  const ccxtOther = err instanceof BaseError;
  return new ExchangeApiError(ccxtOther ? EXCHANGE_ERROR.rejected : EXCHANGE_ERROR.unexpected, message, false, { cause: err });
}
