import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { CliContext } from '../../../shared/cli/cli-context.js';
import { runCli } from '../../../shared/cli/run-cli.js';
import { findRunning, LocalStateError, openLocalState, startLocalStack, writeRunning, type LocalStack } from '../../../shared/local/live-state.js';

describe('the live state dir', () => {
  const stacks: LocalStack[] = [];
  const dirs: string[] = [];
  const dir = async () => { const d = await mkdtemp(join(tmpdir(), 'stratus-state-')); dirs.push(d); return d; };
  afterEach(async () => {
    for (const s of stacks.splice(0)) await s.stop();
    for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
  });

  it('refuses a second opening of a folder whose DynamoDB is held, naming it, and reopens on the same ports once it is free', async () => {
    const d = await dir();
    const first = await startLocalStack(d);
    stacks.push(first);
    await expect(startLocalStack(d)).rejects.toThrow(LocalStateError);
    await expect(startLocalStack(d)).rejects.toThrow(`cannot open ${join(d, 'dynamo')}: another process holds it (a live session or an operator command)`);
    const ports = JSON.parse(await readFile(join(d, 'ports.json'), 'utf8')) as { dynamo: number; sqs: number };
    await stacks.pop()!.stop();
    const again = await startLocalStack(d);
    stacks.push(again);
    expect(again.emulators.dynamoEndpoint).toBe(`http://127.0.0.1:${ports.dynamo}`);
    expect(again.emulators.sqsEndpoint).toBe(`http://127.0.0.1:${ports.sqs}`);
  });

  it('uses a running session\'s endpoints, and ignores a record whose process is gone', async () => {
    const d = await dir();
    const live = await startLocalStack(d);
    stacks.push(live);
    await writeRunning(d, { pid: process.pid, startedAt: 0, exchange: 'binance', symbols: [], env: live.env });
    const attached = await openLocalState(d);
    expect(attached).toMatchObject({ attached: true, env: live.env });
    await attached.close();

    await writeRunning(d, { pid: 2 ** 22 + 12_345, startedAt: 0, exchange: 'binance', symbols: [], env: live.env });
    expect(await findRunning(d)).toBeUndefined();
  });

  it('refuses --local on a folder that holds no live state, without creating one there', async () => {
    const d = await dir();
    const io = { out: '', err: '' };
    const ctx = { out: (t: string) => { io.out += t; }, err: (t: string) => { io.err += t; } } as CliContext;
    expect(await runCli(['trades', '--local', d], ctx)).toBe(1);
    expect(io.err).toContain(`${d} holds no live state (stratus start --live --state-dir ${d} creates it)`);
    expect(existsSync(join(d, 'dynamo'))).toBe(false);
  });
});
