import {
  AccountSuspended, AuthenticationError, BadRequest, BadResponse, BadSymbol, DDoSProtection, DuplicateOrderId,
  ExchangeNotAvailable, InsufficientFunds, InvalidOrder, NetworkError, OnMaintenance, OrderNotFound, PermissionDenied,
  RateLimitExceeded, RequestTimeout,
} from 'ccxt';
import { describe, expect, it } from 'vitest';
import { StratusError } from '../../../shared/domain/errors.js';
import {
  EXCHANGE_ERROR, ExchangeApiError, IP_BAN_DEFAULT_RETRY_AFTER_MS, attachResponse, fromCcxtError, httpStatusOf, isOutcomeUnknown,
  refusedBeforeActing, retryAfterMsFrom, withUnknownOutcome,
} from '../../../shared/adapters/ccxt-errors.js';

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

const URL = 'http://127.0.0.1:8080/api/v3/order';
const TOO_MANY = '{"code":-1003,"msg":"Too many requests; current limit of IP(127.0.0.1) is 6000 requests per minute."}';

/** The error ccxt's binance raises for a response, with that response pinned on it as CcxtExchange does. */
function raised<E extends Error>(err: E, status?: number, headers: Record<string, string> = {}): E {
  if (status !== undefined) attachResponse(err, { status, headers });
  return err;
}

function expectMapped(err: unknown, code: string, retryable: boolean) {
  const mapped = fromCcxtError(err, 'binance placeOrder BTC/USDT stx1') as ExchangeApiError;
  expect(mapped).toBeInstanceOf(ExchangeApiError);
  expect({ code: mapped.code, retryable: mapped.retryable }).toEqual({ code, retryable });
  expect(mapped.cause).toBe(err);
  return mapped;
}

describe('fromCcxtError on what Binance answers', () => {
  it('maps HTTP 429 to a retryable RATE_LIMITED carrying Retry-After in ms', () => {
    const err = raised(new DDoSProtection(`binance 429 Too Many Requests ${TOO_MANY}`), 429, { 'Retry-After': '7' });
    expect(expectMapped(err, EXCHANGE_ERROR.rateLimited, true).retryAfterMs).toBe(7_000);
  });

  it('maps HTTP 429 without Retry-After to RATE_LIMITED with no minimum wait', () => {
    const err = raised(new DDoSProtection(`binance 429 Too Many Requests ${TOO_MANY}`), 429);
    expect(expectMapped(err, EXCHANGE_ERROR.rateLimited, true).retryAfterMs).toBeUndefined();
  });

  it('recognises 429 from the message alone when no response was pinned', () => {
    expectMapped(new DDoSProtection(`binance 429 Too Many Requests ${TOO_MANY}`), EXCHANGE_ERROR.rateLimited, true);
  });

  it("maps ccxt's generic RateLimitExceeded for HTTP 429 to RATE_LIMITED with its Retry-After", () => {
    const err = raised(new RateLimitExceeded(`binance GET ${URL} 429 Too Many Requests`), 429, { 'retry-after': '2' });
    expect(expectMapped(err, EXCHANGE_ERROR.rateLimited, true).retryAfterMs).toBe(2_000);
  });

  it('maps HTTP 418 (IP ban) to a retryable IP_BANNED carrying the ban from Retry-After', () => {
    const err = raised(new DDoSProtection('binance 418 I\'m a teapot {"code":-1003,"msg":"Way too many requests; IP banned until 1"}'), 418, { 'Retry-After': '300' });
    expect(expectMapped(err, EXCHANGE_ERROR.ipBanned, true).retryAfterMs).toBe(300_000);
  });

  it('maps HTTP 418 without Retry-After to IP_BANNED with the long default backoff', () => {
    const err = raised(new DDoSProtection('binance 418 I\'m a teapot {}'), 418);
    expect(expectMapped(err, EXCHANGE_ERROR.ipBanned, true).retryAfterMs).toBe(IP_BAN_DEFAULT_RETRY_AFTER_MS);
    expect(IP_BAN_DEFAULT_RETRY_AFTER_MS).toBeGreaterThanOrEqual(120_000);
  });

  it('maps HTTP 503 to a retryable EXCHANGE_UNAVAILABLE', () => {
    expectMapped(raised(new ExchangeNotAvailable(`binance POST ${URL} 503 Service Unavailable`), 503), EXCHANGE_ERROR.unavailable, true);
  });

  it('maps HTTP 500 with -1000 (unknown error, execution status unknown) to a retryable failure', () => {
    const err = raised(new BadResponse('binance {"code":-1000,"msg":"An unknown error occurred while processing the request."}'), 500);
    expectMapped(err, EXCHANGE_ERROR.operationFailed, true);
  });

  it('keeps any HTTP 5xx retryable even when ccxt raised a permanent class for its body', () => {
    const err = raised(new BadRequest('binance {"code":-9999,"msg":"something new"}'), 502);
    expectMapped(err, EXCHANGE_ERROR.unavailable, true);
  });

  it('maps a request timeout to a retryable EXCHANGE_TIMEOUT', () => {
    expectMapped(new RequestTimeout(`binance POST ${URL} request timed out (10000 ms)`), EXCHANGE_ERROR.timeout, true);
  });

  it('maps a connection reset (ECONNRESET) to a retryable EXCHANGE_NETWORK_ERROR', () => {
    expectMapped(new NetworkError(`binance POST ${URL} fetch failed: read ECONNRESET`), EXCHANGE_ERROR.network, true);
  });

  it('maps -2010 insufficient balance to a permanent INSUFFICIENT_FUNDS', () => {
    const err = raised(new InsufficientFunds('binance Account has insufficient balance for requested action.'), 400);
    expectMapped(err, EXCHANGE_ERROR.insufficientFunds, false);
  });

  it('maps a filter failure to a permanent INVALID_ORDER', () => {
    const err = raised(new InvalidOrder('binance order amount should be evenly divisible by lot size {"code":-1013,"msg":"Filter failure: LOT_SIZE"}'), 400);
    expectMapped(err, EXCHANGE_ERROR.invalidOrder, false);
  });

  it('maps -1121 invalid symbol to a permanent BAD_SYMBOL', () => {
    expectMapped(raised(new BadSymbol('binance {"code":-1121,"msg":"Invalid symbol."}'), 400), EXCHANGE_ERROR.badSymbol, false);
  });

  it('maps a rejected API key to a permanent EXCHANGE_AUTH_FAILED', () => {
    const err = raised(new AuthenticationError('binance {"code":-2015,"msg":"Invalid API-key, IP, or permissions for action."}'), 401);
    expectMapped(err, EXCHANGE_ERROR.authFailed, false);
  });

  it('ignores Retry-After on a failure that is not a 429 or 418', () => {
    const err = raised(new ExchangeNotAvailable(`binance POST ${URL} 503 Service Unavailable`), 503, { 'Retry-After': '60' });
    expect(expectMapped(err, EXCHANGE_ERROR.unavailable, true).retryAfterMs).toBeUndefined();
  });
});

