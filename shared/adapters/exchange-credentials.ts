/** Exchange API keys for LIVE trading, read from a Secrets Manager secret and cached per container. */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { StratusError } from '../domain/errors.js';
import { registerSecret } from './redaction.js';

/** The secret's JSON: {"apiKey": "...", "secret": "..."} (password only for exchanges that need one). */
export interface ExchangeCredentials {
  readonly apiKey: string;
  readonly secret: string;
  readonly password?: string;
}

/** The secret is missing, unreadable or not the expected JSON. Never carries the secret's value. */
export class ExchangeCredentialsError extends StratusError {
  override readonly name = 'ExchangeCredentialsError';
  constructor(secretArn: string, problem: string, options?: { cause?: unknown }) {
    super('EXCHANGE_CREDENTIALS_INVALID', `exchange credentials ${secretArn}: ${problem}`, false, options);
  }
}

/** Parses a secret string; throws ExchangeCredentialsError naming the problem, not the value. */
export function parseExchangeCredentials(secretArn: string, secretString: string | undefined): ExchangeCredentials {
  if (!secretString) throw new ExchangeCredentialsError(secretArn, 'secret has no SecretString');
  let doc: unknown;
  try {
    doc = JSON.parse(secretString);
  } catch {
    throw new ExchangeCredentialsError(secretArn, 'SecretString is not JSON');
  }
  const { apiKey, secret, password } = (doc ?? {}) as Record<string, unknown>;
  if (typeof apiKey !== 'string' || !apiKey.trim() || typeof secret !== 'string' || !secret.trim()) {
    throw new ExchangeCredentialsError(secretArn, 'expected non-empty string fields "apiKey" and "secret"');
  }
  registerSecret(apiKey, secret, typeof password === 'string' ? password : undefined);
  return typeof password === 'string' && password ? { apiKey, secret, password } : { apiKey, secret };
}

const cache = new Map<string, Promise<ExchangeCredentials>>();
let defaultClient: SecretsManagerClient | undefined;

/**
 * Loads and caches the credentials of one secret for the life of the container; a failed
 * load is not cached, so the next invocation tries again.
 */
export function loadExchangeCredentials(secretArn: string, client?: SecretsManagerClient): Promise<ExchangeCredentials> {
  const cached = cache.get(secretArn);
  if (cached) return cached;
  const sm = client ?? (defaultClient ??= new SecretsManagerClient({}));
  const loading = sm.send(new GetSecretValueCommand({ SecretId: secretArn }))
    .then((out) => parseExchangeCredentials(secretArn, out.SecretString))
    .catch((err: unknown) => {
      cache.delete(secretArn);
      if (err instanceof StratusError) throw err;
      const name = (err as { name?: string }).name ?? 'Error';
      const retryable = !['ResourceNotFoundException', 'AccessDeniedException', 'DecryptionFailure'].includes(name);
      throw new StratusError('EXCHANGE_CREDENTIALS_UNAVAILABLE', `exchange credentials ${secretArn}: ${name}`, retryable, { cause: err });
    });
  cache.set(secretArn, loading);
  return loading;
}

/** Forgets cached credentials (after a key rotation, or between tests). */
export function clearExchangeCredentialsCache(): void {
  cache.clear();
}

/** Reads a secret's string by id; a port so the LIVE key check can be wired to a fake in tests. */
export interface SecretReader {
  read(secretId: string): Promise<string | undefined>;
}

/** Secrets Manager GetSecretValue as a SecretReader. */
export function secretsManagerReader(client?: SecretsManagerClient): SecretReader {
  return {
    read: async (secretId) => {
      const sm = client ?? (defaultClient ??= new SecretsManagerClient({}));
      return (await sm.send(new GetSecretValueCommand({ SecretId: secretId }))).SecretString;
    },
  };
}

/** How long an answer of exchangeKeysValidation is reused: keys present, and keys absent or unreadable. */
export const KEYS_CHECK_TTL_MS = { present: 15 * 60_000, absent: 60_000 } as const;

/**
 * Deployment facts for LIVE validation: whether the secret holds a non-empty apiKey and secret. Read lazily (on the
 * first LIVE document) and cached per KEYS_CHECK_TTL_MS; a failed read counts as not configured. The content is never
 * logged or returned.
 */
export function exchangeKeysValidation(secretArn: string, reader: SecretReader, clock: { now(): number }): () => Promise<{ exchangeKeysConfigured: boolean }> {
  let cached: { answer: Promise<boolean>; until: number } | undefined;
  const check = async (): Promise<boolean> => {
    try {
      parseExchangeCredentials(secretArn, await reader.read(secretArn));
      return true;
    } catch {
      return false;
    }
  };
  return async () => {
    const now = clock.now();
    if (!cached || now >= cached.until) {
      const answer = check();
      cached = { answer, until: Infinity };
      cached.until = now + ((await answer) ? KEYS_CHECK_TTL_MS.present : KEYS_CHECK_TTL_MS.absent);
    }
    return { exchangeKeysConfigured: await cached.answer };
  };
}
