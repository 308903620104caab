/**
 * `stratus signoff --role ROLE --by WHO --note TEXT` records a sign-off (who, role, when, note) in the policy table's
 * GOLIVE records; `stratus signoff list` prints them with the recorded verdict, the override and what the LIVE gate misses.
 */
import type { GoLiveRecords } from '../adapters/dynamo-readiness-store.js';
import type { GoLivePolicy } from '../domain/readiness-policy.js';
import { readinessMissing, type SignOff } from '../domain/readiness.js';
import { iso, table, type CliContext } from './cli-context.js';
import { UsageError, type CommandSpec } from './command-spec.js';
import { overrideLine } from './go-live-command.js';
import { readinessStoreFromEnv } from './go-live-wiring.js';

/** The sign-off records the command reads and writes. */
export interface SignoffStore {
  records(): Promise<GoLiveRecords>;
  putSignoff(s: SignOff): Promise<void>;
}

const ROLE = /^[a-z][a-z0-9-]{0,31}$/;

/** Records one sign-off at the clock's now. */
export async function signoffCommand(ctx: CliContext, values: { role?: string; by?: string; note?: string }, store: () => SignoffStore = readinessStoreFromEnv): Promise<number> {
  const role = values.role?.trim() ?? '';
  if (!ROLE.test(role)) throw new UsageError('--role must be a lower-case role name, e.g. trader, risk, override');
  const by = values.by?.trim();
  const note = values.note?.trim();
  if (!by) throw new UsageError('--by is required');
  if (!note) throw new UsageError('--note is required');
  const signoff: SignOff = { role, by, at: ctx.clock.now(), note };
  await store().putSignoff(signoff);
  ctx.out(`signed off: role ${role} by ${by} at ${iso(signoff.at)}\n`);
  return 0;
}

/** Lists the sign-offs, the recorded verdict and override, and what a LIVE policy would still miss under the policy in force. */
export async function signoffListCommand(ctx: CliContext, store: () => SignoffStore = readinessStoreFromEnv, goLive?: () => Promise<GoLivePolicy>): Promise<number> {
  const records = await store().records();
  const rows = records.signoffs.map((s) => [iso(s.at), s.role, s.by, s.note]);
  const v = records.verdict;
  ctx.out(`${rows.length ? table([['at', 'role', 'by', 'note'], ...rows]) : 'no sign-offs\n'}`
    + `verdict: ${v ? `${v.passed ? 'PASSED' : 'NOT PASSED'} at ${iso(v.at)} by ${v.by}` : 'none recorded'}\n${overrideLine(records)}\n`);
  const policy = goLive ?? (async () => (await ctx.policies().peek()).policy.goLive);
  const missing = readinessMissing(await policy(), { ...records, readAt: ctx.clock.now() }); // as the loaders judge: future-dated records do not count
  ctx.out(missing.length ? `LIVE gate: closed; missing:\n${missing.map((m) => `  - ${m}`).join('\n')}\n` : 'LIVE gate: open\n');
  return 0;
}

/** `stratus signoff` as the CLI declares it. */
export const command: CommandSpec = {
  name: 'signoff',
  summary: 'Record a go-live sign-off (who, role, when, note), or list them: stratus signoff list',
  usage: 'stratus signoff --role ROLE --by WHO --note TEXT | stratus signoff list',
  options: {
    role: { type: 'string', value: 'ROLE', description: 'The role signing off, e.g. trader, risk (goLive.requiredSignoffRoles), or override' },
    by: { type: 'string', value: 'WHO', description: 'Who signs off (required)' },
    note: { type: 'string', value: 'TEXT', description: 'What was checked (required)' },
  },
  positionals: { min: 0, max: 1, label: '[list]' },
  details: 'A LIVE policy needs a sign-off by every required role made after the recorded passing go-live-check. Needs POLICY_TABLE.',
  run: (ctx, values, positionals) => {
    if (positionals[0] === 'list') return signoffListCommand(ctx);
    if (positionals[0] !== undefined) throw new UsageError(`unknown argument ${positionals[0]} (only: list)`);
    return signoffCommand(ctx, values as { role?: string; by?: string; note?: string });
  },
};
