// A loopback stand-in for the Step Functions API (JSON protocol, x-amz-json-1.0): StartExecution, DescribeExecution,
// ListMapRuns, DescribeMapRun, ListExecutions (of a map run). It runs the state machine definition with
// aws-local-stepfunctions; a Distributed Map's ItemReader (s3:getObject of a JSON array) is read from the given S3
// (s3rver in tests) by a state inserted before the map, and every Task runs an in-process handler named by its state.
// Each iteration of a Distributed Map is one child execution of one map run, counted as AWS's DescribeMapRun does.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';

/** What a Task state runs: its input, answered with its result (a throw fails the state with the error's name). */
export type TaskHandler = (input: any) => Promise<unknown>;

/** The machine the fake serves: its definition (ASL), the S3 its ItemReaders read, and each Task state's handler. */
export interface FakeSfnOptions {
  readonly definition: Record<string, any>;
  readonly s3: S3Client;
  readonly handlers: Readonly<Record<string, TaskHandler>>;
}

interface Child { arn: string; input: unknown; status: 'RUNNING' | 'SUCCEEDED' | 'FAILED'; error?: string; cause?: string }
interface MapRun { arn: string; total: number; children: Child[] }
interface Execution {
  arn: string; name: string; input: string; status: 'RUNNING' | 'SUCCEEDED' | 'FAILED'; output?: string; error?: string; cause?: string;
  startDate: number; stopDate?: number; mapRuns: MapRun[];
}

/** A running fake: its endpoint, the machine's ARN, the executions it ran, and close(). */
export interface FakeSfn {
  readonly endpoint: string;
  readonly stateMachineArn: string;
  readonly executions: readonly Execution[];
  close(): Promise<void>;
}

const ARN = 'arn:aws:states:us-east-1:000000000000';

