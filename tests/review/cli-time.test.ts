import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseTime } from '../../shared/cli/cli-args.js';
import { cliHarness } from '../unit/cli/cli-harness.js';

const utc = (iso: string) => Date.parse(iso);

describe('--from/--to are UTC whatever the machine time zone', () => {
  let saved: string | undefined;
  beforeEach(() => { saved = process.env.TZ; process.env.TZ = 'America/New_York'; });
  afterEach(() => { if (saved === undefined) delete process.env.TZ; else process.env.TZ = saved; });

  it.each([
    ['2021-05-18', '2021-05-18T00:00:00Z'],
    ['2021-05-18T10:00', '2021-05-18T10:00:00Z'],
    ['2021-05-18T10:00:30', '2021-05-18T10:00:30Z'],
    ['2021-05-18 10:00', '2021-05-18T10:00:00Z'],
    ['2021-05-18T10:00:00Z', '2021-05-18T10:00:00Z'],
    ['2021-05-18T12:00:00+02:00', '2021-05-18T10:00:00Z'],
    ['2021', '2021-01-01T00:00:00Z'],
  ])('reads %s as %s (a time without an offset is UTC, not local time)', (text, iso) => {
    expect(parseTime(text, '--from')).toBe(utc(iso));
  });

  it.each(['2021-02-30', '2021-04-31', '2021-13-01', '2021-05-18T24:30', 'May 18 2021', '18/05/2021', '1621296000000'])(
    'refuses %s instead of reading another day or the local time zone', (text) => {
      expect(() => parseTime(text, '--from')).toThrow(/--from: not an ISO date or time/);
    });
});

describe('stratus decisions --since is UTC too', () => {
  it('shows a decision at 11:30 UTC for --since 2024-01-15T11:00 on a machine in New York (was 16:00 UTC: hidden)', async () => {
    const saved = process.env.TZ;
    process.env.TZ = 'America/New_York';
    try {
      const h = cliHarness();
      await h.state.putDecision({
        intentId: 'a', strategy: 'momentum', symbol: 'BTC/USDT', side: 'buy', kind: 'entry', approved: true, mode: 'PAPER', reasons: [],
        quantity: '0.001', notional: '97.5', policyHash: 'abcdef0123456789', policyVersion: 4, decidedAt: Date.UTC(2024, 0, 15, 11, 30),
      });
      const r = await h.run('decisions', '--since', '2024-01-15T11:00');
      expect(r.code, r.err).toBe(0);
      expect(r.out).toMatch(/2024-01-15T11:30:00Z\s+BTC\/USDT/);
      expect((await h.run('decisions', '--since', '2024-02-30')).err).toContain('--since: not an ISO date or time: 2024-02-30');
    } finally {
      if (saved === undefined) delete process.env.TZ; else process.env.TZ = saved;
    }
  });
});
