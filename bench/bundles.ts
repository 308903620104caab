/**
 * Execution function bundle: size and module-initialisation time, against a hello-world bundle, in one run.
 *
 * How to run (from the repository root; no npm script needed):
 *   npx tsx bench/execution-bundle.ts [--runs 20]
 * or without npm at all, on the project's pinned Node 24:
 *   node_modules/.bin/node node_modules/tsx/dist/cli.mjs bench/execution-bundle.ts
 *
 * What it does:
 * 1. Bundles functions/execution/handler.ts and bench/fixtures/hello-world-handler.ts with esbuild exactly as
 *    lib/stratus-function.ts has NodejsFunction do it (ESM, node24, main fields module,main, minified, source
 *    map without sources, the createRequire banner, @aws-sdk/* external) into node_modules/.cache/stratus-bench/.
 * 2. Prints each bundle's size, raw and gzipped, and checks from the esbuild metafile that the execution
 *    bundle holds only binance.js of ccxt's exchange modules (ccxt/js/src/*.js); exits 1 otherwise.
 * 3. Imports each bundle in `runs` fresh `node_modules/.bin/node` processes, alternating, with the Lambda
 *    environment (NODE_OPTIONS=--enable-source-maps, Powertools variables, resource names) and every AWS
 *    endpoint at 127.0.0.1, so nothing reaches the network; prints the median time of the import(). For
 *    context it also times a module importing only the execution bundle's externals (the AWS SDK clients,
 *    which Lambda loads from its runtime, here from node_modules): that share of the init is not the bundle's.
 * Figures depend on the machine; they are printed, never asserted.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { build, type Metafile } from 'esbuild';
import { ESM_REQUIRE_BANNER, METRICS_NAMESPACE, REPO_ROOT } from '../lib/stratus-function.js';
import { ENV } from '../shared/resources.js';

const OUT = path.join(REPO_ROOT, 'node_modules', '.cache', 'stratus-bench');
const NODE = path.join(REPO_ROOT, 'node_modules', '.bin', 'node');
const EXCHANGE_MODULE = /node_modules\/ccxt\/js\/src\/([^/]+)\.js$/;

interface Bundle {
  readonly name: string;
  readonly file: string;
  readonly raw: number;
  readonly gzip: number;
  readonly metafile: Metafile;
}

/** esbuild with the options NodejsFunction derives from StratusFunction's bundling props. */
async function bundle(name: string, entry: string): Promise<Bundle> {
  const dir = path.join(OUT, name);
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'index.mjs');
  const result = await build({
    absWorkingDir: REPO_ROOT,
    entryPoints: [path.relative(REPO_ROOT, entry)],
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'esm',
    outfile: file,
    minify: true,
    sourcemap: true,
    sourcesContent: false,
    external: ['@aws-sdk/*'],
    banner: { js: ESM_REQUIRE_BANNER },
    mainFields: ['module', 'main'],
    metafile: true,
    logLevel: 'warning',
  });
  const bytes = readFileSync(file);
  return { name, file, raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length, metafile: result.metafile };
}

/** ccxt exchange modules (ccxt/js/src/<exchange>.js) in a bundle, by file name. */
function exchangeModules(metafile: Metafile): string[] {
  return Object.keys(metafile.inputs).flatMap((input) => {
    const m = EXCHANGE_MODULE.exec(input);
    return m ? [`${m[1]}.js`] : [];
  }).sort();
}

/** Bytes each top-level package contributes to the output (ccxt, @aws-lambda-powertools, ...), largest first. */
function largestPackages(metafile: Metafile, top = 5): string {
  const output = Object.values(metafile.outputs).find((o) => o.entryPoint)!;
  const byPackage = new Map<string, number>();
  for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
    const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
    const key = m ? m[1]! : '(project)';
    byPackage.set(key, (byPackage.get(key) ?? 0) + bytesInOutput);
  }
  return [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, top).map(([p, b]) => `${p} ${kb(b)}`).join(', ');
}

/** A module that statically imports only the @aws-sdk/* packages `b` leaves external (Lambda's runtime provides them), as `b` does. */
function externalsOnly(b: Bundle): Bundle {
  const output = Object.values(b.metafile.outputs).find((o) => o.entryPoint)!;
  const externals = [...new Set(output.imports.filter((i) => i.external && i.kind === 'import-statement' && i.path.startsWith('@aws-sdk/')).map((i) => i.path))].sort();
  const dir = path.join(OUT, `${b.name}-externals`);
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'index.mjs');
  writeFileSync(file, `${externals.map((m) => `import ${JSON.stringify(m)};`).join('\n')}\nexport const handler = () => undefined;\n`);
  return { name: `${b.name}-externals`, file, raw: 0, gzip: 0, metafile: { inputs: {}, outputs: {} } };
}

