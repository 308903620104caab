import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
// The machine's system Node (20 here), not the project's Node 24 that npx/vitest put first on PATH.
const SYSTEM_NODE = '/usr/bin/node';
const systemMajor = existsSync(SYSTEM_NODE)
  ? Number((await run(SYSTEM_NODE, ['-p', 'process.versions.node'])).stdout.trim().split('.')[0])
  : undefined;
const reason = systemMajor === undefined ? 'no /usr/bin/node' : systemMajor >= 22 ? `/usr/bin/node is Node ${systemMajor}, not < 22` : '';
if (reason) console.warn(`skipping the Node < 22 sweep-worker test: ${reason}`);

describe.skipIf(Boolean(reason))('the CLI under the system Node 20', () => {
  it('runs commands that need Node >= 22 (start: fauxqs needs node:sqlite) by re-running under the project Node 24', async () => {
    const { stdout } = await run(SYSTEM_NODE, ['bin/stratus.js', 'start', '--help'], { cwd: process.cwd(), timeout: 60_000 });
    expect(stdout).toMatch(/^Usage: stratus start/);
  }, 90_000);

  it('runs the sweep jobs in worker threads when the CLI itself runs on Node 20 (no "Unknown file extension .ts")', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'sweep-node20-')), 'sweep.json');
    await run(SYSTEM_NODE, [
      'bin/stratus.js', 'cost-sweep', '--strategy', 'sma-cross', '--symbols', 'BTC/USDT', '--timeframe', '1m',
      '--from', '2021-05-17', '--to', '2021-05-18', '--data', 'shared/local/data', '--levels', '0,10', '--workers', '2', '--json', out,
    ], { cwd: process.cwd(), timeout: 120_000 });
    const sweep = JSON.parse(readFileSync(out, 'utf8')) as { levels: { bps: number }[] };
    expect(sweep.levels.map((l) => l.bps)).toEqual([0, 10]);
  }, 150_000);
});
