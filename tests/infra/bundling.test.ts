import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import { isBuiltin } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { build, type Metafile } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../lib/app.js';
import { initInputs, loadsCcxtAtInit } from '../../lib/bundle-analysis.js';
import { esbuildOptions } from '../../lib/bundle-options.js';
import { ESM_REQUIRE_BANNER, REPO_ROOT, SOURCE_MAPS_CONTEXT, StratusFunction } from '../../lib/stratus-function.js';
import { ENV } from '../../shared/resources.js';

const run = promisify(execFile);

/** Everything a bundle reads at cold start, pointed at loopback so nothing leaves the machine. */
const RUNTIME_ENV: Record<string, string> = {
  PATH: process.env.PATH ?? '',
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
  AWS_EC2_METADATA_DISABLED: 'true',
  AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
  [ENV.marketTable]: 't-market', [ENV.stateTable]: 't-state', [ENV.policyTable]: 't-policy', [ENV.idempotencyTable]: 't-idem',
  [ENV.signalsQueueUrl]: 'http://127.0.0.1:9/q/signals.fifo', [ENV.ordersQueueUrl]: 'http://127.0.0.1:9/q/orders.fifo',
  [ENV.alertTopicArn]: 'arn:aws:sns:us-east-1:000000000000:alerts',
  [ENV.exchangeSecretArn]: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:exchange',
  [ENV.slackWebhookSecretArn]: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:slack',
};

interface Bundle {
  readonly service: string;
  readonly dir: string;
  readonly bytes: number;
  readonly nodeOptions: string | undefined;
  /** The same entry built by esbuild with lib/bundle-options.ts: its output folder and metafile. */
  readonly shared: { readonly dir: string; readonly metafile: Metafile };
}

/** Functions whose normal path never calls the exchange: ccxt must not be evaluated at their cold start. */
const NO_EXCHANGE_AT_INIT = ['alert-notifier', 'metrics', 'report', 'risk', 'signal'];

/** Entry file of a deployed function, by service name. */
const ENTRY = (service: string): string => path.join(REPO_ROOT, 'functions', service, 'handler.ts');

let outdir: string;
let bundles: Bundle[] = [];

beforeAll(async () => {
  outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'stratus-bundle-'));
  const started = performance.now();
  const { app, stack } = buildApp({ alertEmail: 'ops@example.com' }, { nag: false, outdir });
  const template = app.synth().getStackByName(stack.stackName).template as { Resources: Record<string, any> };
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const functions = Object.values(template.Resources)
    .filter((r) => r.Type === 'AWS::Lambda::Function' && r.Properties.Environment?.Variables?.POWERTOOLS_SERVICE_NAME);
  bundles = await Promise.all(functions.map(async (r) => {
    const service = r.Properties.Environment.Variables.POWERTOOLS_SERVICE_NAME as string;
    const dir = path.join(outdir, `asset.${String(r.Properties.Code.S3Key).replace(/\.zip$/, '')}`);
    const sharedDir = path.join(outdir, 'shared-options', service);
    const result = await build({ ...esbuildOptions(ENTRY(service), sharedDir), metafile: true });
    const bytes = fs.readdirSync(dir).reduce((n, f) => n + fs.statSync(path.join(dir, f)).size, 0);
    return {
      service, dir, bytes, nodeOptions: r.Properties.Environment.Variables.NODE_OPTIONS, shared: { dir: sharedDir, metafile: result.metafile },
    };
  }));
  console.log(`synth with real bundling: ${seconds} s`);
  for (const b of bundles) console.log(`bundle ${b.service.padEnd(15)} ${(b.bytes / 1024).toFixed(0).padStart(6)} KiB  ${Object.keys(b.shared.metafile.inputs).length} inputs`);
}, 300_000);

afterAll(() => {
  if (outdir) fs.rmSync(outdir, { recursive: true, force: true });
});

