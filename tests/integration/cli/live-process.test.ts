import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../lib/bundle-options.js';
import type { CliContext } from '../../../shared/cli/cli-context.js';
import { runCli } from '../../../shared/cli/run-cli.js';
import { FakeBinanceWs } from '../../support/fake-binance-ws.js';

/** A `stratus start --live` process on the fake Binance; resolves once its banner is out. */
function startLive(dir: string, fake: FakeBinanceWs, cache: string, extra: string[] = []) {
  const child = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'stratus.js'), 'start', '--live', '--state-dir', dir, ...extra], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', STRATUS_CLI_CACHE: cache, EXCHANGE_WS_URL: fake.wsUrl, EXCHANGE_REST_ORIGIN: `http://127.0.0.1:${fake.port}` },
  });
  const io = { out: '', err: '' };
  child.stdout!.on('data', (d: Buffer) => { io.out += String(d); });
  child.stderr!.on('data', (d: Buffer) => { io.err += String(d); });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const ready = new Promise<void>((resolve, reject) => {
    const check = () => { if (io.err.includes('Ctrl-C stops gracefully')) resolve(); };
    child.stderr!.on('data', check);
    void exited.then((code) => reject(new Error(`exited ${code} before starting: ${io.err}`)));
  });
  return { child, io, exited, ready };
}

const capture = () => {
  const io = { out: '', err: '' };
  return { io, ctx: { out: (t: string) => { io.out += t; }, err: (t: string) => { io.err += t; } } as CliContext };
};

describe('the stratus start --live process', () => {
  let fake: FakeBinanceWs;
  let dir: string;
  let cache: string;
  let child: ChildProcess | undefined;

  beforeAll(async () => {
    fake = await FakeBinanceWs.start(['BTC/USDT']);
    dir = mkdtempSync(join(REPO_ROOT, 'node_modules', '.cache', 'stratus-live-dir-'));
    cache = mkdtempSync(join(REPO_ROOT, 'node_modules', '.cache', 'stratus-live-cli-'));
  });
  afterAll(async () => {
    child?.kill('SIGKILL');
    await fake?.close();
    rmSync(dir, { recursive: true, force: true });
    rmSync(cache, { recursive: true, force: true });
  });

  it('stops gracefully on SIGINT (summary printed, exit 0), and state written before a SIGKILL is read back from disk', async () => {
    const policy = join(dir, '..', `${dir.split('/').at(-1)}-policy.json`);
    writeFileSync(policy, JSON.stringify({ strategies: [{ name: 'sma-cross', enabled: true, params: { fast: 2, slow: 4 } }] }));
    const first = startLive(dir, fake, cache, ['--symbols', 'BTC/USDT', '--policy', policy]);
    child = first.child;
    await first.ready;
    expect(first.io.err).toContain(`state dir   ${dir} (new; policy v1 written)`);
    expect(existsSync(join(dir, 'running.json'))).toBe(true);
    first.child.kill('SIGINT');
    expect(await first.exited).toBe(0);
    expect(first.io.err).toContain('stratus: stopping');
    expect(first.io.out).toContain('Stratus live paper session');
    expect(existsSync(join(dir, 'running.json'))).toBe(false);

    const second = startLive(dir, fake, cache);
    child = second.child;
    await second.ready;
    expect(second.io.err).toContain('policy v1 kept');
    second.child.kill('SIGKILL');
    await second.exited;
    expect(existsSync(join(dir, 'running.json'))).toBe(true); // a hard kill leaves the record; its pid is dead

    const status = capture();
    expect(await runCli(['status', '--local', dir, '--json'], status.ctx)).toBeGreaterThanOrEqual(0);
    expect(status.io.err).toContain(`no live process runs on ${dir}`);
    expect(JSON.parse(status.io.out).checks).toContainEqual(expect.objectContaining({ name: 'policy', detail: expect.stringMatching(/^v1 /) }));
    fake.silence();
    rmSync(policy, { force: true });
  }, 60_000);
});
