/**
 * Every Lambda function's bundle: size and module-initialisation time, against a hello-world bundle, in one run.
 *
 * How to run (from the repository root; no npm script needed):
 *   npx tsx bench/bundles.ts [--runs 10] [--only signal,execution] [--source-maps] [--analyze]
 * or without npm at all, on the project's pinned Node 24:
 *   node_modules/.bin/node node_modules/tsx/dist/cli.mjs bench/bundles.ts
 *
 * What it does:
 * 1. Bundles functions/<name>/handler.ts for every function, and bench/fixtures/hello-world-handler.ts, with
 *    esbuildOptions() from lib/bundle-options.ts — what lib/stratus-function.ts runs at synth (ESM, node24,
 *    minified, the createRequire banner, the AWS SDK bundled, code split so ccxt is a chunk behind import(), the
 *    stand-ins of lib/bundle-options.ts and lib/bundle-stand-ins.ts, no source map unless --source-maps) — into node_modules/.cache/stratus-bench/<name>/, with
 *    <name>.meta.json beside it (--analyze prints esbuild's breakdown; or load it into esbuild's bundle analyzer).
 * 2. Prints each bundle's size (every file, raw and gzipped; and what the entry loads at init) against its goal
 *    (≤ 1 MB; ≤ 1.5 MB for execution and reconcile), the largest packages, and from the metafile whether ccxt is
 *    shipped at all (not in metrics, report, alert-notifier) and evaluated at module init (reached by static
 *    imports) — signal, risk, metrics, report and alert-notifier must not — and that only binance.js of ccxt's
 *    exchange modules is in any bundle. Exits 1 if one of those two checks fails.
 * 3. Imports each bundle in `runs` fresh `node_modules/.bin/node` processes, interleaved, with the Lambda
 *    environment (Powertools variables, resource names, every AWS endpoint at 127.0.0.1, so nothing reaches
 *    the network); prints the median time of the import() against the 100 ms goal.
 * Figures depend on the machine (and on what else runs on it); they are printed, never asserted.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { analyzeMetafile, build, type Metafile } from 'esbuild';
import { bytesByPackage, exchangeModules, loadsCcxtAtInit, outputBytes } from '../lib/bundle-analysis.js';
import { esbuildOptions, REPO_ROOT } from '../lib/bundle-options.js';
import { METRICS_NAMESPACE } from '../shared/metrics-catalog.js';
import { ENV } from '../shared/resources.js';

const OUT = path.join(REPO_ROOT, 'node_modules', '.cache', 'stratus-bench');
const NODE = path.join(REPO_ROOT, 'node_modules', '.bin', 'node');
const MB = 1024 * 1024;
const INIT_GOAL_MS = 100;

/** Each function, its size goal, and whether its normal path talks to the exchange (may load ccxt at init). */
const FUNCTIONS: readonly { name: string; maxBytes: number; exchange: boolean }[] = [
  { name: 'signal', maxBytes: MB, exchange: false },
  { name: 'risk', maxBytes: MB, exchange: false },
  { name: 'metrics', maxBytes: MB, exchange: false },
  { name: 'report', maxBytes: MB, exchange: false },
  { name: 'alert-notifier', maxBytes: MB, exchange: false },
  { name: 'execution', maxBytes: 1.5 * MB, exchange: true },
  { name: 'reconcile', maxBytes: 1.5 * MB, exchange: true },
];

interface Bundle {
  readonly name: string;
  readonly file: string;
  /** Bytes of every output file (index.mjs and its chunks), and of those the entry imports statically. */
  readonly raw: number;
  readonly atInit: number;
  readonly gzip: number;
  readonly metafile: Metafile;
}

async function bundle(name: string, entry: string, sourceMap: boolean): Promise<Bundle> {
  const dir = path.join(OUT, name);
  mkdirSync(dir, { recursive: true });
  rmSync(dir, { recursive: true, force: true });
  const result = await build({ ...esbuildOptions(entry, dir, { sourceMap }), metafile: true, logLevel: 'warning' });
  writeFileSync(path.join(OUT, `${name}.meta.json`), JSON.stringify(result.metafile));
  const { total, atInit } = outputBytes(result.metafile);
  const gzip = readdirSync(dir).filter((f) => f.endsWith('.mjs')).reduce((n, f) => n + gzipSync(readFileSync(path.join(dir, f)), { level: 9 }).length, 0);
  return { name, file: path.join(dir, 'index.mjs'), raw: total, atInit, gzip, metafile: result.metafile };
}