describe('function bundles (real esbuild)', () => {
  it('bundles all seven functions', () => {
    expect(bundles.map((b) => b.service).sort()).toEqual(['alert-notifier', 'execution', 'metrics', 'reconcile', 'report', 'risk', 'signal']);
  });

  it('emits minified ESM (index.mjs and its chunks) with the createRequire banner and ships no source map by default', () => {
    for (const b of bundles) {
      const files = fs.readdirSync(b.dir);
      expect(files, b.service).toContain('index.mjs');
      expect(files.filter((f) => !/^(index|chunk-[A-Z0-9]+)\.mjs$/.test(f)), b.service).toEqual([]);
      for (const f of files) {
        const code = fs.readFileSync(path.join(b.dir, f), 'utf8');
        expect(code.startsWith(ESM_REQUIRE_BANNER), `${b.service} ${f}`).toBe(true);
        expect(code, `${b.service} ${f}`).not.toContain('sourceMappingURL');
      }
      expect(b.nodeOptions, b.service).toBeUndefined();
    }
  });

  it('bundles each function exactly as lib/bundle-options.ts builds it (what the bench measures)', () => {
    for (const b of bundles) {
      const files = fs.readdirSync(b.dir).sort();
      expect(files, b.service).toEqual(fs.readdirSync(b.shared.dir).sort());
      for (const f of files) expect(fs.readFileSync(path.join(b.dir, f)).equals(fs.readFileSync(path.join(b.shared.dir, f))), `${b.service} ${f}`).toBe(true);
    }
  });

  it('bundles the AWS SDK it uses (the locked version, not the runtime copy) and stays far below the 250 MB unzipped limit', () => {
    for (const b of bundles) {
      const inputs = Object.keys(b.shared.metafile.inputs);
      expect(inputs.some((s) => s.includes('node_modules/@aws-sdk/client-dynamodb/')), b.service).toBe(true);
      const externals = Object.values(b.shared.metafile.outputs).flatMap((o) => o.imports.filter((i) => i.external && !isBuiltin(i.path)).map((i) => i.path));
      expect([...new Set(externals)], b.service).toEqual(externals.length ? ['../protobuf/mexc/compiled.cjs'] : []);
      expect(b.bytes, b.service).toBeLessThan(15 * 1024 * 1024);
    }
  });

  it('replaces undici, protobufjs, ws and fflate (which Binance spot over REST never runs) with the stand-ins', () => {
    for (const b of bundles) {
      const inputs = Object.keys(b.shared.metafile.inputs);
      expect(inputs.filter((s) => /node_modules\/(undici|protobufjs|ws|fflate)\//.test(s)), b.service).toEqual([]);
    }
  });

  it('leaves out the signing code of other venues, ccxt.pro websockets and the AWS SDK credential chain, bowser, event streams and mnemonist', () => {
    const unused = [
      /node_modules\/ccxt\/js\/src\/static_dependencies\/(zklink|dydx-v4-client)\//, /node_modules\/ccxt\/js\/src\/base\/functions\/(starknet|ethabi|msgpack)\.js$/,
      /node_modules\/ccxt\/js\/src\/base\/ws\/(WsClient|Client|OrderBook|OrderBookSide)\.js$/, /node_modules\/(@scure\/starknet|bowser|mnemonist|obliterator)\//,
      /node_modules\/@noble\/(curves\/(secp256k1|nist)|hashes\/sha3)\.js$/, /node_modules\/@aws-sdk\/(credential-provider-(node|ini|sso|process|web-identity|login)|nested-clients|token-providers)\//,
      /node_modules\/@smithy\/core\/dist-es\/submodules\/event-streams\//,
    ];
    for (const b of bundles) {
      expect(Object.keys(b.shared.metafile.inputs).filter((s) => unused.some((u) => u.test(s))), b.service).toEqual([]);
    }
  });

  it('ships ccxt only where the function can call the exchange, and the Secrets Manager client only where a secret is read (exchange keys, Slack webhook)', () => {
    const has = (b: Bundle, file: string) => Object.values(b.shared.metafile.outputs)
      .some((o) => Object.entries(o.inputs).some(([s, i]) => s.includes(`node_modules/${file}`) && i.bytesInOutput > 0));
    // ccxt's error classes (ccxt-errors.ts classifies failures) are small; its exchange code is the ~380 KB.
    expect(bundles.filter((b) => has(b, 'ccxt/js/src/base/Exchange.js')).map((b) => b.service).sort()).toEqual(['execution', 'reconcile', 'risk', 'signal']);
    expect(bundles.filter((b) => has(b, '@aws-sdk/client-secrets-manager/')).map((b) => b.service).sort())
      .toEqual(['alert-notifier', 'execution', 'reconcile']);
  });

  it('does not evaluate ccxt at module init in functions that do not call the exchange on their normal path', () => {
    const atInit = bundles.filter((b) => loadsCcxtAtInit(b.shared.metafile)).map((b) => b.service).sort();
    expect(atInit.filter((s) => NO_EXCHANGE_AT_INIT.includes(s))).toEqual([]);
    // The exchange path is still there, behind import(): the LIVE venue and signal's degraded REST fetch.
    const signal = bundles.find((b) => b.service === 'signal')!;
    expect(Object.keys(signal.shared.metafile.inputs)).toContain('node_modules/ccxt/js/src/binance.js');
    expect([...initInputs(signal.shared.metafile)]).not.toContain('shared/adapters/ccxt-exchange.ts');
  });

  it('loads every bundle under Node 24, with no node_modules beside it, and finds an exported handler', async () => {
    const script = "const m = await import(process.argv[1]); process.exit(typeof m.handler === 'function' ? 0 : 3);";
    for (const b of bundles) {
      const file = path.join(b.dir, 'index.mjs');
      const result = await run(process.execPath, ['--input-type=module', '-e', script, file], { env: RUNTIME_ENV, timeout: 60_000 })
        .then(() => 'loaded', (e: { code?: number; stderr?: string }) => `exit ${e.code}: ${e.stderr?.slice(0, 2000)}`);
      expect(result, b.service).toBe('loaded');
    }
  }, 120_000);
});

describe('the sourceMaps context flag', () => {
  it('ships index.mjs.map and sets NODE_OPTIONS=--enable-source-maps only when the flag asks', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stratus-sourcemap-'));
    try {
      const app = new App({ outdir: dir, context: { [SOURCE_MAPS_CONTEXT]: 'true' } });
      const stack = new Stack(app, 'SourceMaps');
      new StratusFunction(stack, 'Hello', {
        entry: path.join(REPO_ROOT, 'bench', 'fixtures', 'hello-world-handler.ts'), serviceName: 'hello', description: 'x', timeout: Duration.seconds(5),
      });
      const template = app.synth().getStackByName(stack.stackName).template as { Resources: Record<string, any> };
      const fn = Object.values(template.Resources).find((r) => r.Type === 'AWS::Lambda::Function')!;
      const asset = path.join(dir, `asset.${String(fn.Properties.Code.S3Key).replace(/\.zip$/, '')}`);
      expect(fs.readdirSync(asset).sort()).toEqual(['index.mjs', 'index.mjs.map']);
      expect(fs.readFileSync(path.join(asset, 'index.mjs'), 'utf8')).toMatch(/\/\/# sourceMappingURL=index\.mjs\.map\s*$/);
      expect(fn.Properties.Environment.Variables.NODE_OPTIONS).toBe('--enable-source-maps');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
