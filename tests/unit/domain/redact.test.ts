import { describe, expect, it } from 'vitest';
import { REDACTED, isSensitiveKey, redactText, redactValue } from '../../../shared/domain/redact.js';

const SIG = 'a67fee8bbc70d055b61b979fbd3c07062c2668c49c3513d770765374f5fd6a12';
const KEY = 'vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A';
const SECRET = 'NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j';

describe('redactText', () => {
  it.each([
    ['a ccxt timeout on a signed GET', `binance GET https://api.binance.com/api/v3/order?timestamp=1700000000000&symbol=BTCUSDT&recvWindow=10000&signature=${SIG} request timed out (10000 ms)`,
      `binance GET https://api.binance.com/api/v3/order?timestamp=${REDACTED}&symbol=BTCUSDT&recvWindow=10000&signature=${REDACTED} request timed out (10000 ms)`],
    ['a signed form body echoed after "request="', `request=timestamp=1700000000000&side=BUY&signature=${SIG}`, `request=timestamp=${REDACTED}&side=BUY&signature=${REDACTED}`],
    ['the API key header as JSON', `{"X-MBX-APIKEY":"${KEY}","Content-Type":"application/json"}`, `{"X-MBX-APIKEY":"${REDACTED}","Content-Type":"application/json"}`],
    ['the API key header as a header line', `X-MBX-APIKEY: ${KEY}`, `X-MBX-APIKEY: ${REDACTED}`],
    ['apiKey / api_key / secret pairs', `apiKey=${KEY} api_key: '${KEY}' "secret": "two words"`, `apiKey=${REDACTED} api_key: '${REDACTED}' "secret": "${REDACTED}"`],
    ['a Bearer token', 'Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.abc', `Authorization: ${REDACTED} ${REDACTED}`],
    ['a Slack webhook URL', 'posting to https://hooks.slack.com/services/T000/B000/XXXXSECRET failed', `posting to https://hooks.slack.com/services/${REDACTED} failed`],
    ['user-info in a URL', 'proxy http://trader:hunter2secret@proxy.local:3128 refused', `proxy http://${REDACTED}@proxy.local:3128 refused`],
  ])('redacts %s', (_case, text, expected) => {
    expect(redactText(text)).toBe(expected);
  });

  it('keeps a timestamp that was not signed, and ordinary messages whole', () => {
    expect(redactText('GET /api/v3/klines?symbol=BTCUSDT&timestamp=1700000000000')).toBe('GET /api/v3/klines?symbol=BTCUSDT&timestamp=1700000000000');
    const plain = 'exchange credentials arn:x: expected non-empty string fields "apiKey" and "secret"';
    expect(redactText(plain)).toBe(plain);
    expect(redactText('Signature for this request is not valid.')).toBe('Signature for this request is not valid.');
  });

  it('replaces every occurrence of a known secret, raw, URL-encoded or JSON-escaped, in any context', () => {
    const odd = 'p@ss/w"rd+1234';
    const text = `key ${KEY} and secret ${SECRET} then ${encodeURIComponent(odd)} and ${JSON.stringify(odd)}`;
    expect(redactText(text, [KEY, SECRET, odd])).toBe(`key ${REDACTED} and secret ${REDACTED} then ${REDACTED} and "${REDACTED}"`);
  });

  it('ignores known secrets too short to be told from ordinary words', () => {
    expect(redactText('use the k key', ['k'])).toBe('use the k key');
  });
});

describe('redactValue', () => {
  it('redacts strings at any depth and drops credential-named keys whole, errors and their causes included', () => {
    const cause = new Error(`GET /api/v3/account?timestamp=1&signature=${SIG}`);
    const value = {
      headers: { 'X-MBX-APIKEY': KEY, accept: 'json' }, nested: [{ note: `key ${KEY}` }], credentials: { apiKey: KEY, secret: SECRET },
      error: new Error('lookup failed', { cause }), amount: 5, when: undefined,
    };
    const out = redactValue(value, [KEY]);
    const text = JSON.stringify(out);
    expect(text).not.toContain(KEY);
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain(SIG);
    expect(out.headers.accept).toBe('json');
    expect(out.amount).toBe(5);
    expect(value.headers['X-MBX-APIKEY']).toBe(KEY);
  });

  it('names the keys whose values are credentials', () => {
    expect(['X-MBX-APIKEY', 'apiKey', 'api_key', 'secret', 'apiSecret', 'secretKey', 'password', 'signature', 'Authorization'].filter(isSensitiveKey)).toHaveLength(9);
    expect(['secretArn', 'symbol', 'timestamp', 'clientOrderId', 'policyHash'].filter(isSensitiveKey)).toEqual([]);
  });
});
