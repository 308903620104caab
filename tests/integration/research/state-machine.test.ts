import { resolve } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import aslValidator from 'asl-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CliContext } from '../../../shared/cli/cli-context.js';
import { runCli } from '../../../shared/cli/run-cli.js';
import { researchKeys } from '../../../shared/research/contract.js';
import { type ResearchOptions } from '../../../shared/research/plans.js';
import { researchPlan } from '../../../functions/research-reduce/handler.js';
import { RESEARCH_STATES } from '../../../lib/research-state-machine.js';
import { execute, objectText, startS3, synthesizedDefinition, uploadRun } from './state-machine-harness.js';

const DATA = resolve(import.meta.dirname, '../../../shared/local/data');
const BUCKET = 'stratus-research-test';
const BTC = ['binance_BTC-USDT_1m.csv.gz'];
const window = { symbols: 'BTC/USDT', timeframe: '1m', from: '2021-05-17', to: '2021-05-20', data: DATA };

describe('research state machine (synthesized ASL on aws-local-stepfunctions, S3 on s3rver)', () => {
  let s3: Awaited<ReturnType<typeof startS3>>;
  const definition = synthesizedDefinition();
  beforeAll(async () => { s3 = await startS3(BUCKET); });
  afterAll(async () => { await s3.close(); });

  it('is a valid Amazon States Language definition whose Distributed Map reads runs/<runId>/items.json', () => {
    const { isValid, errorsText } = aslValidator(definition);
    expect(isValid, errorsText('\n')).toBe(true);
    expect(definition.States[RESEARCH_STATES.map].ItemReader.Parameters).toEqual({ 'Bucket.$': '$.bucket', 'Key.$': '$.itemsKey' });
    expect(definition.States[RESEARCH_STATES.start].Parameters['itemsKey.$']).toBe("States.Format('runs/{}/items.json', $.runId)");
  });

  it('writes the cost-sweep summary.json byte for byte as `stratus cost-sweep --json` on the local worker pool', async () => {
    const options: ResearchOptions = { strategy: 'sma-cross', ...window, levels: '0,10,40' };
    const items = await uploadRun(s3.s3, BUCKET, 'cost-1', 'cost-sweep', options, DATA, BTC);
    const seen = { workerInputs: [] as any[] };
    const output = await execute(definition, s3.s3, { bucket: BUCKET, runId: 'cost-1' }, researchPlan, seen);
    expect(output).toMatchObject({ done: true, runId: 'cost-1', jobs: 3 });
    expect(seen.workerInputs.map((i) => i.item.index).sort()).toEqual([0, 1, 2]);
    expect(seen.workerInputs[0]).toEqual({ bucket: BUCKET, item: items[seen.workerInputs[0].item.index] });
    const local = await localSummary('cost-sweep', options);
    expect(JSON.parse(local).levels.map((l: { trades: number }) => l.trades > 0)).toEqual([true, true, true]);
    expect(await objectText(s3.s3, BUCKET, researchKeys.summary('cost-1'))).toBe(local);
  });

  it('runs walk-forward\'s test windows as a second stage in the same execution, and its summary equals `stratus walk-forward --json`\'s', async () => {
    const options: ResearchOptions = { strategy: 'sma-cross', ...window, train: '1d', test: '1d', grid: 'fast=5,10;slow=30' };
    const stage1 = await uploadRun(s3.s3, BUCKET, 'wf-1', 'walk-forward', options, DATA, BTC);
    const seen = { workerInputs: [] as any[] };
    const output = await execute(definition, s3.s3, { bucket: BUCKET, runId: 'wf-1' }, researchPlan, seen);
    expect(output).toMatchObject({ done: true, stage: 2 });
    expect(seen.workerInputs.length).toBeGreaterThan(stage1.length);
    expect(JSON.parse(await objectText(s3.s3, BUCKET, researchKeys.stageItems('wf-1', 2)))[0].index).toBe(stage1.length);
    expect(await objectText(s3.s3, BUCKET, researchKeys.summary('wf-1'))).toBe(await localSummary('walk-forward', options));
  });

  it('runs optimize\'s holdout of the best combo as a second stage, and its summary equals `stratus optimize --json`\'s', async () => {
    const options: ResearchOptions = { strategy: 'sma-cross', ...window, to: '2021-05-19T12:00:00Z', grid: 'fast=3..12:3;slow=20..40:10', random: '4', seed: '11', objective: 'return', top: '3' };
    const stage1 = await uploadRun(s3.s3, BUCKET, 'opt-1', 'optimize', options, DATA, BTC);
    const seen = { workerInputs: [] as any[] };
    expect(await execute(definition, s3.s3, { bucket: BUCKET, runId: 'opt-1' }, researchPlan, seen)).toMatchObject({ done: true, stage: 2 });
    expect(seen.workerInputs.length).toBe(stage1.length + 1);
    expect(await objectText(s3.s3, BUCKET, researchKeys.summary('opt-1'))).toBe(await localSummary('optimize', options));
  });

  it('fails the execution and writes no summary when a worker refuses its item (a data file name that leaves its folder)', async () => {
    const options: ResearchOptions = { strategy: 'sma-cross', ...window, levels: '0,10' };
    const items = await uploadRun(s3.s3, BUCKET, 'bad-1', 'cost-sweep', options, DATA, BTC);
    const bad = items.map((item) => (item.index === 1 ? { ...item, dataFiles: { '../escape.csv.gz': Object.values(item.dataFiles)[0]! } } : item));
    await s3.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: researchKeys.items('bad-1'), Body: JSON.stringify(bad) }));
    await expect(execute(definition, s3.s3, { bucket: BUCKET, runId: 'bad-1' }, researchPlan)).rejects.toThrow(/not a plain file name/);
    await expect(objectText(s3.s3, BUCKET, researchKeys.summary('bad-1'))).rejects.toThrow(/NoSuchKey|does not exist/);
  });

  it('refuses to reduce a run with a result missing (RESEARCH_RESULTS_MISSING) and writes no summary', async () => {
    const options: ResearchOptions = { strategy: 'sma-cross', ...window, levels: '0,10' };
    const items = await uploadRun(s3.s3, BUCKET, 'short-1', 'cost-sweep', options, DATA, BTC);
    await s3.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: researchKeys.items('short-1'), Body: JSON.stringify(items.slice(0, 1)) }));
    await expect(execute(definition, s3.s3, { bucket: BUCKET, runId: 'short-1' }, researchPlan)).rejects.toThrow('run short-1: no runs/short-1/results/000001.json');
    await expect(objectText(s3.s3, BUCKET, researchKeys.summary('short-1'))).rejects.toThrow(/NoSuchKey|does not exist/);
  });
});

/** The bytes the local command's --json writes for the same options: `stratus <kind> ... --workers 2 --json FILE` (the worker-thread pool). */
async function localSummary(kind: 'cost-sweep' | 'walk-forward' | 'optimize', options: ResearchOptions): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'stratus-research-local-'));
  const none = () => { throw new Error('research commands must not touch the stores'); };
  const ctx: CliContext = { policies: none, state: none, clock: { now: () => 0 }, out: () => {}, err: () => {}, readText: (p) => readFile(p, 'utf8') };
  try {
    const args = Object.entries(options).flatMap(([k, v]) => [`--${k}`, String(v)]);
    expect(await runCli([kind, ...args, '--workers', '2', '--json', join(dir, 'report.json')], ctx)).toBe(0);
    return await readFile(join(dir, 'report.json'), 'utf8');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
