import {
  AccountSuspended, AuthenticationError, BadRequest, BadResponse, BadSymbol, DDoSProtection, DuplicateOrderId,
  ExchangeNotAvailable, InsufficientFunds, InvalidOrder, NetworkError, OnMaintenance, OrderNotFound, PermissionDenied,
  RateLimitExceeded, RequestTimeout,
} from 'ccxt';
import { describe, expect, it } from 'vitest';
import { StratusError } from '../../../shared/domain/errors.js';
import { EXCHANGE_ERROR, ExchangeApiError, fromCcxtError } from '../../../shared/adapters/ccxt-errors.js';

describe('fromCcxtError', () => {
  it.each([
    { cls: RateLimitExceeded, code: EXCHANGE_ERROR.rateLimited, retryable: true },
    { cls: DDoSProtection, code: EXCHANGE_ERROR.throttled, retryable: true },
    { cls: ExchangeNotAvailable, code: EXCHANGE_ERROR.unavailable, retryable: true },
    { cls: OnMaintenance, code: EXCHANGE_ERROR.unavailable, retryable: true },
    { cls: RequestTimeout, code: EXCHANGE_ERROR.timeout, retryable: true },
    { cls: NetworkError, code: EXCHANGE_ERROR.network, retryable: true },
    { cls: BadResponse, code: EXCHANGE_ERROR.operationFailed, retryable: true },
    { cls: InsufficientFunds, code: EXCHANGE_ERROR.insufficientFunds, retryable: false },
    { cls: InvalidOrder, code: EXCHANGE_ERROR.invalidOrder, retryable: false },
    { cls: BadSymbol, code: EXCHANGE_ERROR.badSymbol, retryable: false },
    { cls: AuthenticationError, code: EXCHANGE_ERROR.authFailed, retryable: false },
    { cls: AccountSuspended, code: EXCHANGE_ERROR.authFailed, retryable: false },
    { cls: PermissionDenied, code: EXCHANGE_ERROR.permissionDenied, retryable: false },
    { cls: OrderNotFound, code: EXCHANGE_ERROR.orderNotFound, retryable: false },
    { cls: DuplicateOrderId, code: EXCHANGE_ERROR.duplicateOrder, retryable: false },
    { cls: BadRequest, code: EXCHANGE_ERROR.rejected, retryable: false },
  ])('maps $cls.name to $code (retryable: $retryable)', ({ cls, code, retryable }) => {
    const cause = new cls('binance boom');
    const mapped = fromCcxtError(cause, 'binance placeOrder BTC/USDT stx1');
    expect(mapped).toBeInstanceOf(ExchangeApiError);
    expect(mapped.code).toBe(code);
    expect(mapped.retryable).toBe(retryable);
    expect(mapped.cause).toBe(cause);
    expect(mapped.message).toBe('binance placeOrder BTC/USDT stx1: binance boom');
  });

  it("maps binance's -2010 'Duplicate order sent.' (raised by ccxt as InvalidOrder) to DUPLICATE_ORDER", () => {
    const mapped = fromCcxtError(new InvalidOrder('binance {"code":-2010,"msg":"Duplicate order sent."}'), 'ctx');
    expect(mapped.code).toBe(EXCHANGE_ERROR.duplicateOrder);
    expect(mapped.retryable).toBe(false);
  });

  it('maps an error that did not come from ccxt to a permanent EXCHANGE_UNEXPECTED', () => {
    const mapped = fromCcxtError(new TypeError('x is undefined'), 'ctx');
    expect(mapped.code).toBe(EXCHANGE_ERROR.unexpected);
    expect(mapped.retryable).toBe(false);
  });

  it('passes a StratusError through unchanged', () => {
    const original = new StratusError('SOMETHING', 'already ours', true);
    expect(fromCcxtError(original, 'ctx')).toBe(original);
  });
});
