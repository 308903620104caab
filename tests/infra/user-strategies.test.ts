import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../lib/app.js';
import { USER_STRATEGIES_ENV } from '../../shared/runtime/user-strategies.js';

/** A string only the fixture's code holds (its summary; declarations carry name, source and params only). */
const MARKER = 'buy a close above the previous closes, sell one below them';
const FIXTURE = 'tests/support/strategies/breakout.ts';

let outdir: string;
let functions: { service: string; env: Record<string, string>; code: string }[] = [];
let streamEnv: { Name: string; Value: string }[] = [];

beforeAll(() => {
  outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'stratus-user-strategies-'));
  const { app, stack } = buildApp({ strategies: FIXTURE }, { nag: false, outdir });
  const template = app.synth().getStackByName(stack.stackName).template as { Resources: Record<string, any> };
  const resources = Object.values(template.Resources);
  functions = resources.filter((r) => r.Type === 'AWS::Lambda::Function' && r.Properties.Environment?.Variables?.POWERTOOLS_SERVICE_NAME).map((r) => {
    const dir = path.join(outdir, `asset.${String(r.Properties.Code.S3Key).replace(/\.zip$/, '')}`);
    const code = fs.readdirSync(dir, { recursive: true }).map(String).filter((f) => /\.m?js$/.test(f)).map((f) => fs.readFileSync(path.join(dir, f), 'utf8')).join('\n');
    return { service: r.Properties.Environment.Variables.POWERTOOLS_SERVICE_NAME as string, env: r.Properties.Environment.Variables, code };
  });
  const task = resources.find((r) => r.Type === 'AWS::ECS::TaskDefinition');
  streamEnv = task.Properties.ContainerDefinitions[0].Environment;
}, 300_000);

afterAll(() => {
  if (outdir) fs.rmSync(outdir, { recursive: true, force: true });
});

describe('cdk synth -c strategies=…', () => {
  it('bundles the user strategy into the signal function and into no other function', () => {
    const signal = functions.find((f) => f.service === 'signal')!;
    expect(signal.code).toContain(MARKER);
    const others = functions.filter((f) => f.service !== 'signal');
    expect(others.map((f) => f.service).sort()).toEqual(['alert-notifier', 'execution', 'metrics', 'reconcile', 'report', 'risk']);
    for (const f of others) expect(f.code.includes(MARKER), f.service).toBe(false);
  });

  it('declares it (name, source, params) to every pipeline function and to the market stream', () => {
    const declared = [{
      name: 'breakout', source: FIXTURE, params: [
        { name: 'entryLookback', integer: true, default: 20, min: 2, max: 500 },
        { name: 'exitLookback', integer: true, default: 10, min: 2, max: 500 },
      ],
    }];
    for (const f of functions.filter((x) => x.service !== 'alert-notifier')) expect(JSON.parse(f.env[USER_STRATEGIES_ENV]!), f.service).toEqual(declared);
    expect(JSON.parse(streamEnv.find((e) => e.Name === USER_STRATEGIES_ENV)!.Value)).toEqual(declared);
  });

  it('fails the synth on a strategy module the CLI would refuse, with the loader\'s reason', () => {
    expect(() => buildApp({ strategies: 'tests/support/strategies/bad/shadows-momentum.ts' }, { nag: false, outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'stratus-bad-')) }))
      .toThrow(/context strategies: .*shadows-momentum\.ts: strategy name "momentum" is already taken by a built-in strategy/);
    expect(() => buildApp({ strategies: 'tests/support/strategies/nowhere' }, { nag: false })).toThrow('context strategies: tests/support/strategies/nowhere does not exist');
  });
});
