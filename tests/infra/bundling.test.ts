import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../lib/app.js';
import { ESM_REQUIRE_BANNER, REPO_ROOT } from '../../lib/stratus-function.js';
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
  readonly sources: readonly string[];
}

let outdir: string;
let bundles: Bundle[] = [];

beforeAll(() => {
  outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'stratus-bundle-'));
  const started = performance.now();
  const { app, stack } = buildApp({ alertEmail: 'ops@example.com' }, { nag: false, outdir });
  const template = app.synth().getStackByName(stack.stackName).template as { Resources: Record<string, any> };
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  bundles = Object.values(template.Resources)
    .filter((r) => r.Type === 'AWS::Lambda::Function' && r.Properties.Environment?.Variables?.POWERTOOLS_SERVICE_NAME)
    .map((r) => {
      const dir = path.join(outdir, `asset.${String(r.Properties.Code.S3Key).replace(/\.zip$/, '')}`);
      const map = JSON.parse(fs.readFileSync(path.join(dir, 'index.mjs.map'), 'utf8')) as { sources: string[] };
      return { service: r.Properties.Environment.Variables.POWERTOOLS_SERVICE_NAME, dir, bytes: fs.statSync(path.join(dir, 'index.mjs')).size, sources: map.sources };
    });
  // The bundles leave @aws-sdk/* to the Lambda runtime; locally the repository's copy stands in for it.
  fs.symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(outdir, 'node_modules'), 'dir');
  console.log(`synth with real bundling: ${seconds} s`);
  for (const b of bundles) console.log(`bundle ${b.service.padEnd(15)} ${(b.bytes / 1024).toFixed(0).padStart(6)} KiB  ${b.sources.length} sources`);
}, 300_000);

afterAll(() => {
  if (outdir) fs.rmSync(outdir, { recursive: true, force: true });
});

describe('function bundles (real esbuild)', () => {
  it('bundles all seven functions', () => {
    expect(bundles.map((b) => b.service).sort()).toEqual(['alert-notifier', 'execution', 'metrics', 'reconcile', 'report', 'risk', 'signal']);
  });

  it('emits minified ESM with the createRequire banner and a source map', () => {
    for (const b of bundles) {
      const code = fs.readFileSync(path.join(b.dir, 'index.mjs'), 'utf8');
      expect(code.startsWith(ESM_REQUIRE_BANNER), b.service).toBe(true);
      expect(code, b.service).toMatch(/\/\/# sourceMappingURL=index\.mjs\.map\s*$/);
    }
  });

  it('leaves @aws-sdk/* to the runtime and stays far below the 250 MB unzipped limit', () => {
    for (const b of bundles) {
      expect(b.sources.filter((s) => s.includes('node_modules/@aws-sdk/')), b.service).toEqual([]);
      expect(b.bytes, b.service).toBeLessThan(15 * 1024 * 1024);
    }
  });

  it('loads every bundle under Node 24 and finds an exported handler', async () => {
    const script = "const m = await import(process.argv[1]); process.exit(typeof m.handler === 'function' ? 0 : 3);";
    for (const b of bundles) {
      const file = path.join(b.dir, 'index.mjs');
      const result = await run(process.execPath, ['--enable-source-maps', '--input-type=module', '-e', script, file], { env: RUNTIME_ENV, timeout: 60_000 })
        .then(() => 'loaded', (e: { code?: number; stderr?: string }) => `exit ${e.code}: ${e.stderr?.slice(0, 2000)}`);
      expect(result, b.service).toBe('loaded');
    }
  }, 120_000);
});
