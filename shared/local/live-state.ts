/**
 * The on-disk state of `stratus start --live`: DynamoDB (dynalite on LevelDB) under DIR/dynamo, the loopback ports
 * the emulators listened on (DIR/ports.json, reused so endpoints stay put across restarts) and, while a live process
 * runs, DIR/running.json naming its endpoints so operator commands (`--local DIR`) use its emulators: LevelDB lets
 * one process at a time open the folder.
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { StratusError } from '../domain/errors.js';
import { emulatorEnv, startEmulators, type Emulators } from './emulators.js';
import { provision, type Provisioned } from './provision.js';

/** Where `stratus start --live` keeps its state when --state-dir is not given (relative to the working directory). */
export const DEFAULT_STATE_DIR = '.stratus/live';

/** Environment variable naming the state dir of the operator commands' `--local`. */
export const LOCAL_DIR_ENV = 'STRATUS_LOCAL_DIR';

/** What a running live process writes to DIR/running.json. */
export interface RunningLive {
  readonly pid: number;
  readonly startedAt: number;
  readonly exchange: string;
  readonly symbols: readonly string[];
  /** The functions' environment on its emulators (endpoints, table and queue names, topic ARN). */
  readonly env: Readonly<Record<string, string>>;
}

/** The state dir cannot be opened (another process holds it, or its files are unreadable). */
export class LocalStateError extends StratusError {
  override readonly name = 'LocalStateError';
  constructor(message: string, cause?: unknown) {
    super('LOCAL_STATE_UNAVAILABLE', message, false, { cause });
  }
}

/** A state dir's emulators started by this process, its tables and queues provisioned. */
export interface LocalStack {
  readonly dir: string;
  readonly emulators: Emulators;
  readonly provisioned: Provisioned;
  /** emulatorEnv plus the provisioned resource names: what the functions and the CLI read. */
  readonly env: Readonly<Record<string, string>>;
  stop(): Promise<void>;
}

const files = (dir: string) => ({ dynamo: join(dir, 'dynamo'), ports: join(dir, 'ports.json'), running: join(dir, 'running.json') });

/** Starts dynalite on DIR/dynamo (created if absent) and fauxqs, on the ports used last time when they are free. */
export async function startLocalStack(dirOption: string): Promise<LocalStack> {
  const dir = resolve(dirOption);
  const f = files(dir);
  await mkdir(dir, { recursive: true });
  const last = await readJson<{ dynamo?: number; sqs?: number }>(f.ports) ?? {};
  await assertUnlocked(f.dynamo);
  // Over loopback HTTP, not an in-process transport bound to this dynalite instance: a client built in an earlier
  // session of this process (the AWS SDK's shared clients) then reaches the next one on the same port.
  const emulators = await startEmulators({
    dynamoPath: f.dynamo, dynamoPort: await freePort(last.dynamo), sqsPort: await freePort(last.sqs), inProcess: false,
  });
  const port = (url: string) => Number(new URL(url).port);
  await writeFile(f.ports, `${JSON.stringify({ dynamo: port(emulators.dynamoEndpoint), sqs: port(emulators.sqsEndpoint) })}\n`);
  const provisioned = await provision(emulators);
  return { dir, emulators, provisioned, env: { ...emulatorEnv(emulators), ...provisioned.env }, stop: () => emulators.stop() };
}

/** Records the running live process (its pid and endpoints) for operator commands. */
export async function writeRunning(dir: string, running: RunningLive): Promise<void> {
  await writeFile(files(resolve(dir)).running, `${JSON.stringify(running, null, 2)}\n`);
}

/** Removes the running record (graceful stop). */
export async function removeRunning(dir: string): Promise<void> {
  await rm(files(resolve(dir)).running, { force: true });
}

/** The live process running on DIR, when its record names a live pid whose DynamoDB answers; undefined otherwise (stale record). */
export async function findRunning(dir: string): Promise<RunningLive | undefined> {
  const running = await readJson<RunningLive>(files(resolve(dir)).running);
  if (!running || !isAlive(running.pid) || !running.env.AWS_ENDPOINT_URL_DYNAMODB) return undefined;
  try {
    await probe(running.env.AWS_ENDPOINT_URL_DYNAMODB);
    return running;
  } catch {
    return undefined;
  }
}

/** A state dir opened for an operator command: its environment, and close() to give the folder back. */
export interface OpenedLocalState {
  readonly env: Readonly<Record<string, string>>;
  /** True when a live process runs on the dir and its emulators are used; false when this process started its own. */
  readonly attached: boolean;
  close(): Promise<void>;
}

/** Opens DIR for an operator command: the running live process's emulators, else its own on the same folder. */
export async function openLocalState(dir: string): Promise<OpenedLocalState> {
  const running = await findRunning(dir);
  if (running) return { env: running.env, attached: true, close: async () => undefined };
  const stack = await startLocalStack(dir);
  return { env: stack.env, attached: false, close: () => stack.stop() };
}

/** Sets these variables in process.env (the AWS SDK and the functions read them there); returns what puts them back. */
export function applyEnv(env: Readonly<Record<string, string>>): () => void {
  const before = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  return () => {
    for (const [k, v] of Object.entries(before)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
}

/**
 * Opens and closes the LevelDB folder with the `level` dynalite itself loads: rejects when another process holds
 * its lock. (Left to dynalite, a locked folder surfaces later as an uncaught iterator error inside abstract-level.)
 */
async function assertUnlocked(path: string): Promise<void> {
  const fromDynalite = createRequire(createRequire(import.meta.url).resolve('dynalite'));
  const { Level } = fromDynalite('level') as { Level: new (location: string) => { open(): Promise<void>; close(): Promise<void> } };
  const db = new Level(path);
  try {
    await db.open();
  } catch (error) {
    throw new LocalStateError(`cannot open ${path}: another process holds it (a live session or an operator command)`, error);
  }
  await db.close();
}

function isAlive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch (error) { return (error as NodeJS.ErrnoException).code === 'EPERM'; }
}

async function probe(endpoint: string): Promise<void> {
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 });
  try {
    await client.send(new ListTablesCommand({}), { abortSignal: AbortSignal.timeout(2_000) });
  } finally {
    client.destroy();
  }
}

/** `port` when something can listen on it on loopback now; else undefined (a free one is picked). */
async function freePort(port: number | undefined): Promise<number | undefined> {
  if (!port) return undefined;
  return new Promise((done) => {
    const server = createServer();
    server.once('error', () => done(undefined));
    server.listen(port, '127.0.0.1', () => server.close(() => done(port)));
  });
}

async function readJson<T>(path: string): Promise<T | undefined> {
  let text: string;
  try { text = await readFile(path, 'utf8'); } catch { return undefined; }
  try { return JSON.parse(text) as T; } catch (error) { throw new LocalStateError(`${path} is not valid JSON; remove it`, error); }
}
