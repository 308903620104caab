/** `--json -` on every command that writes a JSON report: the JSON alone on stdout, the text on stderr, no file named `-`. */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CliContext } from '../../../shared/cli/cli-context.js';
import { runCli } from '../../../shared/cli/run-cli.js';

const DATA = resolve(import.meta.dirname, '../../../shared/local/data');
const RUN = ['--strategy', 'sma-cross', '--symbols', 'BTC/USDT', '--timeframe', '1m', '--from', '2021-05-17', '--to', '2021-05-18T12:00:00Z', '--data', DATA];
const dir = mkdtempSync(join(tmpdir(), 'stratus-json-stdout-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function capture() {
  const output = { out: '', err: '' };
  const none = () => { throw new Error('research commands must not touch the stores'); };
  const ctx: CliContext = {
    policies: none, state: none, clock: { now: () => 0 }, out: (t) => { output.out += t; }, err: (t) => { output.err += t; },
    readText: (path) => readFile(path, 'utf8'),
  };
  return { ctx, output };
}

const COMMANDS: Record<string, string[]> = {
  'cost-sweep': ['cost-sweep', ...RUN, '--levels', '0,10', '--workers', '2'],
  'walk-forward': ['walk-forward', ...RUN, '--train', '12h', '--test', '6h', '--grid', 'fast=5,10;slow=30', '--workers', '2'],
  optimize: ['optimize', ...RUN, '--grid', 'fast=5,10;slow=30', '--workers', '2'],
  durability: ['durability', ...RUN, '--train', '12h', '--test', '6h', '--levels', '0,10', '--multiples', '1,10', '--workers', '2'],
};

describe('--json - prints the JSON report to stdout', () => {
  for (const [name, args] of Object.entries(COMMANDS)) {
    it(`${name}: stdout is one JSON document, the table goes to stderr, no file named -`, async () => {
      const cwd = process.cwd();
      const { ctx, output } = capture();
      process.chdir(dir);
      try {
        expect(await runCli([...args, '--json', '-'], ctx)).toBe(0);
      } finally {
        process.chdir(cwd);
      }
      expect(() => JSON.parse(output.out), output.out.slice(0, 200)).not.toThrow();
      expect(output.err.length).toBeGreaterThan(0);
      expect(existsSync(join(dir, '-'))).toBe(false);
    }, 180_000);
  }
});
