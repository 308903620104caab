/**
 * One research job on AWS (the worker Lambda's body): download the item's candle files from the research bucket into
 * a temporary folder, write its inline policy next to them, run the job with runSweepJob — the engine code the local
 * worker pool runs — and write the ResearchResult to researchKeys.result. The folder is removed afterwards.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { runSweepJob } from '../backtest/sweep-pool-job.js';
import { StratusError } from '../domain/errors.js';
import { researchKeys, type ResearchItem, type ResearchResult } from './contract.js';

/** What the Distributed Map passes to the worker (its ItemSelector): the bucket and one item of items.json. */
export interface ResearchWorkerInput {
  readonly bucket: string;
  readonly item: ResearchItem;
}

/** A research item the worker cannot run as given (a file name that leaves the folder, a user strategy module). */
export class ResearchItemInvalidError extends StratusError {
  override readonly name = 'ResearchItemInvalidError';
  constructor(message: string) {
    super('RESEARCH_ITEM_INVALID', message, false);
  }
}

/** Runs `input.item` and writes its result; answers `{ index }` (the result itself is in S3, not in the state). */
export async function runResearchItem(s3: S3Client, input: ResearchWorkerInput): Promise<{ index: number }> {
  const { bucket, item } = input;
  if ((item.job.strategyFiles ?? []).length > 0) {
    throw new ResearchItemInvalidError(`item ${item.index}: user strategy modules do not run on AWS (${item.job.strategyFiles!.join(', ')})`);
  }
  const dir = await mkdtemp(path.join(tmpdir(), 'stratus-research-'));
  try {
    const data = path.join(dir, 'data');
    await downloadDataFiles(s3, bucket, item, data);
    const policy = item.policy === undefined ? undefined : path.join(dir, 'policy.json');
    if (policy) await writeFile(policy, JSON.stringify(item.policy));
    const job = { ...item.job, values: { ...item.job.values, data, policy } };
    const result = await runSweepJob(job, (file) => readFile(file, 'utf8'));
    const body: ResearchResult = { index: item.index, result };
    await s3.send(new PutObjectCommand({
      Bucket: bucket, Key: researchKeys.result(item.runId, item.index), Body: JSON.stringify(body), ContentType: 'application/json',
    }));
    return { index: item.index };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function downloadDataFiles(s3: S3Client, bucket: string, item: ResearchItem, folder: string): Promise<void> {
  await mkdir(folder, { recursive: true });
  for (const [name, key] of Object.entries(item.dataFiles)) {
    if (name !== path.basename(name) || name.startsWith('.')) throw new ResearchItemInvalidError(`item ${item.index}: data file name ${JSON.stringify(name)} is not a plain file name`);
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    await writeFile(path.join(folder, name), await object.Body!.transformToByteArray());
  }
}
