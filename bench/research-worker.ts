/**
 * `npx tsx bench/research-worker.ts [--data ../shared/data/market] [--symbol BTC/USDT] [--from 2024-01-01] [--to 2025-01-01]`
 *
 * Sizes the research worker Lambda (lib/research-stack.ts RESEARCH_WORKER_MEMORY_MB): one worker job as the Lambda
 * runs it (shared/research/worker.ts: candle file from S3 — s3rver on loopback —, runSweepJob, result to S3) on a year
 * of 1h candles, then the same job again (a warm invocation). Prints each run's duration and the process's peak RSS.
 * The peak is an upper bound of the Lambda's: this process also holds s3rver, tsx and vitest-free test tooling.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { REPO_ROOT } from '../lib/bundle-options.js';
import { researchKeys, type ResearchItem } from '../shared/research/contract.js';
import { runResearchItem } from '../shared/research/worker.js';

const { values } = parseArgs({
  options: {
    data: { type: 'string', default: path.join(REPO_ROOT, '..', 'shared', 'data', 'market') },
    symbol: { type: 'string', default: 'BTC/USDT' }, from: { type: 'string', default: '2024-01-01' }, to: { type: 'string', default: '2025-01-01' },
  },
});
const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
const file = `binance_${values.symbol!.replace('/', '-')}_1h.csv.gz`;
const directory = await mkdtemp(path.join(tmpdir(), 'stratus-bench-s3-'));
const server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory });
const { port } = await server.run();
const s3 = new S3Client({ endpoint: `http://127.0.0.1:${port}`, forcePathStyle: true, region: 'us-east-1', credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
try {
  const bucket = 'bench';
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  const bytes = await readFile(path.join(values.data!, file));
  const key = researchKeys.data(createHash('sha256').update(bytes).digest('hex'), file);
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: bytes }));
  const item: ResearchItem = {
    runId: 'bench', index: 0, dataFiles: { [file]: key },
    job: { label: 'bench', values: { strategy: 'sma-cross', symbols: values.symbol, timeframe: '1h', from: values.from, to: values.to, data: '.' } },
  };
  const before = process.memoryUsage().rss;
  console.log(`research worker job: sma-cross ${values.symbol} 1h ${values.from}..${values.to} (${file}, ${mib(bytes.length)} MiB gzip)`);
  console.log(`  RSS before the first job ${mib(before)} MiB`);
  for (const run of ['cold', 'warm']) {
    const t0 = performance.now();
    await runResearchItem(s3, { bucket, item });
    console.log(`  ${run} job ${(performance.now() - t0).toFixed(0)} ms; peak RSS so far ${mib(process.resourceUsage().maxRSS * 1024)} MiB`);
  }
} finally {
  s3.destroy();
  await server.close();
  await rm(directory, { recursive: true, force: true });
}
