import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { redact } from '../adapters/redaction.js';
import { REDACTED, isSensitiveKey } from '../domain/redact.js';

/**
 * JSON replacer of every log line: each string (message, attribute, error message, stack, cause, at any
 * depth: JSON.stringify calls it on the formatted error's fields too) goes through the one redaction, and
 * the value of a credential-named key is dropped whole.
 */
export function redactingReplacer(key: string, value: unknown): unknown {
  if (key !== '' && isSensitiveKey(key) && value !== undefined && value !== null) return REDACTED;
  return typeof value === 'string' ? redact(value) : value;
}

/** The one structured logger of every Stratus process (service name from POWERTOOLS_SERVICE_NAME); credentials are redacted. */
export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'stratus', jsonReplacerFn: redactingReplacer });

/** The one EMF metrics emitter (namespace from POWERTOOLS_METRICS_NAMESPACE, default Stratus). */
export const metrics = new Metrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'Stratus',
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'stratus',
});
