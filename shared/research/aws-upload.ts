// The candle files a research plan reads, and their upload to the research bucket: content-addressed by sha256
// (researchKeys.data), so a file already there (HeadObject finds it) is never sent again.
import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { SweepJob } from '../backtest/sweep-pool-job.js';
import { parseCandleFileName } from '../local/candle-files.js';
import { researchKeys } from './contract.js';

/** One local candle file a job reads: its name (as readCandleDir expects it) and where it is. */
export interface DataFile {
  readonly name: string;
  readonly path: string;
}

/** The files a job's backtest reads: the named file, or those of the folder for its symbols and timeframe. */
export async function jobDataFiles(job: SweepJob): Promise<DataFile[]> {
  const data = job.values.data;
  if (!data) throw new Error(`${job.label}: no --data`);
  if (!(await stat(data)).isDirectory()) return [{ name: path.basename(data), path: path.resolve(data) }];
  const symbols = (job.values.symbols ?? '').split(',').map((s) => s.trim());
  return (await readdir(data)).filter((name) => {
    const f = parseCandleFileName(name);
    return f !== undefined && f.exchange === 'binance' && symbols.includes(f.symbol) && f.timeframe === job.values.timeframe;
  }).sort().map((name) => ({ name, path: path.resolve(data, name) }));
}

/** A file's S3 key under data/ (sha256 of its bytes) and its bytes. */
export async function hashedFile(file: DataFile): Promise<{ key: string; body: Buffer }> {
  const body = await readFile(file.path);
  return { key: researchKeys.data(createHash('sha256').update(body).digest('hex'), file.name), body };
}

/** One file's place in the bucket: its key, its bytes, whether the bucket already has it (HeadObject). */
export interface UploadEntry {
  readonly file: DataFile;
  readonly key: string;
  readonly body: Buffer;
  readonly present: boolean;
}

/** Hashes each distinct file and asks the bucket (HeadObject) whether it has it; writes nothing. */
export async function checkUploads(s3: S3Client, bucket: string, files: readonly DataFile[]): Promise<UploadEntry[]> {
  const entries = new Map<string, UploadEntry>();
  for (const file of files) {
    if (entries.has(file.path)) continue;
    const { key, body } = await hashedFile(file);
    entries.set(file.path, { file, key, body, present: await exists(s3, bucket, key) });
  }
  return [...entries.values()];
}

/** PutObject of each entry the bucket does not have; answers the keys sent. */
export async function putMissing(s3: S3Client, bucket: string, entries: readonly UploadEntry[]): Promise<string[]> {
  const sent: string[] = [];
  for (const e of entries.filter((x) => !x.present)) {
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: e.key, Body: e.body }));
    sent.push(e.key);
  }
  return sent;
}
/** Whether the bucket has the key (HeadObject: 404 is no, other errors are thrown). */
async function exists(s3: S3Client, bucket: string, key: string): Promise<boolean> {
  try {
    await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return true;
  } catch (error) {
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (status === 404 || (error as Error).name === 'NotFound') return false;
    throw error;
  }
}
