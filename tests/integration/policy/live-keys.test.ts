/**
 * LIVE_WITHOUT_KEYS looks at the exchange secret's content, not at whether its ARN is set (on AWS it always is):
 * the credential parser on real-shaped secret strings, the lazy cached check, and the runtime wiring (buildDeps) with
 * a fake SecretReader, on dynalite. There is no Secrets Manager emulator; the port stands in for it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  KEYS_CHECK_TTL_MS, exchangeKeysValidation, parseExchangeCredentials, type SecretReader,
} from '../../../shared/adapters/exchange-credentials.js';
import { loadConfig } from '../../../shared/runtime/config.js';
import { buildDeps } from '../../../shared/runtime/deps.js';
import { dynamoDocumentClient } from '../../../shared/adapters/aws-clients.js';
import { seedGoLiveReady } from '../../support/go-live.js';
import { ManualClock } from '../../support/store-contracts.js';
import { startPipelineEnv, type PipelineEnv } from '../../support/pipeline-env.js';

const ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:StratusExchangeSecret-AbC123';
/** What lib/exchange-secret.ts creates on deploy, before the operator puts keys in. */
const PLACEHOLDER = '{"exchange":"binance","apiKey":"","secret":"","placeholder":"q3Zr8T!x_Lm2#Vw9"}';
const KEYS = '{"apiKey":"vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A","secret":"NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j"}';
const LIVE = { mode: 'LIVE', liveTradingConfirmed: true, symbols: ['BTC/USDT'] };

/** A SecretReader that serves `value` (or throws it when it is an Error) and counts its reads. */
function fakeReader(value: string | undefined | Error): SecretReader & { reads: number; value: string | undefined | Error } {
  const r = {
    reads: 0, value,
    async read(id: string) {
      r.reads++;
      expect(id).toBe(ARN);
      if (r.value instanceof Error) throw r.value;
      return r.value;
    },
  };
  return r;
}

describe('parseExchangeCredentials on real-shaped secret strings', () => {
  it.each([
    ['the deploy-time placeholder (empty apiKey and secret)', PLACEHOLDER],
    ['whitespace-only keys', '{"apiKey":"  ","secret":"\\t"}'],
    ['a key without its secret', '{"apiKey":"vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A"}'],
    ['keys under other names', '{"key":"a","secretKey":"b"}'],
    ['plain text', 'vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A'],
  ])('refuses %s without echoing it', (_label, text) => {
    const err = (() => { try { parseExchangeCredentials(ARN, text); return undefined; } catch (e) { return e as Error; } })();
    expect(err).toMatchObject({ code: 'EXCHANGE_CREDENTIALS_INVALID' });
    expect(err!.message).not.toContain('vmPUZE6mv9SD5');
  });

  it('accepts a secret holding a non-empty apiKey and secret', () => {
    expect(parseExchangeCredentials(ARN, KEYS)).toMatchObject({ apiKey: expect.stringMatching(/^vmPUZE/), secret: expect.stringMatching(/^NhqP/) });
  });
});

describe('exchangeKeysValidation', () => {
  it('counts the placeholder, and a secret it cannot read, as no keys; re-reads after the short TTL', async () => {
    const clock = new ManualClock();
    const reader = fakeReader(PLACEHOLDER);
    const check = exchangeKeysValidation(ARN, reader, clock);
    expect(await check()).toEqual({ exchangeKeysConfigured: false });
    expect(await check()).toEqual({ exchangeKeysConfigured: false });
    expect(reader.reads).toBe(1);
    reader.value = Object.assign(new Error('User is not authorized to perform: secretsmanager:GetSecretValue'), { name: 'AccessDeniedException' });
    clock.advance(KEYS_CHECK_TTL_MS.absent);
    expect(await check()).toEqual({ exchangeKeysConfigured: false });
    reader.value = KEYS;
    clock.advance(KEYS_CHECK_TTL_MS.absent);
    expect(await check()).toEqual({ exchangeKeysConfigured: true });
    expect(reader.reads).toBe(3);
  });
});

describe('buildDeps validates a LIVE policy against the secret content', () => {
  let env: PipelineEnv;
  let table = 0;
  beforeAll(async () => { env = await startPipelineEnv(`keys${process.pid}`, Date.UTC(2024, 0, 1)); }, 60_000);
  afterAll(async () => { await env?.stop(); });

  /** Deps as a deployed function builds them (exchange secret ARN set), on a fresh policy table prefix whose go-live gate is open. */
  async function depsWith(reader: SecretReader, readsExchangeSecret = true) {
    const { provision } = await import('../../../shared/local/provision.js');
    const { tables } = await provision(env.emulators, `keys${process.pid}t${++table}`);
    await seedGoLiveReady(dynamoDocumentClient(), tables.policy, env.clock.now());
    const config = { ...loadConfig(), exchangeSecretArn: ARN, readsExchangeSecret, tables: { ...loadConfig().tables, policy: tables.policy } };
    return buildDeps(config, { clock: env.clock, secrets: reader });
  }

  it('rejects a LIVE policy (LIVE_WITHOUT_KEYS) while the secret holds the deploy-time placeholder', async () => {
    const deps = await depsWith(fakeReader(PLACEHOLDER));
    await deps.policies.write(LIVE, { by: 'op', at: env.clock.now() });
    const loaded = await deps.policies.load();
    expect(loaded).toMatchObject({ source: 'default', policy: { mode: 'PAPER' }, rejected: { version: 1 } });
    expect(loaded.rejected!.problems).toContainEqual(expect.objectContaining({ path: 'mode', code: 'LIVE_WITHOUT_KEYS' }));
  });

  it('rejects a LIVE policy when the secret cannot be read', async () => {
    const deps = await depsWith(fakeReader(Object.assign(new Error('Secrets Manager can not find the specified secret.'), { name: 'ResourceNotFoundException' })));
    await deps.policies.write(LIVE, { by: 'op', at: env.clock.now() });
    expect((await deps.policies.load()).rejected!.problems).toContainEqual(expect.objectContaining({ code: 'LIVE_WITHOUT_KEYS' }));
  });

  it('leaves LIVE_WITHOUT_KEYS to the functions that hold the keys: one without the grant never reads the secret nor rejects LIVE', async () => {
    const reader = fakeReader(Object.assign(new Error('User is not authorized to perform: secretsmanager:GetSecretValue'), { name: 'AccessDeniedException' }));
    const deps = await depsWith(reader, false);
    await deps.policies.write(LIVE, { by: 'op', at: env.clock.now() });
    expect(await deps.policies.load()).toMatchObject({ source: 'active', policy: { mode: 'LIVE' } });
    expect(reader.reads).toBe(0);
  });

  it('puts a LIVE policy in force once the secret holds keys, reading the secret only for LIVE and only once', async () => {
    const reader = fakeReader(KEYS);
    const deps = await depsWith(reader);
    await deps.policies.write({ mode: 'PAPER', symbols: ['BTC/USDT'] }, { by: 'op', at: env.clock.now() });
    expect(await deps.policies.load()).toMatchObject({ source: 'active', policy: { mode: 'PAPER' } });
    expect(reader.reads).toBe(0);
    await deps.policies.write(LIVE, { by: 'op', at: env.clock.now() });
    env.clock.advance(60_000);
    expect(await deps.policies.load()).toMatchObject({ source: 'active', version: 2, policy: { mode: 'LIVE' } });
    env.clock.advance(60_000);
    await deps.policies.load();
    expect(reader.reads).toBe(1);
  });
});
