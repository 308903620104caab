import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliHarness } from '../unit/cli/cli-harness.js';

const RUN = ['--strategy', 'momentum', '--symbols', 'BTC/USDT', '--timeframe', '1m', '--from', '2021-05-18', '--to', '2021-05-18T06:00', '--data', 'shared/local/data', '--policy', 'p.json'];
/** A policy whose second "strategies" key would silently replace the first under JSON.parse. */
const DUPLICATE = '{"strategies":[{"name":"momentum","params":{"lookback":1}}],"strategies":[{"name":"momentum","params":{"lookback":30}}]}';

describe('the research commands read --policy strictly, as policy validate does', () => {
  it.each([['backtest'], ['lookahead-check'], ['walk-forward']])('%s refuses a policy file with a duplicate key instead of keeping the last one', async (cmd) => {
    const h = cliHarness();
    h.file('p.json', DUPLICATE);
    const extra = cmd === 'walk-forward' ? ['--train', '2h', '--test', '1h', '--grid', 'lookback=20,30'] : [];
    const r = await h.run(cmd, ...RUN, ...extra);
    expect(r.code, r.err).toBe(1);
    expect(r.err).toMatch(/p\.json: .*strategies.*DUPLICATE_KEY/);
  }, 60_000);

  it('backtest refuses a policy file that is not a JSON object (was read as no policy at all)', async () => {
    const h = cliHarness();
    h.file('p.json', '[1, 2]');
    const r = await h.run('backtest', ...RUN);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/p\.json: .*(object|SCHEMA)/i);
  }, 60_000);
});

describe('cost-sweep reads --policy strictly too (its worker threads read the file)', () => {
  it('refuses a policy file with a duplicate key instead of sweeping the last one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'stratus-review-sweep-'));
    try {
      const file = join(dir, 'p.json');
      await writeFile(file, DUPLICATE);
      const h = cliHarness();
      h.file(file, DUPLICATE);
      const r = await h.run('cost-sweep', ...RUN.slice(0, -1), file, '--levels', '0,5', '--workers', '1');
      expect(r.code, r.err).toBe(1);
      expect(r.err).toMatch(/p\.json: .*strategies.*DUPLICATE_KEY/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
