import { beforeEach, describe, expect, it } from 'vitest';
import type { Decision } from '../../../shared/domain/decision.js';
import { effectiveStatus } from '../../../shared/domain/kill-switch.js';
import { newLedger, type Lock } from '../../../shared/domain/ledger.js';
import { MemoryAlerts } from '../../../shared/adapters/memory-alerts.js';
import type { CliContext } from '../../../shared/cli/cli-context.js';
import { runCli } from '../../../shared/cli/run-cli.js';
import { cliHarness } from './cli-harness.js';

let h: ReturnType<typeof cliHarness>;
beforeEach(() => { h = cliHarness(); });
const MIN = 60_000;

function decision(intentId: string, decidedAt: number, symbol: string, approved: boolean): Decision {
  return {
    intentId, strategy: 'momentum', symbol, side: 'buy', kind: 'entry', approved, mode: 'PAPER',
    reasons: approved ? [] : [{ code: 'MAX_TOTAL_EXPOSURE', message: 'x' }, { code: 'SYMBOL_COOLDOWN', message: 'y' }],
    ...(approved ? { quantity: '0.001', notional: '97.5' } : {}), policyHash: 'abcdef0123456789', policyVersion: 4, decidedAt,
  };
}

describe('stratus kill and reset', () => {
  it('kill trips the switch with the reason and who (default: the user running it)', async () => {
    const r = await h.run('kill', '--reason', 'exchange incident');
    expect(r).toMatchObject({ code: 0, out: expect.stringContaining('kill switch TRIPPED (exchange incident, by tester)') });
    expect((await h.state.getKillSwitch())!.value).toMatchObject({ status: 'TRIPPED', reason: 'exchange incident', changedBy: 'tester', tripCount: 1 });
    await h.run('kill', '--reason', 'again', '--by', 'alice');
    expect((await h.state.getKillSwitch())!.value).toMatchObject({ status: 'TRIPPED', reason: 'exchange incident', tripCount: 1 });
  });

  it.each([
    [600, 'COOLDOWN'],
    [0, 'ARMED'],
  ] as const)('reset goes through the policy killSwitch.cooldownSeconds (%i s → %s)', async (cooldownSeconds, status) => {
    await h.policies.write({ killSwitch: { cooldownSeconds } }, { by: 'alice', at: 1 });
    await h.run('kill', '--reason', 'test');
    const r = await h.run('reset', '--by', 'alice', '--reason', 'incident closed');
    expect(r.code).toBe(0);
    const ks = (await h.state.getKillSwitch())!.value;
    expect(ks).toMatchObject({ status, changedBy: 'alice', reason: 'incident closed' });
    expect(effectiveStatus(ks, h.clock.now() + cooldownSeconds * 1000)).toBe('ARMED');
    if (status === 'COOLDOWN') {
      expect(ks.cooldownUntil).toBe(h.clock.now() + 600_000);
      expect(effectiveStatus(ks, h.clock.now() + 599_999)).toBe('COOLDOWN');
      expect(r.out).toContain('until');
    }
  });

  it.each([
    [['kill'], 'kill needs --reason'],
    [['reset', '--reason', 'x'], 'reset needs --by'],
    [['reset', '--by', 'alice'], 'reset needs --by'],
  ])('refuses %j without the required options', async (argv, message) => {
    const r = await h.run(...argv);
    expect(r.code).toBe(1);
    expect(r.err).toContain(message);
    expect(await h.state.getKillSwitch()).toBeUndefined();
  });
});

describe('stratus kill and reset alerts', () => {
  async function runWith(alerts: MemoryAlerts | undefined, ...argv: string[]) {
    let out = '';
    const ctx: CliContext = { ...h.ctx, alerts: () => alerts, out: (t) => { out += t; } };
    return { code: await runCli(argv, ctx), out };
  }

  it('kill publishes KILL_SWITCH_TRIPPED with by and code MANUAL, reset publishes KILL_SWITCH_RESET; a repeated kill sends nothing', async () => {
    const alerts = new MemoryAlerts();
    await runWith(alerts, 'kill', '--reason', 'exchange incident');
    await runWith(alerts, 'kill', '--reason', 'again');
    await runWith(alerts, 'reset', '--by', 'alice', '--reason', 'incident closed');
    expect(alerts.published.map((a) => [a.kind, a.severity, a.details?.by, a.details?.code])).toEqual([
      ['KILL_SWITCH_TRIPPED', 'critical', 'tester', 'MANUAL'], ['KILL_SWITCH_RESET', 'warning', 'alice', undefined],
    ]);
    expect(alerts.published[0]).toMatchObject({ title: 'Kill switch tripped: MANUAL by tester', at: h.clock.now() });
  });

  it('says plainly that no alert went out when no topic is configured', async () => {
    const r = await runWith(undefined, 'kill', '--reason', 'exchange incident');
    expect(r).toMatchObject({ code: 0, out: expect.stringContaining('no alert sent: ALERT_TOPIC_ARN is not set') });
  });

  it('exits 1 when the alert cannot be sent, and the trip stands', async () => {
    const failing = new MemoryAlerts();
    failing.publish = async () => { throw new Error('SNS down'); };
    let err = '';
    const ctx: CliContext = { ...h.ctx, alerts: () => failing, err: (t) => { err += t; } };
    expect(await runCli(['kill', '--reason', 'x'], ctx)).toBe(1);
    expect(err).toContain('the KILL_SWITCH_TRIPPED alert was not sent: SNS down');
    expect((await h.state.getKillSwitch())!.value.status).toBe('TRIPPED');
  });
});

