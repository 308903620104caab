/**
 * A loopback stand-in for Secrets Manager's GetSecretValue (AWS JSON 1.1 protocol), so the real SDK client
 * and the real credential loader (shared/adapters/exchange-credentials.ts) read a secret the test chose.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A running fake: its endpoint for the SDK (`endpoint` option or AWS_ENDPOINT_URL_SECRETS_MANAGER). */
export interface FakeSecretsManager {
  readonly endpoint: string;
  /** GetSecretValue calls served, by SecretId. */
  readonly reads: string[];
  stop(): Promise<void>;
}

/** Serves `secrets` (SecretId or ARN → SecretString); an unknown id gets ResourceNotFoundException. */
export async function startFakeSecretsManager(secrets: Readonly<Record<string, string>>): Promise<FakeSecretsManager> {
  const reads: string[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      const { SecretId } = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as { SecretId?: string };
      const reply = (status: number, body: unknown) =>
        res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify(body));
      if (target !== 'secretsmanager.GetSecretValue') return reply(400, { __type: 'InvalidRequestException', message: `unsupported ${target}` });
      const value = SecretId === undefined ? undefined : secrets[SecretId];
      if (value === undefined) return reply(400, { __type: 'ResourceNotFoundException', message: 'Secrets Manager can\'t find the specified secret.' });
      reads.push(SecretId!);
      return reply(200, { ARN: SecretId, Name: SecretId!.split(':').at(-1), SecretString: value, VersionId: 'v1', VersionStages: ['AWSCURRENT'] });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    reads,
    stop: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
