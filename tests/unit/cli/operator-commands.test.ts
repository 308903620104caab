import { describe, expect, it } from 'vitest';
import type { CliContext } from '../../../shared/cli/cli-context.js';
import { cadenceMinutes, costCommand } from '../../../shared/cli/cost-command.js';
import { runCli } from '../../../shared/cli/run-cli.js';
import { jsonFlagToStdout } from '../../../shared/cli/status-command.js';
import type { CfnTemplate } from '../../../shared/cost/inventory.js';

function capture(): { ctx: CliContext; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  const ctx = { out: (s: string) => out.push(s), err: (s: string) => err.push(s), clock: { now: () => 0 } } as unknown as CliContext;
  return { ctx, out, err };
}

const TEMPLATE: CfnTemplate = {
  Resources: {
    Fn: { Type: 'AWS::Lambda::Function', Properties: { MemorySize: 512, Architectures: ['arm64'], Environment: { Variables: { POWERTOOLS_SERVICE_NAME: 'signal' } } } },
    Every: { Type: 'AWS::Scheduler::Schedule', Properties: { ScheduleExpression: 'cron(* * * * ? *)', Target: { Arn: { 'Fn::GetAtt': ['Fn', 'Arn'] } } } },
    A1: { Type: 'AWS::CloudWatch::Alarm', Properties: { Period: 60 } },
  },
};

describe('stratus status, report and cost on the command line', () => {
  it('lists status, report and cost in --help, and each one\'s options in its own --help', async () => {
    const { ctx, out } = capture();
    expect(await runCli(['--help'], ctx)).toBe(0);
    expect(out.join('')).toMatch(/\n {2}status +Health verdict OK \/ DEGRADED \/ CRITICAL/);
    const help = async (command: string) => { out.length = 0; expect(await runCli([command, '--help'], ctx)).toBe(0); return out.join(''); };
    expect(await help('status')).toMatch(/Usage: stratus status \[--json \[FILE\]\][\s\S]*Exit 0 OK, 1 DEGRADED, 2 CRITICAL/);
    expect(await help('report')).toMatch(/Usage: stratus report \[--day YYYY-MM-DD\] \[--json \[FILE\]\]/);
    expect(await help('cost')).toMatch(/Usage: stratus cost \[--symbols N\] \[--cadence 1m\] \[--spot\] \[--region us-east-1\]/);
  });

  it('lets --json stand alone for status, report and cost (JSON on stdout), and leaves start\'s --json <file> alone', () => {
    expect(jsonFlagToStdout(['status', '--json'])).toEqual(['status', '--json', '-']);
    expect(jsonFlagToStdout(['report', '--json', '--day', '2021-05-19'])).toEqual(['report', '--json', '-', '--day', '2021-05-19']);
    expect(jsonFlagToStdout(['cost', '--json', 'c.json'])).toEqual(['cost', '--json', 'c.json']);
    expect(jsonFlagToStdout(['start', '--json'])).toEqual(['start', '--json']);
  });

  it('refuses a malformed --cadence or --symbols before synthesizing anything', async () => {
    const { ctx, err } = capture();
    expect(await runCli(['cost', '--cadence', 'fast'], ctx)).toBe(1);
    expect(err.join('')).toMatch(/--cadence must look like 1m, 5m or 1h, got fast/);
    expect(await runCli(['cost', '--symbols', '2.5'], ctx)).toBe(1);
    expect(err.join('')).toMatch(/--symbols must be a whole number/);
    expect(cadenceMinutes('1h')).toBe(60);
  });

  it('prints the cost table with a total equal to the sum of its lines, or the estimate as JSON', async () => {
    const { ctx, out } = capture();
    const contexts: unknown[] = [];
    const synth = async (c: Record<string, unknown>) => { contexts.push(c); return TEMPLATE; };
    expect(await costCommand(ctx, { symbols: '2', cadence: '5m', spot: true }, synth)).toBe(0);
    expect(contexts).toEqual([{ spot: true }]);
    expect(out.join('')).toMatch(/^Stratus monthly AWS cost, 2 symbol\(s\) at 5m cadence, us-east-1 list prices as of \d{4}-\d{2}-\d{2}\n/);
    expect(out.join('')).toMatch(/Lambda +signal: 8760 invocations × 210 ms × 512 MB arm64/);
    out.length = 0;
    await costCommand(ctx, { json: '-' }, synth);
    const e = JSON.parse(out.join('')) as { total: string; lines: { monthly: string }[] };
    expect(e.lines.reduce((s, l) => s + Math.round(Number(l.monthly) * 1e4), 0)).toBe(Math.round(Number(e.total) * 1e4));
  });
});
