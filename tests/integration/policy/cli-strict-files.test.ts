/** `stratus policy validate` / `set` read policy files strictly and report every problem, schema and sanity together. */
import { beforeEach, describe, expect, it } from 'vitest';
import { cliHarness } from '../../unit/cli/cli-harness.js';

let h: ReturnType<typeof cliHarness>;
beforeEach(() => { h = cliHarness(); });

describe('stratus policy validate on a file', () => {
  it.each([
    ['a duplicate key (JSON.parse would keep the last)', '{"risk":{"stakePct":1,"stakePct":50}}', /error\s+risk\.stakePct\s+DUPLICATE_KEY/],
    ['a __proto__ key under a profile', '{"profile":"full","__proto__":{"mode":"LIVE","liveTradingConfirmed":true}}', /error\s+__proto__\s+FORBIDDEN_KEY/],
    ['a constructor key in strategy params', '{"strategies":[{"name":"momentum","params":{"constructor":1}}]}', /error\s+strategies\.0\.params\.constructor\s+FORBIDDEN_KEY/],
    ['a prototype key deep down', '{"exits":{"trailingStop":{"prototype":{}}}}', /error\s+exits\.trailingStop\.prototype\s+FORBIDDEN_KEY/],
  ])('exits 1 on %s and says where', async (_label, text, line) => {
    const r = await h.run('policy', 'validate', h.file('x.json', text));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(line);
  });

  it('accepts a file saved with a UTF-8 byte order mark', async () => {
    const r = await h.run('policy', 'validate', h.file('bom.json', '\uFEFF{"mode":"DRY_RUN"}'));
    expect(r.code).toBe(0);
    expect(r.out).toContain('bom.json: valid (mode DRY_RUN');
  });

  it('lists a wrong type in one section and a contradiction in another together', async () => {
    const r = await h.run('policy', 'validate', h.file('two.json', '{"risk":{"stakePct":"2"},"lossLimits":{"dailyStopPct":-8,"weeklyStopPct":-7}}'));
    expect(r.code).toBe(1);
    expect(r.err).toContain('two.json: 2 error(s), 0 warning(s)');
    expect(r.err).toMatch(/error\s+risk\.stakePct\s+SCHEMA/);
    expect(r.err).toMatch(/error\s+lossLimits\.dailyStopPct\s+DAILY_LOOSER_THAN_WEEKLY/);
  });
});

describe('stratus policy set on a file', () => {
  it('refuses a file with a duplicate key and writes nothing', async () => {
    const r = await h.run('policy', 'set', h.file('dup.json', '{"mode":"DRY_RUN","mode":"PAPER"}'), '--by', 'alice');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/mode\s+DUPLICATE_KEY/);
    expect(await h.policies.history()).toEqual([]);
  });
});
