/**
 * Pure redaction of credentials from text and structured values: request signatures (and the timestamp
 * signed with them), API keys, secrets, passwords, Bearer tokens, URL user-info and Slack webhook paths,
 * by shape, plus any occurrence of a known secret value. No I/O, no state: the caller passes the secrets.
 */

/** What a redacted value is replaced with. */
export const REDACTED = '[REDACTED]';

/** Keys whose values are credentials wherever they appear (query, form, header, JSON, log attribute). */
const SENSITIVE_KEY = /^(?:x-mbx-apikey|api[-_]?key|(?:api[-_]?)?secret(?:[-_]?key)?|password|passphrase|signature|authorization|x-api-key|access[-_]?token|token)$/i;
const KEY_ALTERNATION = 'x-mbx-apikey|api[-_]?key|(?:api[-_]?)?secret(?:[-_]?key)?|password|passphrase|signature|authorization|x-api-key|access[-_]?token';

/** name=value in a query string or form body (the value runs to the next separator). */
const PARAM = new RegExp(`(\\b(?:${KEY_ALTERNATION})=)[^&\\s"',;}]+`, 'gi');
/** "name": "value", name: value, 'name'='value' (JSON, headers, object dumps). */
const PAIR = new RegExp(`((["']?)\\b(?:${KEY_ALTERNATION})\\2\\s*[:=]\\s*)(?!["']?\\[REDACTED\\])("[^"]*"|'[^']*'|[^"'\\s,;&}\\]]+)`, 'gi');
/** The same pair inside a percent-encoded URL (name%3Dvalue, up to the next %26 or separator). */
const ENCODED_PARAM = new RegExp(`((?:\\b|(?<=%26|%3F))(?:${KEY_ALTERNATION})%3D)(?:(?!%26)[^&\\s"',;}])+`, 'gi');
/** timestamp=… signed together with a signature (Binance HMAC requests), also percent-encoded. */
const SIGNED_TIMESTAMP = /((?:\b|(?<=%26|%3F))timestamp(?:=|%3D))\d+/gi;
const BEARER = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{6,}/g;
const SLACK_WEBHOOK = /(https?:\/\/hooks\.slack(?:-gov)?\.com\/(?:services|workflows|triggers)\/)[^\s"'<>)]+/gi;
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^/\s:@"']+:[^/\s@"']+@/gi;

/** Shortest value treated as a known secret: shorter strings would redact ordinary words. */
export const MIN_SECRET_LENGTH = 8;

/** True when a key (query param, header, JSON field) names a credential. */
export function isSensitiveKey(key: string): boolean {
  return SENSITIVE_KEY.test(key);
}

/** `text` with every credential-shaped value and every occurrence of one of `secrets` replaced by REDACTED. */
export function redactText(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length < MIN_SECRET_LENGTH) continue;
    for (const form of new Set([secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1), ...base64Forms(secret)])) {
      if (out.includes(form)) out = out.split(form).join(REDACTED);
    }
  }
  const signed = /signature(?:=|%3D)/i.test(out);
  out = out
    .replace(BEARER, `$1 ${REDACTED}`)
    .replace(PARAM, `$1${REDACTED}`)
    .replace(ENCODED_PARAM, `$1${REDACTED}`)
    .replace(PAIR, (_m, head: string, _q: string, value: string) => {
      const quote = value[0] === '"' || value[0] === "'" ? value[0] : '';
      return `${head}${quote}${REDACTED}${quote}`;
    })
    .replace(SLACK_WEBHOOK, `$1${REDACTED}`)
    .replace(URL_USERINFO, `$1${REDACTED}@`);
  return signed ? out.replace(SIGNED_TIMESTAMP, `$1${REDACTED}`) : out;
}

/**
 * A deep copy of `value` with every string redacted (redactText) and the value of every sensitive key
 * replaced whole. Errors become plain { name, message, stack, cause } objects; cycles are cut.
 */
export function redactValue<T>(value: T, secrets: readonly string[] = []): T {
  const seen = new WeakSet<object>();
  const walk = (v: unknown, key?: string): unknown => {
    if (typeof v === 'string') return key !== undefined && isSensitiveKey(key) ? REDACTED : redactText(v, secrets);
    if (typeof v !== 'object' || v === null) return v;
    if (seen.has(v)) return undefined;
    seen.add(v);
    if (Array.isArray(v)) return v.map((x) => walk(x));
    if (v instanceof Error) {
      const { name, message, stack } = v;
      return { ...walk({ ...v }) as object, name, message: walk(message), stack: walk(stack), cause: walk(v.cause) };
    }
    if (!isPlainObject(v)) return v;
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, isSensitiveKey(k) && x !== undefined ? REDACTED : walk(x, k)]));
  };
  return walk(value) as T;
}

/** A secret as base64 and base64url (padding dropped), as it shows in an encoded header or token. */
function base64Forms(secret: string): string[] {
  const b64 = btoa(String.fromCodePoint(...new TextEncoder().encode(secret))).replace(/=+$/, '');
  return [b64, b64.replace(/\+/g, '-').replace(/\//g, '_')];
}

function isPlainObject(v: object): boolean {
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}
