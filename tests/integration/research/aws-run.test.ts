import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CliContext } from '../../../shared/cli/cli-context.js';
import type { CommandSpec, OptionValues } from '../../../shared/cli/command-spec.js';
import { costSweepSpec } from '../../../shared/cli/research-commands.js';
import { command as optimizeSpec } from '../../../shared/cli/optimize-command.js';
import { command as walkForwardSpec } from '../../../shared/cli/walk-forward-command.js';
import { researchOnAws } from '../../../shared/research/aws-command.js';
import type { AwsResearchTarget, ConfirmIo } from '../../../shared/research/aws-run.js';
import { runResearchItem } from '../../../shared/research/worker.js';
import { reduceRun } from '../../../shared/research/reduce.js';
import { researchPlan } from '../../../functions/research-reduce/handler.js';
import { RESEARCH_STATES } from '../../../lib/research-state-machine.js';
import { startFakeSfn, type FakeSfn } from '../../support/fake-sfn.js';
import { startS3, synthesizedDefinition } from './state-machine-harness.js';

const DATA = resolve(import.meta.dirname, '../../../shared/local/data');
const BUCKET = 'stratus-research-aws-run';
const window = { strategy: 'sma-cross', symbols: 'BTC/USDT', timeframe: '1m', from: '2021-05-17', to: '2021-05-20', data: DATA };

/** A command context capturing stdout and stderr; stdin/stderr are not terminals. */
function capture(): { ctx: CliContext; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  const none = () => { throw new Error('no table in a research run'); };
  const ctx: CliContext = {
    policies: none, state: none, clock: { now: () => Date.parse('2026-12-03T11:00:00Z') },
    out: (t) => out.push(t), err: (t) => err.push(t), readText: (p) => readFile(p, 'utf8'),
  };
  return { ctx, out, err };
}

/** Sets (or, for undefined, removes) environment variables; answers how to put them back. */
function withEnv(vars: Record<string, string | undefined>): () => void {
  const before = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  const apply = (v: Record<string, string | undefined>) => {
    for (const [k, value] of Object.entries(v)) if (value === undefined) delete process.env[k]; else process.env[k] = value;
  };
  apply(vars);
  return () => apply(before);
}

const yes: ConfirmIo = { isTty: false, ask: () => Promise.reject(new Error('must not ask with --yes')) };

