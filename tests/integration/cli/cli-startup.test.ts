import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../lib/bundle-options.js';

const run = promisify(execFile);

/** Prints, at exit, every bare package the process resolved (a Node 24 module hook), one per line after a marker. */
const RECORD_PACKAGES = `data:text/javascript,${encodeURIComponent(`
import { registerHooks } from 'node:module';
const seen = new Set();
registerHooks({ resolve(specifier, context, next) { if (!/^(node:|[./]|file:|data:)/.test(specifier)) seen.add(specifier); return next(specifier, context); } });
process.on('exit', () => process.stderr.write('\\n--packages--\\n' + [...seen].join('\\n') + '\\n'));
`)}`;

let cache: string;
let policyFile: string;

/** Runs bin/stratus.js the way `npx stratus` does; returns stdout and the packages it loaded. */
async function stratus(...args: string[]): Promise<{ stdout: string; packages: string[] }> {
  const { stdout, stderr } = await run(process.execPath, ['--import', RECORD_PACKAGES, path.join(REPO_ROOT, 'bin', 'stratus.js'), ...args], {
    cwd: REPO_ROOT, env: { PATH: process.env.PATH ?? '', STRATUS_CLI_CACHE: cache }, timeout: 60_000,
  });
  return { stdout, packages: stderr.split('\n--packages--\n')[1]!.trim().split('\n') };
}

const HEAVY = /^(ccxt|@aws-sdk\/|aws-cdk-lib|constructs|tsx|esbuild)/;

beforeAll(async () => {
  // Inside the repository, as the real cache: the bundle leaves npm packages to node_modules.
  fs.mkdirSync(path.join(REPO_ROOT, 'node_modules', '.cache'), { recursive: true });
  cache = fs.mkdtempSync(path.join(REPO_ROOT, 'node_modules', '.cache', 'stratus-cli-test-'));
  policyFile = path.join(cache, 'policy.json');
  fs.writeFileSync(policyFile, '{}');
  await run(process.execPath, [path.join(REPO_ROOT, 'bin', 'cli-bundle.mjs')], { env: { PATH: process.env.PATH ?? '', STRATUS_CLI_CACHE: cache }, timeout: 60_000 });
}, 90_000);

afterAll(() => {
  if (cache) fs.rmSync(cache, { recursive: true, force: true });
});

describe('the stratus launcher', () => {
  it('prints --help from the precompiled bundle without loading tsx, ccxt, the AWS SDK or CDK', async () => {
    const { stdout, packages } = await stratus('--help');
    expect(stdout).toMatch(/\n {2}policy +Validate, read, write, diff and roll back the policy in force\n/);
    expect(packages.filter((p) => HEAVY.test(p))).toEqual([]);
  });

  it('validates a policy file from the bundle without loading tsx, ccxt or CDK', async () => {
    const { stdout, packages } = await stratus('policy', 'validate', policyFile);
    expect(stdout).toContain(`${policyFile}: valid`);
    expect(packages.filter((p) => /^(ccxt|aws-cdk-lib|constructs|tsx|esbuild)/.test(p))).toEqual([]);
  });

  it('rebuilds the bundle when a file it was built from changed, and reuses it otherwise', async () => {
    const manifest = path.join(cache, 'manifest.json');
    const before = JSON.parse(fs.readFileSync(manifest, 'utf8')) as { dir: string; inputs: Record<string, string> };
    await stratus('--help');
    expect((JSON.parse(fs.readFileSync(manifest, 'utf8')) as { dir: string }).dir).toBe(before.dir);
    const [first] = Object.keys(before.inputs);
    fs.writeFileSync(manifest, JSON.stringify({ ...before, inputs: { ...before.inputs, [first!]: 'stale' } }));
    const { packages } = await stratus('--help');
    expect(packages).toContain('esbuild');
    expect((JSON.parse(fs.readFileSync(manifest, 'utf8')) as { dir: string }).dir).not.toBe(before.dir);
  }, 60_000);
});