describe('stratus decisions', () => {
  beforeEach(async () => {
    const now = h.clock.now();
    await h.state.putDecision(decision('old', now - 25 * 60 * MIN, 'BTC/USDT', true));
    await h.state.putDecision(decision('a', now - 30 * MIN, 'BTC/USDT', true));
    await h.state.putDecision(decision('b', now - 20 * MIN, 'ETH/USDT', false));
  });

  it('shows the last 24 h by default, oldest first, with verdict, policy and reason codes', async () => {
    const r = await h.run('decisions');
    const lines = r.out.trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/DECIDED\s+SYMBOL\s+SIDE\s+KIND\s+VERDICT\s+NOTIONAL\s+POLICY\s+REASONS/);
    expect(lines[1]).toMatch(/2024-01-15T11:30:00Z\s+BTC\/USDT\s+buy\s+entry\s+approved\s+97\.5\s+v4 abcdef01\s+-$/);
    expect(lines[2]).toMatch(/ETH\/USDT .*rejected\s+-\s+v4 abcdef01\s+MAX_TOTAL_EXPOSURE,SYMBOL_COOLDOWN$/);
  });

  it('filters by --symbol and --since, and bounds the rows with --limit', async () => {
    expect((await h.run('decisions', '--symbol', 'ETH/USDT')).out).not.toContain('BTC/USDT');
    const since = await h.run('decisions', '--since', '2024-01-14T00:00:00Z');
    expect(since.out.trim().split('\n')).toHaveLength(4);
    const limited = await h.run('decisions', '--since', '2024-01-14', '--limit', '1');
    expect(limited.out).toContain('ETH/USDT');
    expect(limited.out).toContain('(2 older decisions not shown');
    expect((await h.run('decisions', '--symbol', 'SOL/USDT')).out).toContain('no decisions since');
  });

  it('refuses a --since that is not a date', async () => {
    expect(await h.run('decisions', '--since', 'yesterday')).toMatchObject({ code: 1, err: expect.stringContaining('not an ISO date') });
  });
});

describe('stratus locks', () => {
  it('lists only the locks still in force, soonest to expire first', async () => {
    const now = h.clock.now();
    const locks: Lock[] = [
      { scope: '*', protection: 'maxDrawdown', reason: 'drawdown 8.4% in 48 h', createdAt: now - MIN, until: now + 720 * MIN },
      { scope: 'SOL/USDT', protection: 'cooldown', reason: 'exited 2 min ago', createdAt: now - 2 * MIN, until: now + 13 * MIN },
      { scope: 'BTC/USDT', protection: 'stoplossGuard', reason: 'expired', createdAt: now - 100 * MIN, until: now },
    ];
    await h.state.putLedger({ ...newLedger('10000', 0), locks }, 0);
    const lines = (await h.run('locks')).out.trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/SCOPE\s+PROTECTION\s+UNTIL\s+LEFT\s+REASON/);
    expect(lines[1]).toMatch(/^SOL\/USDT\s+cooldown\s+2024-01-15T12:13:00Z\s+13 min\s+exited 2 min ago$/);
    expect(lines[2]).toMatch(/^\* \(all pairs\)\s+maxDrawdown\s+2024-01-16T00:00:00Z\s+720 min\s+drawdown/);
  });

  it('says so when there is no ledger or no lock in force', async () => {
    expect((await h.run('locks')).out).toBe('no active protection locks\n');
  });
});

describe('stratus (usage)', () => {
  it.each([
    [['frobnicate'], 2, 'unknown command'],
    [['kill', '--no-such-flag'], 2, 'stratus kill: unknown option --no-such-flag (kill takes --reason, --by, --local)'],
    [[], 2, 'Usage:'],
    [['policy', 'nope'], 2, 'stratus policy: unknown subcommand nope (see stratus policy --help)'],
  ])('%j exits %i', async (argv, code, message) => {
    const r = await h.run(...argv);
    expect(r.code).toBe(code);
    expect(r.err).toContain(message);
  });
});
