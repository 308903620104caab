// Harness of the research state machine test: the synthesized ASL with its CDK tokens resolved, s3rver on loopback as
// S3, a run uploaded as the `--on aws` client lays it out (shared/research/contract.ts), and the definition run by
// aws-local-stepfunctions with the worker and reduce handlers in-process.
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { buildForTest } from '../../infra/template-helpers.js';
import { researchKeys, type ResearchItem, type ResearchKind } from '../../../shared/research/contract.js';
import { planResearch, type ResearchOptions } from '../../../shared/research/plans.js';
import { runResearchItem } from '../../../shared/research/worker.js';
import { reduceRun, type ResearchPlan } from '../../../shared/research/reduce.js';
import { RESEARCH_STATES } from '../../../lib/research-state-machine.js';

/** The research stack's state machine definition, CDK tokens replaced by literal ARNs (and the context it was built with). */
export function synthesizedDefinition(context: Record<string, unknown> = {}): Record<string, any> {
  const { app, research } = buildForTest({ research: 'true', ...context });
  const template = app.synth().getStackByName(research!.stackName).template as { Resources: Record<string, any> };
  const machine = Object.values(template.Resources).find((r) => r.Type === 'AWS::StepFunctions::StateMachine')!;
  const parts = machine.Properties.DefinitionString['Fn::Join'][1] as unknown[];
  const text = parts.map((p: any) => {
    if (typeof p === 'string') return p;
    if (p.Ref === 'AWS::Partition') return 'aws';
    if (p['Fn::GetAtt']?.[1] === 'Arn') return `arn:aws:lambda:us-east-1:000000000000:function:${p['Fn::GetAtt'][0]}`;
    throw new Error(`unresolved token ${JSON.stringify(p)}`);
  }).join('');
  return JSON.parse(text);
}

/** s3rver on 127.0.0.1 (a free port) with one bucket, and an SDK client for it. */
export async function startS3(bucket: string): Promise<{ s3: S3Client; close: () => Promise<void> }> {
  const directory = await mkdtemp(join(tmpdir(), 'stratus-s3rver-'));
  const server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory });
  const { port } = await server.run();
  const s3 = new S3Client({
    endpoint: `http://127.0.0.1:${port}`, forcePathStyle: true, region: 'us-east-1',
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  return { s3, close: async () => { s3.destroy(); await server.close(); await rm(directory, { recursive: true, force: true }); } };
}

/** Uploads the candle files and writes manifest.json and items.json for stage 1 of the plan, as the client does. */
export async function uploadRun(s3: S3Client, bucket: string, runId: string, kind: ResearchKind, options: ResearchOptions, dataDir: string, files: readonly string[]): Promise<ResearchItem[]> {
  const dataFiles: Record<string, string> = {};
  for (const name of files) {
    const bytes = await readFile(join(dataDir, name));
    const key = researchKeys.data(createHash('sha256').update(bytes).digest('hex'), name);
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: bytes }));
    dataFiles[name] = key;
  }
  const jobs = planResearch(kind, options);
  const items: ResearchItem[] = jobs.map((job, index) => ({ runId, index, job, dataFiles }));
  const put = (key: string, body: unknown) => s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: JSON.stringify(body) }));
  await put(researchKeys.manifest(runId), { runId, kind, options, jobs: jobs.length, createdAt: '2026-01-01T00:00:00.000Z' });
  await put(researchKeys.items(runId), items);
  return items;
}

/**
 * The definition the interpreter runs. aws-local-stepfunctions 3.0 runs a Map over its input array (ItemsPath,
 * ItemSelector with $$.Map.Item.Value, ItemProcessor, MaxConcurrency) and ignores ItemReader, ResultWriter and the
 * tolerated failure fields; so a Task `ReadItems` is put before the map with the ItemReader's own Parameters (Bucket,
 * Key) and its resource, its local handler reads the JSON array from S3 into $.items, and the map iterates $.items.
 */
export function interpreterDefinition(source: Record<string, any>): Record<string, any> {
  const definition = structuredClone(source);
  const { ItemReader: reader, ToleratedFailurePercentage: _t, ...map } = definition.States[RESEARCH_STATES.map];
  void _t;
  definition.States[RESEARCH_STATES.map] = { ...map, ItemsPath: '$.items', ItemProcessor: { ...map.ItemProcessor, ProcessorConfig: { Mode: 'INLINE' } } };
  definition.States.ReadItems = { Type: 'Task', Resource: reader.Resource, Parameters: reader.Parameters, ResultPath: '$.items', Next: RESEARCH_STATES.map };
  const redirect = (s: Record<string, any>) => { if (s.Next === RESEARCH_STATES.map) s.Next = 'ReadItems'; for (const c of s.Choices ?? []) if (c.Next === RESEARCH_STATES.map) c.Next = 'ReadItems'; };
  for (const [name, state] of Object.entries(definition.States as Record<string, any>)) if (name !== 'ReadItems') redirect(state);
  return definition;
}

/** The worker and reduce handlers a run uses: in-process modules, or the bundled Lambda functions. */
export interface ResearchHandlers {
  worker(event: any): Promise<unknown>;
  reduce(event: any): Promise<unknown>;
}

/** Runs the definition on `{ bucket, runId }`; every Task runs in this process against `s3`. */
export async function execute(definition: Record<string, any>, s3: S3Client, input: { bucket: string; runId: string }, plan: ResearchPlan, seen: { workerInputs: unknown[] } = { workerInputs: [] }, use?: ResearchHandlers) {
  const machine = new StateMachine(interpreterDefinition(definition) as StateMachineDefinition);
  const run = use ?? { worker: (event: any) => runResearchItem(s3, event), reduce: (event: any) => reduceRun(s3, event, plan) };
  const handlers = {
    ReadItems: async (params: any) => JSON.parse(await (await s3.send(new GetObjectCommand({ Bucket: params.Bucket, Key: params.Key }))).Body!.transformToString()),
    [RESEARCH_STATES.worker]: async (event: any) => { seen.workerInputs.push(event); return { ...await run.worker(event) as object }; },
    [RESEARCH_STATES.reduce]: async (event: any) => ({ ...await run.reduce(event) as object }),
  };
  return machine.run(input, { overrides: { taskResourceLocalHandlers: handlers } }).result;
}

/** An object's text. */
export async function objectText(s3: S3Client, bucket: string, key: string): Promise<string> {
  return (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body!.transformToString('utf8');
}
