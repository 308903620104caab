/**
 * A strict JSON parser for policy documents. JSON.parse keeps the last of two equal keys and happily
 * builds `__proto__` keys; this one reports both, bounds size and nesting, and accepts a leading UTF-8 BOM.
 * Syntax errors stop the parse; duplicate and forbidden keys are collected (up to MAX_KEY_PROBLEMS) first.
 */

/** One problem with a document's text, at a dotted path ('(root)' for the whole document). */
export interface JsonProblem {
  readonly path: string;
  readonly code: 'UNREADABLE_DOCUMENT' | 'DUPLICATE_KEY' | 'FORBIDDEN_KEY' | 'DOCUMENT_TOO_LARGE' | 'DOCUMENT_TOO_DEEP';
  readonly message: string;
}

/** Limits of a strict parse: characters of text (after the BOM) and nesting levels of objects and arrays. */
export interface JsonLimits {
  readonly maxChars: number;
  readonly maxDepth: number;
}

/** Keys that reach or shadow an object's prototype; refused at any depth. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** Duplicate/forbidden-key problems collected before the parse gives up listing more. */
const MAX_KEY_PROBLEMS = 100;
/** Longest key quoted in a problem's path or message. */
const MAX_KEY_SHOWN = 120;

/** A key as it appears in a path: cut to MAX_KEY_SHOWN characters. */
export function shownKey(key: string): string {
  return key.length > MAX_KEY_SHOWN ? `${key.slice(0, MAX_KEY_SHOWN)}…(${key.length} chars)` : key;
}

/** Joins a parent path and a key or index ('(root)' stays implicit). */
export function childPath(parent: string, key: string | number): string {
  const k = typeof key === 'number' ? String(key) : shownKey(key);
  return parent === '(root)' ? k : `${parent}.${k}`;
}

class SyntaxProblem extends Error {}

/** Parses `text` strictly; never throws. The value is returned only when there is no problem. */
export function parseStrictJson(text: string, limits: JsonLimits):
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly problems: readonly JsonProblem[] } {
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (src.length > limits.maxChars) {
    return { ok: false, problems: [{ path: '(root)', code: 'DOCUMENT_TOO_LARGE', message: `document is ${src.length} characters; at most ${limits.maxChars}` }] };
  }
  const parser = new Parser(src, limits.maxDepth);
  try {
    const value = parser.document();
    return parser.problems.length ? { ok: false, problems: parser.problems } : { ok: true, value };
  } catch (err) {
    if (err instanceof DepthProblem) return { ok: false, problems: [...parser.problems, err.problem] };
    if (!(err instanceof SyntaxProblem)) throw err;
    return { ok: false, problems: [...parser.problems, { path: '(root)', code: 'UNREADABLE_DOCUMENT', message: `not valid JSON: ${err.message}` }] };
  }
}

class DepthProblem extends Error {
  constructor(readonly problem: JsonProblem) { super(problem.message); }
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const ESCAPES: Readonly<Record<string, string>> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

class Parser {
  readonly problems: JsonProblem[] = [];
  #pos = 0;

  constructor(private readonly src: string, private readonly maxDepth: number) {}

