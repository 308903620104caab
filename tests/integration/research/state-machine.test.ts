import { resolve } from 'node:path';
import aslValidator from 'asl-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSweepPool } from '../../../shared/backtest/sweep-pool.js';
import { researchKeys } from '../../../shared/research/contract.js';
import { type ResearchOptions } from '../../../shared/research/plans.js';
import { runResearchLocally } from '../../../shared/research/run-local.js';
import { summaryText } from '../../../shared/research/reduce.js';
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

  it('writes the cost-sweep summary.json byte for byte as the local worker pool and reduce do for the same plan', async () => {
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

  it('runs walk-forward\'s test windows as a second stage in the same execution, and its summary equals the local run\'s', async () => {
    const options: ResearchOptions = { strategy: 'sma-cross', ...window, train: '1d', test: '1d', grid: 'fast=5,10;slow=30' };
    const stage1 = await uploadRun(s3.s3, BUCKET, 'wf-1', 'walk-forward', options, DATA, BTC);
    const seen = { workerInputs: [] as any[] };
    const output = await execute(definition, s3.s3, { bucket: BUCKET, runId: 'wf-1' }, researchPlan, seen);
    expect(output).toMatchObject({ done: true, stage: 2 });
    expect(seen.workerInputs.length).toBeGreaterThan(stage1.length);
    expect(JSON.parse(await objectText(s3.s3, BUCKET, researchKeys.stageItems('wf-1', 2)))[0].index).toBe(stage1.length);
    expect(await objectText(s3.s3, BUCKET, researchKeys.summary('wf-1'))).toBe(await localSummary('walk-forward', options));
  });
});

/** What the local command's --json writes for the plan: runResearchLocally on the worker-thread pool. */
async function localSummary(kind: 'cost-sweep' | 'walk-forward', options: ResearchOptions): Promise<string> {
  const pool = createSweepPool(2);
  try {
    return summaryText((await runResearchLocally(kind, options, pool)).report);
  } finally {
    await pool.close();
  }
}
