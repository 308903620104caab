import { describe, expect, it } from 'vitest';
import { MAX_DOCUMENT_CHARS, parseDocumentText } from '../../../shared/domain/policy-document.js';
import { parseStrictJson } from '../../../shared/domain/strict-json.js';

const LIMITS = { maxChars: 10_000, maxDepth: 8 };

describe('parseStrictJson', () => {
  it.each([
    '{}', '[]', '0', '-0.5e-3', '1E+2', 'true', 'null', '"a\\"b\\\\c\\/d\\b\\f\\n\\r\\t"', '"\\u00e9\\ud83d\\ude00"',
    ' {"a" : [1, 2.5, {"b": null}], "c": "x"} ', '{"mode":"PAPER","risk":{"stakePct":1.5},"symbols":["BTC/USDT"]}',
  ])('reads %s exactly as JSON.parse does', (text) => {
    expect(parseStrictJson(text, LIMITS)).toEqual({ ok: true, value: JSON.parse(text) });
  });

  it.each([
    '', '{', '{"a":1,}', '[1,]', "{'a':1}", 'NaN', '01', '-', '1.', '.5', '{"a" 1}', '{"a":1}x', '"tab\there"', '"\\x41"', '"\\u12"', 'tru',
  ])('refuses %j, as JSON.parse does, with UNREADABLE_DOCUMENT', (text) => {
    expect(() => JSON.parse(text)).toThrow();
    expect(parseStrictJson(text, LIMITS)).toEqual({ ok: false, problems: [expect.objectContaining({ path: '(root)', code: 'UNREADABLE_DOCUMENT' })] });
  });

  it('reports every duplicate key with its path, at any depth, and inside arrays', () => {
    const r = parseStrictJson('{"a":1,"a":2,"s":[{"x":1},{"x":1,"x":2}],"o":{"p":{"q":1,"q":1}}}', LIMITS);
    expect(r.ok || r.problems.map((p) => [p.path, p.code])).toEqual([['a', 'DUPLICATE_KEY'], ['s.1.x', 'DUPLICATE_KEY'], ['o.p.q', 'DUPLICATE_KEY']]);
  });

  it('treats keys that differ only by escaping as the same key', () => {
    const r = parseStrictJson('{"mode":"PAPER","mo\\u0064e":"LIVE"}', LIMITS);
    expect(r.ok || r.problems).toEqual([expect.objectContaining({ path: 'mode', code: 'DUPLICATE_KEY' })]);
  });

  it('refuses __proto__, constructor and prototype keys, escaped or not', () => {
    const r = parseStrictJson('{"__proto__":{},"a":{"constructor":1},"b":[{"prototype":2}],"\\u005f_proto__":3}', LIMITS);
    expect(r.ok || r.problems.map((p) => [p.path, p.code])).toEqual([
      ['__proto__', 'FORBIDDEN_KEY'], ['a.constructor', 'FORBIDDEN_KEY'], ['b.0.prototype', 'FORBIDDEN_KEY'], ['__proto__', 'FORBIDDEN_KEY'],
    ]);
  });

  it('accepts a leading UTF-8 byte order mark, and only there', () => {
    expect(parseStrictJson('\uFEFF{"a":1}', LIMITS)).toEqual({ ok: true, value: { a: 1 } });
    expect(parseStrictJson('{"a":1}\uFEFF', LIMITS).ok).toBe(false);
  });

  it('refuses text above maxChars and nesting beyond maxDepth, naming the limit', () => {
    expect(parseStrictJson(`"${'x'.repeat(10_000)}"`, LIMITS)).toEqual({ ok: false, problems: [expect.objectContaining({ code: 'DOCUMENT_TOO_LARGE', message: expect.stringContaining('at most 10000') })] });
    expect(parseStrictJson('[[[[[[[[1]]]]]]]]', LIMITS).ok).toBe(true);
    expect(parseStrictJson('[[[[[[[[[1]]]]]]]]]', LIMITS)).toEqual({ ok: false, problems: [expect.objectContaining({ code: 'DOCUMENT_TOO_DEEP', path: '0.0.0.0.0.0.0.0' })] });
  });

  it('cuts a huge key in paths and messages', () => {
    const key = 'k'.repeat(5_000);
    const r = parseStrictJson(`{"${key}":1,"${key}":2}`, LIMITS);
    expect(r.ok || r.problems[0]!.path.length).toBeLessThan(200);
    expect(r.ok || r.problems[0]!.message.length).toBeLessThan(300);
  });
});

describe('parseDocumentText', () => {
  it('stops at the depth limit on 30,000 open brackets without overflowing the stack', () => {
    const r = parseDocumentText('['.repeat(30_000));
    expect(r.ok || r.problems.map((p) => p.code)).toEqual(['DOCUMENT_TOO_DEEP']);
  });

  it(`refuses a policy document above ${MAX_DOCUMENT_CHARS} characters`, () => {
    const r = parseDocumentText(`{"symbols":["BTC/USDT"],"pad":"${' '.repeat(MAX_DOCUMENT_CHARS)}"}`);
    expect(r.ok || r.problems.map((p) => p.code)).toEqual(['DOCUMENT_TOO_LARGE']);
  });
});