/** Starts the fake on 127.0.0.1 (a free port). */
export async function startFakeSfn(options: FakeSfnOptions): Promise<FakeSfn> {
  const executions: Execution[] = [];
  const stateMachineArn = `${ARN}:stateMachine:research`;
  const byArn = new Map<string, Execution>();
  const children = new Map<string, Child>();
  const mapRuns = new Map<string, MapRun>();
  const api: Record<string, (body: any) => unknown> = {
    StartExecution(body) {
      if (body.stateMachineArn !== stateMachineArn) throw new ApiError('StateMachineDoesNotExist', `no state machine ${body.stateMachineArn}`);
      const name = body.name ?? `execution-${executions.length + 1}`;
      if (executions.some((e) => e.name === name)) throw new ApiError('ExecutionAlreadyExists', `execution ${name} exists`);
      const execution: Execution = {
        arn: `${ARN}:execution:research:${name}`, name, input: body.input ?? '{}', status: 'RUNNING', startDate: Date.now() / 1000, mapRuns: [],
      };
      executions.push(execution);
      byArn.set(execution.arn, execution);
      void run(execution);
      return { executionArn: execution.arn, startDate: execution.startDate };
    },
    DescribeExecution(body) {
      const e = byArn.get(body.executionArn);
      if (e) return { executionArn: e.arn, stateMachineArn, name: e.name, status: e.status, startDate: e.startDate, stopDate: e.stopDate, input: e.input, output: e.output, error: e.error, cause: e.cause };
      const c = children.get(body.executionArn);
      if (!c) throw new ApiError('ExecutionDoesNotExist', `no execution ${body.executionArn}`);
      return { executionArn: c.arn, stateMachineArn, status: c.status, startDate: 0, input: JSON.stringify(c.input), error: c.error, cause: c.cause };
    },
    ListMapRuns(body) {
      const e = byArn.get(body.executionArn);
      if (!e) throw new ApiError('ExecutionDoesNotExist', `no execution ${body.executionArn}`);
      return { mapRuns: e.mapRuns.map((m) => ({ mapRunArn: m.arn, executionArn: e.arn, stateMachineArn, startDate: e.startDate })) };
    },
    DescribeMapRun(body) {
      const m = mapRuns.get(body.mapRunArn);
      if (!m) throw new ApiError('ResourceNotFound', `no map run ${body.mapRunArn}`);
      const count = (s: Child['status']) => m.children.filter((c) => c.status === s).length;
      const succeeded = count('SUCCEEDED'), failed = count('FAILED'), running = count('RUNNING');
      const itemCounts = { pending: m.total - m.children.length, running, succeeded, failed, timedOut: 0, aborted: 0, total: m.total, resultsWritten: 0 };
      return { mapRunArn: m.arn, status: running || m.children.length < m.total ? 'RUNNING' : failed ? 'FAILED' : 'SUCCEEDED', itemCounts, executionCounts: itemCounts };
    },
    ListExecutions(body) {
      const m = mapRuns.get(body.mapRunArn);
      if (!m) throw new ApiError('ResourceNotFound', `no map run ${body.mapRunArn}`);
      const list = m.children.filter((c) => !body.statusFilter || c.status === body.statusFilter);
      return { executions: list.map((c) => ({ executionArn: c.arn, stateMachineArn, name: c.arn.split(':').at(-1), status: c.status, startDate: 0 })) };
    },
  };

  async function run(execution: Execution): Promise<void> {
    const { definition, overrides, mapsOf, childStates } = prepare(options.definition);
    const handlers: Record<string, (input: any) => Promise<any>> = {};
    for (const [readState, mapName] of mapsOf) {
      handlers[readState] = async (input) => {
        const items = await readItems(options.s3, options.definition, mapName, input);
        const runArn = `${ARN}:mapRun:research/${mapName}:${execution.name}-${execution.mapRuns.length + 1}`;
        const mapRun: MapRun = { arn: runArn, total: items.length, children: [] };
        execution.mapRuns.push(mapRun);
        mapRuns.set(runArn, mapRun);
        return items;
      };
    }
    for (const [name, handler] of Object.entries(options.handlers)) {
      handlers[name] = async (input) => {
        if (!childStates.has(name)) return handler(input);
        const mapRun = execution.mapRuns.at(-1)!;
        const child: Child = { arn: `${mapRun.arn}:${mapRun.children.length + 1}`, input, status: 'RUNNING' };
        mapRun.children.push(child);
        children.set(child.arn, child);
        try {
          const result = await handler(input);
          child.status = 'SUCCEEDED';
          return result;
        } catch (error) {
          Object.assign(child, { status: 'FAILED', error: (error as Error).name, cause: (error as Error).message });
          throw error;
        }
      };
    }
    try {
      const machine = new StateMachine(definition as StateMachineDefinition, { validationOptions: { noValidate: true } });
      const output = await machine.run(JSON.parse(execution.input), { overrides: { ...overrides, taskResourceLocalHandlers: handlers } }).result;
      Object.assign(execution, { status: 'SUCCEEDED', output: JSON.stringify(output) });
    } catch (error) {
      const e = error as Error & { cause?: { name?: string; message?: string } };
      Object.assign(execution, { status: 'FAILED', error: e.cause?.name ?? e.name, cause: e.cause?.message ?? e.message });
    }
    execution.stopDate = Date.now() / 1000;
  }

  const server = createServer((req, res) => void serve(req, res, api));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`, stateMachineArn, executions,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

class ApiError extends Error {
  constructor(readonly type: string, message: string) { super(message); }
}

async function serve(req: IncomingMessage, res: ServerResponse, api: Record<string, (body: any) => unknown>): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const action = String(req.headers['x-amz-target'] ?? '').replace(/^AWSStepFunctions\./, '');
  const reply = (status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' });
    res.end(JSON.stringify(body));
  };
  const handler = api[action];
  if (!handler) return reply(400, { __type: 'UnknownOperationException', message: `not served: ${action}` });
  try {
    reply(200, handler(JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}')));
  } catch (error) {
    if (error instanceof ApiError) return reply(400, { __type: error.type, message: error.message });
    reply(500, { __type: 'InternalFailure', message: (error as Error).message });
  }
}

/**
 * The definition the interpreter runs: each Distributed Map with an ItemReader gets a Task before it (`<map>.ReadItems`)
 * that reads the items into $.__items, which the map then iterates; every transition into the map goes to that Task.
 */
function prepare(source: Record<string, any>) {
  const definition = structuredClone(source);
  const mapsOf = new Map<string, string>();
  const childStates = new Set<string>();
  const states: Record<string, any> = definition.States;
  for (const [name, state] of Object.entries({ ...states })) {
    if (state.Type !== 'Map' || !state.ItemReader) continue;
    const read = `${name}.ReadItems`;
    mapsOf.set(read, name);
    for (const child of Object.keys(state.ItemProcessor?.States ?? {})) childStates.add(child);
    const { ItemReader: _r, ResultWriter: _w, ToleratedFailurePercentage: _t, ToleratedFailureCount: _c, ItemBatcher: _b, Label: _l, ...rest } = state;
    void _r; void _w; void _t; void _c; void _b; void _l;
    const processor = { ...rest.ItemProcessor, ProcessorConfig: { Mode: 'INLINE' } };
    states[name] = { ...rest, ItemProcessor: processor, ItemsPath: '$.__items' };
    states[read] = { Type: 'Task', Resource: 'arn:aws:states:::s3:getObject', ResultPath: '$.__items', Next: name };
  }
  const redirect = (target: string) => {
    for (const [read, map] of mapsOf) if (target === map) return read;
    return target;
  };
  definition.StartAt = redirect(definition.StartAt);
  for (const [name, state] of Object.entries(states)) {
    if (mapsOf.has(name)) continue;
    if (state.Next) state.Next = redirect(state.Next);
    if (state.Default) state.Default = redirect(state.Default);
    for (const choice of state.Choices ?? []) choice.Next = redirect(choice.Next);
  }
  return { definition, overrides: {}, mapsOf, childStates };
}

/** The map's items: its ItemReader's Bucket and Key (literal or `.$` paths into the state's input), read as a JSON array. */
async function readItems(s3: S3Client, source: Record<string, any>, mapName: string, input: any): Promise<unknown[]> {
  const params: Record<string, unknown> = source.States[mapName].ItemReader.Parameters;
  const value = (field: string) => (params[`${field}.$`] !== undefined ? path(input, String(params[`${field}.$`])) : params[field]);
  const object = await s3.send(new GetObjectCommand({ Bucket: String(value('Bucket')), Key: String(value('Key')) }));
  const items = JSON.parse(await object.Body!.transformToString('utf8'));
  if (!Array.isArray(items)) throw new Error(`ItemReader of ${mapName}: not a JSON array`);
  return items;
}

/** A `$.a.b` path into a JSON value. */
function path(input: any, expression: string): unknown {
  return expression.replace(/^\$\.?/, '').split('.').filter(Boolean).reduce((v, key) => v?.[key], input);
}
