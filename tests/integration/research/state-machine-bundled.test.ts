import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleSync } from '../../../lib/bundle-build.js';
import { researchKeys } from '../../../shared/research/contract.js';
import { researchPlan } from '../../../functions/research-reduce/handler.js';
import { execute, objectText, startS3, synthesizedDefinition, uploadRun, type ResearchHandlers } from './state-machine-harness.js';

const ROOT = resolve(import.meta.dirname, '../../..');
const DATA = join(ROOT, 'shared/local/data');
const BUCKET = 'stratus-research-bundled';

describe('research state machine on the bundled worker and reduce functions (lib/bundle-options.ts, as synth builds them)', () => {
  let s3: Awaited<ReturnType<typeof startS3>>;
  let out: string;
  let bundled: ResearchHandlers;
  beforeAll(async () => {
    s3 = await startS3(BUCKET);
    const endpoint = await s3.s3.config.endpoint!();
    // What the bundles' S3Client({}) reads: the Lambda environment, pointed at s3rver.
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_S3: `${endpoint.protocol}//${endpoint.hostname}:${endpoint.port}`, AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER',
    });
    out = await mkdtemp(join(tmpdir(), 'stratus-research-bundles-'));
    const load = async (fn: string) => {
      bundleSync(join(ROOT, 'functions', fn, 'handler.ts'), join(out, fn), {});
      return (await import(join(out, fn, 'index.mjs'))).handler as (event: unknown) => Promise<unknown>;
    };
    bundled = { worker: await load('research-worker'), reduce: await load('research-reduce') };
  }, 120_000);
  afterAll(async () => {
    await s3.close();
    await rm(out, { recursive: true, force: true });
  });

  it('writes the same summary.json as the in-process handlers for the same cost-sweep plan', async () => {
    const options = { strategy: 'sma-cross', symbols: 'BTC/USDT', timeframe: '1m', from: '2021-05-17', to: '2021-05-20', data: DATA, levels: '0,10' };
    const definition = synthesizedDefinition();
    for (const runId of ['bundled', 'in-process']) await uploadRun(s3.s3, BUCKET, runId, 'cost-sweep', options, DATA, ['binance_BTC-USDT_1m.csv.gz']);
    await execute(definition, s3.s3, { bucket: BUCKET, runId: 'bundled' }, researchPlan, undefined, bundled);
    await execute(definition, s3.s3, { bucket: BUCKET, runId: 'in-process' }, researchPlan);
    const summary = await objectText(s3.s3, BUCKET, researchKeys.summary('bundled'));
    expect(JSON.parse(summary).levels).toHaveLength(2);
    expect(summary).toBe(await objectText(s3.s3, BUCKET, researchKeys.summary('in-process')));
  });
});
