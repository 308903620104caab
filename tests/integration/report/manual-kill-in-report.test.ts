/**
 * A manual `stratus kill` / `stratus reset` is in that day's report: the CLI's alert path keeps the same compact
 * ALERT# record of each alert it sends as the functions' path does, and `stratus report` lists it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processContext, type CliContext } from '../../../shared/cli/cli-context.js';
import { runCli } from '../../../shared/cli/run-cli.js';
import { emulatorEnv, startEmulators, type Emulators } from '../../../shared/local/emulators.js';
import { provision } from '../../../shared/local/provision.js';
import type { DailyReport } from '../../../shared/services/daily-report.js';

const NOW = Date.UTC(2021, 4, 19, 10, 0, 0);
let now = NOW;
let e: Emulators;
const saved = { ...process.env };

beforeAll(async () => {
  e = await startEmulators();
  Object.assign(process.env, emulatorEnv(e), (await provision(e, 'rptkill')).env);
});
afterAll(async () => {
  process.env = saved;
  await e?.stop();
});

async function run(...argv: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const ctx: CliContext = { ...processContext(process.env), clock: { now: () => now }, out: (t) => { out += t; }, err: (t) => { out += t; } };
  return { code: await runCli(argv, ctx), out };
}

describe('stratus report after a manual kill and reset', () => {
  it('lists the KILL_SWITCH_TRIPPED and KILL_SWITCH_RESET the operator caused, and the trip, in that day\'s report', async () => {
    expect((await run('kill', '--reason', 'exchange incident', '--by', 'alice')).code).toBe(0);
    now = NOW + 60_000;
    expect((await run('reset', '--reason', 'resolved', '--by', 'alice')).code).toBe(0);
    const r = await run('report', '--day', '2021-05-19', '--json');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.out) as DailyReport;
    expect(report.alerts.byKind).toEqual({ KILL_SWITCH_TRIPPED: 1, KILL_SWITCH_RESET: 1 });
    expect(report.alerts.list.map((a) => a.title)).toEqual(['Kill switch tripped: MANUAL by alice', expect.stringMatching(/^Kill switch reset/)]);
    expect(report.killSwitch).toMatchObject({ tripsToday: 1, tripsTotal: 1 });
    const text = await run('report', '--day', '2021-05-19');
    expect(text.out).toMatch(/^Stratus daily report 2021-05-19 \(UTC\)\n/);
    expect(text.out).toContain('2021-05-19T10:00:00Z CRITICAL KILL_SWITCH_TRIPPED: Kill switch tripped: MANUAL by alice');
  });
});
