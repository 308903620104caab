import { describe, expect, it } from 'vitest';
import { reportCommand } from '../../../shared/cli/report-command.js';
import { dayStartOf } from '../../../shared/services/daily-report.js';
import { cliHarness } from './cli-harness.js';

describe('operator commands refuse what they do not take', () => {
  it('refuses an option another command takes (status --day, cost --day, report --symbols) with exit 2 instead of ignoring it', async () => {
    const h = cliHarness();
    for (const argv of [['status', '--day', '2021-05-19'], ['cost', '--day', '2021-05-19'], ['report', '--symbols', '3'], ['kill', '--reason', 'x', '--limit', '3']]) {
      const r = await h.run(...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err).toMatch(new RegExp(`^stratus ${argv[0]}: unknown option ${argv[argv.length - 2]} \\(`));
      expect(r.err.trim().split('\n')).toHaveLength(1);
    }
  });

  it('refuses a stray positional argument to status, report, cost, kill and reset', async () => {
    const h = cliHarness();
    for (const argv of [['status', 'now'], ['report', '2021-05-19'], ['cost', '5'], ['kill', '--reason', 'market', 'crash']]) {
      const r = await h.run(...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err).toMatch(/unexpected argument/);
    }
  });
});

describe('stratus report --day', () => {
  const probes = () => ({ market: { getRecentClosedCandles: async () => [] }, ops: { listAlerts: async () => [] } });

  it('refuses an impossible calendar day such as 2021-02-30 instead of reporting 2 March', async () => {
    expect(() => dayStartOf('2021-02-30')).toThrow(/not a YYYY-MM-DD day: 2021-02-30/);
    expect(dayStartOf('2024-02-29')).toBe(Date.UTC(2024, 1, 29));
    const r = await cliHarness().run('report', '--day', '2021-02-30');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/--day must be a calendar day as YYYY-MM-DD, got 2021-02-30/);
  });

  it('names --day for a malformed day before it needs any table', async () => {
    const r = await cliHarness().run('report', '--day', 'banana');
    expect(r).toMatchObject({ code: 1, out: '' });
    expect(r.err).toMatch(/--day must be a calendar day as YYYY-MM-DD, got banana/);
  });

  it('refuses a day in the future, and reports today so far', async () => {
    const h = cliHarness();
    const r = await h.run('report', '--day', '2024-01-16');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/--day 2024-01-16 is in the future \(today is 2024-01-15 UTC\)/);
    expect(await reportCommand(h.ctx, { day: '2024-01-15' }, probes)).toBe(0);
  });

  it('says on stderr that a day had no fills, decisions or alerts, and still prints the report with exit 0', async () => {
    const h = cliHarness();
    const err: string[] = [];
    const out: string[] = [];
    const ctx = { ...h.ctx, out: (s: string) => out.push(s), err: (s: string) => err.push(s) };
    expect(await reportCommand(ctx, { day: '2024-01-10' }, probes)).toBe(0);
    expect(out.join('')).toMatch(/^Stratus daily report 2024-01-10/);
    expect(err.join('')).toBe('stratus report: no fills, decisions or alerts recorded on 2024-01-10\n');
  });
});

describe('stratus status when the check cannot run', () => {
  it('exits 2 (CRITICAL), not 1 (DEGRADED), when a table name is missing, naming the cause', async () => {
    const saved = process.env.MARKET_TABLE;
    delete process.env.MARKET_TABLE;
    try {
      const r = await cliHarness().run('status');
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/^stratus status: CRITICAL: the health check could not run: set MARKET_TABLE/);
    } finally {
      if (saved !== undefined) process.env.MARKET_TABLE = saved;
    }
  });
});

describe('stratus cost table', () => {
  it('prints each line so that the USD/MONTH column adds up to the total it prints', async () => {
    const { renderCost } = await import('../../../shared/cli/cost-command.js');
    const line = (item: string, monthly: string) => ({ service: 'Lambda', item, quantity: 1, unit: 'GB-second', unitPrice: monthly, monthly });
    const text = renderCost({
      region: 'us-east-1', pricesAsOf: '2025-06-01', workload: { symbols: 5, cadenceMinutes: 1 },
      lines: [line('a', '0.004'), line('b', '0.004'), line('c', '0.0045'), line('d', '1.2345')], total: '1.2470',
    } as never);
    const column = text.split('\n').slice(2).filter((l) => l.startsWith('Lambda')).map((l) => Number(/\$([\d.]+)\s*$/.exec(l)![1]));
    expect(column).toHaveLength(4);
    expect(column.reduce((s, v) => s + Math.round(v * 1e4), 0)).toBe(12_470);
    expect(text).toMatch(/exact sum of the lines: 1\.2470\)/);
  });
});
