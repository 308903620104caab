import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { registerSecret } from '../../shared/adapters/redaction.js';

/** The webhook URL inside the secret: either the URL itself or JSON `{ "webhookUrl": "..." }` / `{ "url": "..." }`. */
export function parseWebhookSecret(secretString: string): string {
  const trimmed = secretString.trim();
  if (!trimmed.startsWith('{')) return trimmed;
  try {
    const json = JSON.parse(trimmed) as Record<string, unknown>;
    const url = json.webhookUrl ?? json.url;
    return typeof url === 'string' ? url.trim() : '';
  } catch {
    return '';
  }
}

/**
 * Reads the webhook secret once per execution environment and keeps the result (registered for redaction);
 * a failed read is not kept, so the next invocation tries again.
 */
export function webhookFromSecret(secretId: string, client: SecretsManagerClient = new SecretsManagerClient({})): () => Promise<string> {
  let cached: Promise<string> | undefined;
  return function webhookUrl() {
    cached ??= client.send(new GetSecretValueCommand({ SecretId: secretId })).then(
      (r) => {
        const url = parseWebhookSecret(r.SecretString ?? '');
        registerSecret(url);
        return url;
      },
      (error: unknown) => {
        cached = undefined;
        throw error;
      },
    );
    return cached;
  };
}