/** The environment a deployed function starts with; every endpoint on loopback, credentials fake. */
function lambdaEnv(): NodeJS.ProcessEnv {
  const loopback = 'http://127.0.0.1:9';
  const names = Object.fromEntries(Object.entries(ENV).map(([key, variable]) => [variable, `bench-${key}`]));
  delete names[ENV.exchangeSecretArn];
  delete names[ENV.slackWebhookSecretArn];
  return {
    PATH: process.env.PATH, ...names,
    [ENV.signalsQueueUrl]: `${loopback}/000000000000/signals.fifo`, [ENV.ordersQueueUrl]: `${loopback}/000000000000/orders.fifo`,
    [ENV.alertTopicArn]: 'arn:aws:sns:us-east-1:000000000000:bench-alerts',
    NODE_OPTIONS: '--enable-source-maps', AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'bench', AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_ENDPOINT_URL: loopback, AWS_ENDPOINT_URL_DYNAMODB: loopback, AWS_ENDPOINT_URL_SQS: loopback, AWS_ENDPOINT_URL_SNS: loopback,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: loopback, AWS_EC2_METADATA_DISABLED: 'true',
    POWERTOOLS_SERVICE_NAME: 'bench', POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE, POWERTOOLS_LOG_LEVEL: 'INFO',
  };
}

const IMPORT_SCRIPT = `
const t0 = performance.now();
const mod = await import(process.env.BENCH_MODULE);
const ms = performance.now() - t0;
if (typeof mod.handler !== 'function') throw new Error('bundle exports no handler');
process.stdout.write(String(ms));
`;

/** Milliseconds one fresh node process spends in import() of the bundle. */
function initTime(b: Bundle, env: NodeJS.ProcessEnv): number {
  const run = spawnSync(NODE, ['--input-type=module', '-e', IMPORT_SCRIPT], {
    env: { ...env, BENCH_MODULE: pathToFileURL(b.file).href }, encoding: 'utf8', timeout: 30_000,
  });
  const ms = Number(run.stdout);
  if (run.status !== 0 || !Number.isFinite(ms)) throw new Error(`importing ${b.name} failed (${run.status}): ${run.stderr}`);
  return ms;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function kb(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KB`;
}

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '20' } } });
  const runs = Math.max(1, Number(values.runs));
  const nodeVersion = spawnSync(NODE, ['--version'], { encoding: 'utf8' }).stdout.trim();
  const execution = await bundle('execution', path.join(REPO_ROOT, 'functions', 'execution', 'handler.ts'));
  const hello = await bundle('hello-world', path.join(REPO_ROOT, 'bench', 'fixtures', 'hello-world-handler.ts'));

  console.log(`bundles (esbuild as lib/stratus-function.ts: esm, node24, minify, require banner, @aws-sdk/* external) in ${path.relative(REPO_ROOT, OUT)}/`);
  for (const b of [execution, hello]) console.log(`  ${b.name.padEnd(11)} ${kb(b.raw).padStart(10)} raw  ${kb(b.gzip).padStart(9)} gzip`);
  console.log(`  execution, largest packages: ${largestPackages(execution.metafile)}`);
  const modules = exchangeModules(execution.metafile);
  const onlyBinance = modules.length === 1 && modules[0] === 'binance.js';
  console.log(`  ccxt exchange modules in the execution bundle: ${modules.join(', ') || 'none'} ${onlyBinance ? '(only binance.js: ok)' : '(EXPECTED only binance.js)'}`);

  const env = lambdaEnv();
  const sdk = externalsOnly(execution);
  const measured = [execution, hello, sdk];
  const times: Record<string, number[]> = Object.fromEntries(measured.map((b) => [b.name, []]));
  for (const b of measured) initTime(b, env); // warm the file system cache once; not counted
  for (let i = 0; i < runs; i++) {
    for (const b of i % 2 ? [...measured].reverse() : measured) times[b.name]!.push(initTime(b, env));
  }
  console.log(`module initialisation (import() of the bundle, median of ${runs} fresh node ${nodeVersion} processes, NODE_OPTIONS=--enable-source-maps):`);
  for (const b of measured) {
    const t = times[b.name]!;
    const what = b === sdk ? '  (its external @aws-sdk/* imports alone: part of the execution figure)' : '';
    console.log(`  ${b.name.padEnd(19)} median ${median(t).toFixed(1).padStart(7)} ms   (min ${Math.min(...t).toFixed(1)}, max ${Math.max(...t).toFixed(1)})${what}`);
  }
  return onlyBinance ? 0 : 1;
}

process.exitCode = await main();
