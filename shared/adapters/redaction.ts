/**
 * The one redaction used by every exit of text (logs, alerts, error messages, stored records): the pure
 * rules of domain/redact.ts plus the secret values this process has loaded (registered at credential load).
 */
import { redactText, redactValue } from '../domain/redact.js';
import type { Alert } from '../ports.js';

const known = new Set<string>();

/** Remembers credential values (API key, secret, password, webhook URL) so they are redacted wherever they appear. */
export function registerSecret(...values: readonly (string | undefined)[]): void {
  for (const v of values) if (v) known.add(v);
}

/** Forgets every registered secret (between tests). */
export function forgetSecrets(): void {
  known.clear();
}

/** `text` without credentials: the shape rules of redactText plus every registered secret. */
export function redact(text: string): string {
  return redactText(text, [...known]);
}

/** A deep copy of `value` without credentials (see redactValue). */
export function redactDeep<T>(value: T): T {
  return redactValue(value, [...known]);
}

/**
 * Redacts an error's message and stack in place, down its cause chain, and returns it: for errors kept as
 * a `cause`, which util.inspect, console.error and serialisers print in full.
 */
export function redactError<T>(err: T): T {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 8; e = e.cause, depth++) {
    try {
      e.message = redact(e.message);
      if (e.stack) e.stack = redact(e.stack);
    } catch {
      // a frozen or accessor-only error keeps its text; the logger's redaction still applies
    }
  }
  return err;
}

/**
 * Wraps the outermost alert publisher (dedup, recording, SNS) so that every layer below, the stores of
 * alert episodes and records included, only ever sees the redacted alert; other methods pass through.
 */
export function redactingAlerts<A extends { publish(alert: Alert): Promise<void> }>(inner: A): A {
  function publishRedacted(alert: Alert): Promise<void> {
    return inner.publish(redactDeep(alert));
  }
  return new Proxy(inner, {
    get(target, prop) {
      if (prop === 'publish') return publishRedacted;
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}