  document(): unknown {
    const value = this.#value('(root)', 0);
    this.#skipSpace();
    if (this.#pos < this.src.length) this.#fail(`unexpected ${this.#shown()} after the document`);
    return value;
  }

  #value(path: string, depth: number): unknown {
    this.#skipSpace();
    const c = this.src[this.#pos];
    if (c === '{' || c === '[') {
      if (depth >= this.maxDepth) {
        throw new DepthProblem({ path, code: 'DOCUMENT_TOO_DEEP', message: `nested deeper than ${this.maxDepth} levels` });
      }
      return c === '{' ? this.#object(path, depth + 1) : this.#array(path, depth + 1);
    }
    if (c === '"') return this.#string();
    for (const [word, v] of [['true', true], ['false', false], ['null', null]] as const) {
      if (this.src.startsWith(word, this.#pos)) { this.#pos += word.length; return v; }
    }
    NUMBER.lastIndex = this.#pos;
    const m = NUMBER.exec(this.src);
    if (m) { this.#pos += m[0].length; return Number(m[0]); }
    return this.#fail(`unexpected ${this.#shown()}`);
  }

  #object(path: string, depth: number): Record<string, unknown> {
    this.#pos++;
    const out: Record<string, unknown> = {};
    const seen = new Set<string>();
    this.#skipSpace();
    if (this.src[this.#pos] === '}') { this.#pos++; return out; }
    for (;;) {
      this.#skipSpace();
      if (this.src[this.#pos] !== '"') this.#fail(`expected a quoted key, got ${this.#shown()}`);
      const key = this.#string();
      const at = childPath(path, key);
      if (FORBIDDEN_KEYS.has(key)) this.#keyProblem({ path: at, code: 'FORBIDDEN_KEY', message: `key "${key}" is not allowed in a policy document` });
      else if (seen.has(key)) this.#keyProblem({ path: at, code: 'DUPLICATE_KEY', message: `key "${shownKey(key)}" appears more than once` });
      seen.add(key);
      this.#expect(':');
      const value = this.#value(at, depth);
      if (!FORBIDDEN_KEYS.has(key)) out[key] = value;
      if (this.#next(',', '}') === '}') return out;
    }
  }

  #array(path: string, depth: number): unknown[] {
    this.#pos++;
    const out: unknown[] = [];
    this.#skipSpace();
    if (this.src[this.#pos] === ']') { this.#pos++; return out; }
    for (;;) {
      out.push(this.#value(childPath(path, out.length), depth));
      if (this.#next(',', ']') === ']') return out;
    }
  }

  #string(): string {
    let out = '';
    let start = ++this.#pos;
    for (;;) {
      const code = this.src.charCodeAt(this.#pos);
      if (Number.isNaN(code)) this.#fail('unterminated string');
      if (code === 0x22) break;
      if (code < 0x20) this.#fail(`control character in a string at position ${this.#pos}`);
      if (code !== 0x5c) { this.#pos++; continue; }
      out += this.src.slice(start, this.#pos);
      const e = this.src[this.#pos + 1] ?? '';
      if (e === 'u') {
        const hex = this.src.slice(this.#pos + 2, this.#pos + 6);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.#fail(`bad \\u escape at position ${this.#pos}`);
        out += String.fromCharCode(parseInt(hex, 16));
        this.#pos += 6;
      } else {
        const ch = ESCAPES[e];
        if (ch === undefined) this.#fail(`bad escape at position ${this.#pos}`);
        out += ch;
        this.#pos += 2;
      }
      start = this.#pos;
    }
    out += this.src.slice(start, this.#pos);
    this.#pos++;
    return out;
  }

  #keyProblem(p: JsonProblem): void {
    if (this.problems.length < MAX_KEY_PROBLEMS) this.problems.push(p);
  }

  #next(comma: string, close: string): string {
    this.#skipSpace();
    const c = this.src[this.#pos];
    if (c !== comma && c !== close) this.#fail(`expected "${comma}" or "${close}", got ${this.#shown()}`);
    this.#pos++;
    return c!;
  }

  #expect(c: string): void {
    this.#skipSpace();
    if (this.src[this.#pos] !== c) this.#fail(`expected "${c}", got ${this.#shown()}`);
    this.#pos++;
  }

  #skipSpace(): void {
    for (;;) {
      const c = this.src.charCodeAt(this.#pos);
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return;
      this.#pos++;
    }
  }

  #shown(): string {
    return this.#pos >= this.src.length ? 'end of input' : `${JSON.stringify(this.src.slice(this.#pos, this.#pos + 12))} at position ${this.#pos}`;
  }

  #fail(message: string): never {
    throw new SyntaxProblem(message);
  }
}
