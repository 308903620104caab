/**
 * The AWS SDK as bundled for Lambda (lib/bundle-stubs/aws-credentials.mjs stands in for the default credential chain):
 * credentials come from the environment, else a container credentials endpoint; never from profiles or shared files.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { esbuildOptions } from '../../lib/bundle-options.js';
import { startEmulators, type Emulators } from '../../shared/local/emulators.js';

const run = promisify(execFile);
const PROBE = "const m = await import(process.argv[1]); process.stdout.write(await m.readMissingTable());";

let dir: string;
let e: Emulators;
let server: Server;
let credentialRequests = 0;

/** What the bundled client reports for one read, in a fresh Node process with exactly `env` (plus the emulator endpoint). */
async function probe(env: Record<string, string>): Promise<string> {
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', PROBE, pathToFileURL(path.join(dir, 'index.mjs')).href], {
    env: { PATH: process.env.PATH ?? '', HOME: dir, AWS_REGION: e.region, AWS_ENDPOINT_URL_DYNAMODB: e.dynamoEndpoint, AWS_EC2_METADATA_DISABLED: 'true', ...env },
    timeout: 30_000,
  });
  return stdout;
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stratus-aws-bundle-'));
  await build(esbuildOptions(path.join(import.meta.dirname, 'fixtures', 'bundled-aws-call.ts'), dir));
  e = await startEmulators();
  server = createServer((_req, res) => {
    credentialRequests++;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ AccessKeyId: 'container', SecretAccessKey: 'container', Token: 'token', Expiration: new Date(Date.now() + 3600_000).toISOString() }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
}, 60_000);

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await e?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('the AWS SDK as bundled for Lambda', () => {
  it('signs with the credentials in the environment, as Lambda provides them', async () => {
    expect(await probe({ AWS_ACCESS_KEY_ID: 'k', AWS_SECRET_ACCESS_KEY: 's', AWS_SESSION_TOKEN: 't' })).toBe('ResourceNotFoundException');
  });

  it('falls back to the container credentials endpoint when the environment has no keys', async () => {
    const before = credentialRequests;
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/credentials`;
    expect(await probe({ AWS_CONTAINER_CREDENTIALS_FULL_URI: url })).toBe('ResourceNotFoundException');
    expect(credentialRequests).toBeGreaterThan(before);
  });

  it('reads no profile or shared credentials file: without keys in the environment the call fails', async () => {
    const file = path.join(dir, 'credentials');
    fs.writeFileSync(file, '[default]\naws_access_key_id = fromfile\naws_secret_access_key = fromfile\n');
    expect(await probe({ AWS_SHARED_CREDENTIALS_FILE: file, AWS_CONFIG_FILE: path.join(dir, 'config') })).toBe('CredentialsProviderError');
  });
});