/** The environment a deployed function starts with; every endpoint on loopback, credentials fake. */
function lambdaEnv(sourceMap: boolean): NodeJS.ProcessEnv {
  const loopback = 'http://127.0.0.1:9';
  const names = Object.fromEntries(Object.entries(ENV).map(([key, variable]) => [variable, `bench-${key}`]));
  delete names[ENV.exchangeSecretArn];
  names[ENV.slackWebhookSecretArn] = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:bench-slack';
  return {
    PATH: process.env.PATH, ...names,
    [ENV.signalsQueueUrl]: `${loopback}/000000000000/signals.fifo`, [ENV.ordersQueueUrl]: `${loopback}/000000000000/orders.fifo`,
    [ENV.alertTopicArn]: 'arn:aws:sns:us-east-1:000000000000:bench-alerts',
    ...(sourceMap ? { NODE_OPTIONS: '--enable-source-maps' } : {}),
    AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'bench', AWS_SECRET_ACCESS_KEY: 'bench',
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

const kb = (bytes: number): string => `${(bytes / 1024).toFixed(0)} KB`;

async function main(): Promise<number> {
  const { values } = parseArgs({ options: {
    runs: { type: 'string', default: '10' }, only: { type: 'string' }, 'source-maps': { type: 'boolean', default: false },
    analyze: { type: 'boolean', default: false },
  } });
  const runs = Math.max(1, Number(values.runs));
  const sourceMap = values['source-maps'];
  const only = values.only?.split(',');
  const specs = FUNCTIONS.filter((f) => !only || only.includes(f.name));
  const nodeVersion = spawnSync(NODE, ['--version'], { encoding: 'utf8' }).stdout.trim();
  const bundles = await Promise.all(specs.map((f) => bundle(f.name, path.join(REPO_ROOT, 'functions', f.name, 'handler.ts'), sourceMap)));
  const hello = await bundle('hello-world', path.join(REPO_ROOT, 'bench', 'fixtures', 'hello-world-handler.ts'), sourceMap);

  console.log(`bundles (lib/bundle-options.ts: esm, node24, minify, require banner, AWS SDK bundled, split, stand-ins, source maps ${sourceMap ? 'on' : 'off'}) in ${path.relative(REPO_ROOT, OUT)}/`);
  console.log('  (raw and gzip: every file shipped; at init: index.mjs and the chunks it imports statically)');
  let ok = true;
  for (const [i, b] of bundles.entries()) {
    const spec = specs[i]!;
    const ccxtAtInit = loadsCcxtAtInit(b.metafile);
    const modules = exchangeModules(b.metafile);
    const structural = (spec.exchange || !ccxtAtInit) && modules.every((m) => m === 'binance.js');
    ok &&= structural;
    const goal = b.raw <= spec.maxBytes ? `≤ ${spec.maxBytes / MB} MB ok` : `MISSED ≤ ${spec.maxBytes / MB} MB`;
    const shipped = modules.length > 0 ? 'ccxt shipped, ' : 'no ccxt,      ';
    console.log(`  ${b.name.padEnd(14)} ${kb(b.raw).padStart(8)} raw ${kb(b.gzip).padStart(7)} gzip ${kb(b.atInit).padStart(7)} at init  ${goal.padEnd(16)} ${shipped}at init: ${ccxtAtInit ? 'yes' : 'no '}${structural ? '' : '  (EXPECTED no ccxt at init, only binance.js)'}`);
    console.log(`    ${bytesByPackage(b.metafile).slice(0, 6).map(([p, n]) => `${p} ${kb(n)}`).join(', ')}`);
    if (values.analyze) console.log(await analyzeMetafile(b.metafile, { verbose: false }));
  }
  console.log(`  ${hello.name.padEnd(14)} ${kb(hello.raw).padStart(8)} raw ${kb(hello.gzip).padStart(7)} gzip`);

  const env = lambdaEnv(sourceMap);
  const measured = [...bundles, hello];
  const times = new Map<Bundle, number[]>(measured.map((b) => [b, []]));
  for (const b of measured) initTime(b, env); // warm the file system cache once; not counted
  for (let i = 0; i < runs; i++) {
    for (const b of i % 2 ? [...measured].reverse() : measured) times.get(b)!.push(initTime(b, env));
  }
  console.log(`module initialisation (import() of the bundle, median of ${runs} fresh node ${nodeVersion} processes${sourceMap ? ', --enable-source-maps' : ''}):`);
  for (const b of measured) {
    const t = times.get(b)!;
    const goal = bundles.includes(b) ? (median(t) <= INIT_GOAL_MS ? `≤ ${INIT_GOAL_MS} ms ok` : `MISSED ≤ ${INIT_GOAL_MS} ms`) : '';
    console.log(`  ${b.name.padEnd(18)} median ${median(t).toFixed(1).padStart(6)} ms  (min ${Math.min(...t).toFixed(1)}, max ${Math.max(...t).toFixed(1)})  ${goal}`);
  }
  return ok ? 0 : 1;
}

process.exitCode = await main();
