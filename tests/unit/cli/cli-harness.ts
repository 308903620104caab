import { MemoryPolicyStore } from '../../../shared/adapters/memory-policy-store.js';
import { MemoryStateStore } from '../../../shared/adapters/memory-state-store.js';
import type { CliContext } from '../../../shared/cli/cli-context.js';
import { runCli } from '../../../shared/cli/run-cli.js';
import { ManualClock } from '../../support/store-contracts.js';

/** Memory stores, a hand-moved clock, in-memory files and captured output: a `stratus` process without I/O. */
export interface CliHarness {
  readonly policies: MemoryPolicyStore;
  readonly state: MemoryStateStore;
  readonly clock: ManualClock;
  readonly files: Map<string, string>;
  readonly ctx: CliContext;
  /** Runs `stratus <argv>`, returning its exit code and what it printed (since the last run). */
  run(...argv: string[]): Promise<{ code: number; out: string; err: string }>;
}

/** A fresh harness; `file` adds a JSON file (objects are stringified). */
export function cliHarness(): CliHarness & { file(name: string, content: unknown): string } {
  const clock = new ManualClock(Date.UTC(2024, 0, 15, 12, 0, 0));
  const policies = new MemoryPolicyStore({ clock });
  const state = new MemoryStateStore();
  const files = new Map<string, string>();
  let out = '';
  let err = '';
  const ctx: CliContext = {
    policies: () => policies, state: () => state, clock,
    out: (t) => { out += t; }, err: (t) => { err += t; },
    readText: async (path) => {
      const text = files.get(path);
      if (text === undefined) throw new Error(`ENOENT: no such file ${path}`);
      return text;
    },
    user: 'tester',
  };
  return {
    policies, state, clock, files, ctx,
    file(name, content) { files.set(name, typeof content === 'string' ? content : JSON.stringify(content)); return name; },
    async run(...argv) {
      out = ''; err = '';
      const code = await runCli(argv, ctx);
      return { code, out, err };
    },
  };
}