describe('response helpers', () => {
  it.each([
    { message: `binance 429 Too Many Requests ${TOO_MANY}`, want: 429 },
    { message: "binance 418 I'm a teapot {}", want: 418 },
    { message: `binance GET ${URL}?symbol=BTCUSDT 503 Service Unavailable <html>`, want: 503 },
    { message: 'binance {"code":-2010,"msg":"Account has insufficient balance for requested action."}', want: undefined },
    { message: `binance POST ${URL} fetch failed: read ECONNRESET`, want: undefined },
  ])('httpStatusOf($message) = $want', ({ message, want }) => {
    expect(httpStatusOf(message)).toBe(want);
  });

  it.each([
    { headers: { 'Retry-After': '12' }, want: 12_000 },
    { headers: { 'retry-after': '0.5' }, want: 500 },
    { headers: { 'Retry-After': 'Wed, 21 Oct 2015 07:28:30 GMT', Date: 'Wed, 21 Oct 2015 07:28:00 GMT' }, want: 30_000 },
    { headers: { 'Retry-After': 'Wed, 21 Oct 2015 07:28:30 GMT' }, want: undefined },
    { headers: { 'Retry-After': 'soon' }, want: undefined },
    { headers: {}, want: undefined },
  ])('retryAfterMsFrom($headers) = $want', ({ headers, want }) => {
    expect(retryAfterMsFrom(headers)).toBe(want);
  });

  it('marks a placement failure outcome-unknown, keeping its code, retryability and Retry-After', () => {
    const timeout = new ExchangeApiError(EXCHANGE_ERROR.timeout, 'timed out', true, { retryAfterMs: 5 });
    const marked = withUnknownOutcome(timeout);
    expect(marked).toMatchObject({ code: EXCHANGE_ERROR.timeout, retryable: true, outcomeUnknown: true, retryAfterMs: 5 });
    expect(isOutcomeUnknown(marked)).toBe(true);
    expect(isOutcomeUnknown(timeout)).toBe(false);
    expect(isOutcomeUnknown(new Error('x'))).toBe(false);
  });

  it.each([
    { code: EXCHANGE_ERROR.rateLimited, want: true },
    { code: EXCHANGE_ERROR.ipBanned, want: true },
    { code: EXCHANGE_ERROR.throttled, want: true },
    { code: EXCHANGE_ERROR.timeout, want: false },
    { code: EXCHANGE_ERROR.network, want: false },
    { code: EXCHANGE_ERROR.unavailable, want: false },
    { code: EXCHANGE_ERROR.operationFailed, want: false },
  ])('refusedBeforeActing($code) = $want: only then may an order be re-sent blindly', ({ code, want }) => {
    expect(refusedBeforeActing(new ExchangeApiError(code, 'x', true))).toBe(want);
  });
});
