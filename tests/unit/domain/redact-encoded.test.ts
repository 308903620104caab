import { describe, expect, it } from 'vitest';
import { redactText } from '../../../shared/domain/redact.js';

const KEY = 'vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A';
const SECRET = 'NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j';
const SIG = '3c2d1f0a9b8e7d6c5b4a39281706f5e4d3c2b1a0998877665544332211009988';

describe('redactText on encoded credentials', () => {
  it('redacts the signature and signed timestamp of a signed URL that is itself percent-encoded', () => {
    const signed = `https://api.binance.com/api/v3/order?symbol=BTCUSDT&timestamp=1700000000000&signature=${SIG}`;
    const out = redactText(`proxy error for url=${encodeURIComponent(signed)}`);
    expect(out).not.toContain(SIG);
    expect(out).not.toContain('1700000000000');
    expect(out).toContain('symbol%3DBTCUSDT');
  });

  it.each([
    ['base64', (s: string) => Buffer.from(s).toString('base64')],
    ['base64url', (s: string) => Buffer.from(s).toString('base64url')],
  ])('redacts a known API key and secret written as %s', (_name, encode) => {
    const out = redactText(`auth ${encode(KEY)} and ${encode(SECRET)}`, [KEY, SECRET]);
    expect(out).not.toContain(encode(KEY).replace(/=+$/, ''));
    expect(out).not.toContain(encode(SECRET).replace(/=+$/, ''));
  });
});