describe('stratus optimize|walk-forward|cost-sweep --on aws (s3rver + the fake Step Functions API running the synthesized machine)', () => {
  let s3: Awaited<ReturnType<typeof startS3>>;
  let sfn: FakeSfn;
  let target: AwsResearchTarget;
  let dir: string;
  const failItem = new Set<number>();
  beforeAll(async () => {
    s3 = await startS3(BUCKET);
    dir = await mkdtemp(join(tmpdir(), 'stratus-aws-run-'));
    sfn = await startFakeSfn({
      definition: synthesizedDefinition(), s3: s3.s3,
      handlers: {
        [RESEARCH_STATES.worker]: async (input) => {
          if (failItem.has(input.item.index)) throw Object.assign(new Error(`worker ran out of memory on item ${input.item.index}`), { name: 'Runtime.OutOfMemory' });
          return runResearchItem(s3.s3, input);
        },
        [RESEARCH_STATES.reduce]: (input) => reduceRun(s3.s3, input, researchPlan),
      },
    });
    target = {
      s3: s3.s3, bucket: BUCKET, stateMachineArn: sfn.stateMachineArn, workerMemoryMb: 1024, concurrency: 100, childMode: 'STANDARD',
      sfn: new SFNClient({ endpoint: sfn.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }),
      poll: { intervalMs: 20 },
    };
  });
  afterEach(() => failItem.clear());
  afterAll(async () => {
    await sfn.close();
    await s3.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function both(spec: CommandSpec, kind: 'cost-sweep' | 'walk-forward' | 'optimize', values: OptionValues) {
    const local = capture();
    expect(await spec.run(local.ctx, { ...values, json: join(dir, `${kind}-local.json`) }, [])).toBe(0);
    const aws = capture();
    const flags = { on: 'aws', yes: true, progress: true, json: join(dir, `${kind}-aws.json`) };
    expect(await researchOnAws(aws.ctx, kind, { ...values, ...flags }, target, yes)).toBe(0);
    return { local, aws, localJson: await readFile(join(dir, `${kind}-local.json`), 'utf8'), awsJson: await readFile(join(dir, `${kind}-aws.json`), 'utf8') };
  }

  it('cost-sweep --on aws --yes prints exactly what the local run prints and writes the same --json', async () => {
    const { local, aws, localJson, awsJson } = await both(costSweepSpec, 'cost-sweep', { ...window, levels: '0,10,40' });
    expect(local.out.join('')).toMatch(/40 bps/);
    expect(aws.out.join('')).toBe(local.out.join(''));
    expect(aws.err.join('')).toMatch(/cost-sweep \[#{30}\] 100\.0% 3\/3 /);
    expect(awsJson).toBe(localJson);
    expect(aws.err.join('')).toMatch(/estimate for 3 jobs on AWS/);
    expect(aws.err.join('')).toMatch(/data 1 file\(s\) uploaded, 0 already in s3:\/\/stratus-research-aws-run/);
  });

  it('a second run uploads no candle file: the bucket already holds it under its sha256', async () => {
    const before = await dataKeys();
    const { ctx, err } = capture();
    expect(await researchOnAws(ctx, 'cost-sweep', { ...window, levels: '0,5', on: 'aws', yes: true }, target, yes)).toBe(0);
    expect(err.join('')).toMatch(/data 0 file\(s\) uploaded, 1 already in/);
    expect(await dataKeys()).toEqual(before);
    expect(before).toHaveLength(1);
    expect(before[0]).toMatch(/^data\/[0-9a-f]{64}\/binance_BTC-USDT_1m\.csv\.gz$/);
  });

  it('walk-forward --on aws runs its test windows as a second map run and prints exactly the local text and --json', async () => {
    const runs = sfn.executions.length;
    const { local, aws, localJson, awsJson } = await both(walkForwardSpec, 'walk-forward', { ...window, train: '1d', test: '1d', grid: 'fast=5,10;slow=30' });
    expect(local.out.join('')).toMatch(/out-of-sample over 2 test windows/);
    expect(aws.out.join('')).toBe(local.out.join(''));
    expect(aws.err.join('')).toMatch(/walk-forward \[#{30}\] 100\.0% 6\/6 /);
    expect(awsJson).toBe(localJson);
    expect(sfn.executions.length).toBe(runs + 1);
    expect(sfn.executions.at(-1)!.mapRuns.map((m) => m.total)).toEqual([4, 2]);
  });

  it('optimize --on aws runs the holdout as a second map run and prints exactly the local text and --json', async () => {
    const { local, aws, localJson, awsJson } = await both(optimizeSpec, 'optimize', { ...window, grid: 'fast=5,10,15;slow=30,40', holdout: '30%' });
    expect(local.out.join('')).toMatch(/holdout/);
    expect(aws.out.join('')).toBe(local.out.join(''));
    expect(awsJson).toBe(localJson);
    expect(sfn.executions.at(-1)!.mapRuns.map((m) => m.total)).toEqual([6, 1]);
  });

  it('prints the failed items\' errors and exits 1 when a worker fails', async () => {
    failItem.add(1);
    const { ctx, out, err } = capture();
    expect(await researchOnAws(ctx, 'cost-sweep', { ...window, levels: '0,10,40', on: 'aws', yes: true }, target, yes)).toBe(1);
    expect(out.join('')).toBe('');
    expect(err.join('')).toMatch(/execution FAILED/);
    expect(err.join('')).toMatch(/item 1 \(10 bps fee \+ 10 bps slippage\): Runtime\.OutOfMemory: worker ran out of memory on item 1/);
  });

  it('asks "Start N jobs (~$X, ~Y min)? [y/N]" on a terminal and starts nothing unless answered y', async () => {
    const questions: string[] = [];
    const no: ConfirmIo = { isTty: true, ask: async (q) => { questions.push(q); return 'n'; } };
    const runs = sfn.executions.length;
    const { ctx } = capture();
    expect(await researchOnAws(ctx, 'cost-sweep', { ...window, levels: '0,10', on: 'aws' }, target, no)).toBe(2);
    expect(questions).toHaveLength(1);
    expect(questions[0]).toMatch(/^Start 2 jobs \(~\$\d+\.\d\d, ~\d+\.\d min\)\? \[y\/N\] $/);
    expect(sfn.executions.length).toBe(runs);
  });

  it('refuses to start without --yes when stdin is not a terminal (exit 2), through the command\'s --on aws', async () => {
    const restore = withEnv({
      RESEARCH_BUCKET: BUCKET, RESEARCH_STATE_MACHINE_ARN: sfn.stateMachineArn, AWS_REGION: 'us-east-1',
      AWS_ENDPOINT_URL_S3: (await s3.s3.config.endpoint!()).protocol + '//' + (await s3.s3.config.endpoint!()).hostname + ':' + (await s3.s3.config.endpoint!()).port,
      AWS_ENDPOINT_URL_SFN: sfn.endpoint, AWS_S3_FORCE_PATH_STYLE: 'true', AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER',
    });
    try {
      const runs = sfn.executions.length;
      const { ctx, err } = capture();
      expect(await costSweepSpec.run(ctx, { ...window, levels: '0,10', on: 'aws' }, [])).toBe(2);
      expect(err.join('')).toMatch(/cost-sweep: not starting 2 jobs on AWS without --yes \(stdin is not a terminal to ask\)/);
      expect(sfn.executions.length).toBe(runs);
    } finally {
      restore();
    }
  });

  it('refuses --on other than local|aws, --yes without --on aws, and --on aws without the stack\'s names (usage errors)', async () => {
    const { ctx } = capture();
    await expect(costSweepSpec.run(ctx, { ...window, on: 'gcp' }, [])).rejects.toThrow('--on must be local or aws, got gcp');
    await expect(walkForwardSpec.run(ctx, { ...window, yes: true }, [])).rejects.toThrow('--yes is for --on aws');
    const restore = withEnv({ RESEARCH_BUCKET: undefined });
    try {
      await expect(costSweepSpec.run(ctx, { ...window, on: 'aws' }, [])).rejects.toThrow(/set RESEARCH_BUCKET to the research stack's output ResearchBucketName/);
    } finally {
      restore();
    }
  });

  async function dataKeys(): Promise<string[]> {
    const list = await s3.s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'data/' }));
    return (list.Contents ?? []).map((o) => o.Key!).sort();
  }
});
