/**
 * `stratus go-live-check` (the checklist, PASS / FAIL / UNKNOWN with evidence; --record stores the verdict the LIVE gate
 * reads), `stratus go-live-override` (a documented override, effective once signed off in role override by someone else)
 * and `stratus go-live-record` (stores a walk-forward or cost-sweep summary as evidence).
 */
import type { GoLiveRecords } from '../adapters/dynamo-readiness-store.js';
import { validatePolicy, type Policy } from '../domain/policy.js';
import type { CostSweepEvidence, WalkForwardEvidence } from '../domain/readiness-checks.js';
import { OVERRIDE_ROLE, effectiveOverride, readinessMissing, type GoLiveOverride, type ReadinessVerdict } from '../domain/readiness.js';
import { checkReadiness, type ReadinessCheckDeps } from '../services/readiness-check.js';
import { iso, table, type CliContext } from './cli-context.js';
import { UsageError, type CommandSpec } from './command-spec.js';
import { readinessDepsFromEnv, readinessStoreFromEnv } from './go-live-wiring.js';

/** The GOLIVE records' writers the override and record commands use. */
export interface GoLiveWriter {
  records(): Promise<GoLiveRecords>;
  putOverride(o: GoLiveOverride): Promise<void>;
  putEvidence(e: { kind: 'walkForward'; value: WalkForwardEvidence } | { kind: 'costSweep'; value: CostSweepEvidence }): Promise<void>;
}

const text = (v: string | boolean | undefined, name: string): string => {
  if (typeof v !== 'string' || !v.trim()) throw new UsageError(`${name} is required`);
  return v.trim();
};

/** The verdict as the operator reads it: one line per check, then what the LIVE gate still needs. */
export function formatVerdict(v: ReadinessVerdict & { recorded: boolean }, policy: Policy, records: GoLiveRecords): string {
  const rows = v.checks.map((c) => [c.status, c.code, c.evidence]);
  const failed = v.checks.filter((c) => c.status !== 'PASS').map((c) => c.code);
  const head = `go-live-check ${iso(v.at)}: ${v.passed ? 'PASSED' : `NOT PASSED (${failed.length} of ${v.checks.length}: ${failed.join(', ')})`}`
    + `${v.recorded ? ', recorded' : ' (not recorded; --record stores it for the LIVE gate)'}\n`;
  const facts = { ...(v.recorded ? { ...records, verdict: v } : records), readAt: v.at }; // as the loaders judge: future-dated records do not count
  const missing = readinessMissing(policy.goLive, facts);
  const o = effectiveOverride(facts);
  return `${head}${table([['status', 'check', 'evidence'], ...rows])}`
    + `${overrideLine(records)}\n`
    + (o ? `LIVE gate: open by the override of ${o.override.by}, signed off by ${o.signoff.by}\n`
      : missing.length ? `LIVE gate: closed; missing:\n${missing.map((m) => `  - ${m}`).join('\n')}\n` : 'LIVE gate: open (verdict passed, every required sign-off after it)\n');
}

/** The override on record and whether it is signed off, for go-live-check and status. */
export function overrideLine(records: GoLiveRecords): string {
  const o = records.override;
  if (!o) return 'override: none';
  const signed = effectiveOverride(records);
  return `override: by ${o.by} at ${iso(o.at)} (${o.reason}); ${signed ? `signed off by ${signed.signoff.by} at ${iso(signed.signoff.at)}` : `awaiting a sign-off in role ${OVERRIDE_ROLE} by someone else`}`;
}

/** What `stratus status` reads of the go-live records. */
export interface GoLiveStatusSource {
  records(): Promise<GoLiveRecords>;
}

/** The go-live lines of `stratus status`: the recorded verdict, the sign-offs, the override and when LIVE started; never throws. */
export async function goLiveStatus(source: GoLiveStatusSource): Promise<string> {
  try {
    const r = await source.records();
    const v = r.verdict;
    const roles = [...new Set(r.signoffs.filter((s) => v && s.at >= v.at).map((s) => s.role))];
    return `go-live: ${v ? `verdict ${v.passed ? 'PASSED' : 'NOT PASSED'} at ${iso(v.at)}` : 'no verdict recorded'}`
      + `; signed off since: ${roles.join(', ') || 'none'}${r.liveSince === undefined ? '' : `; LIVE since ${iso(r.liveSince)}`}
${overrideLine(r)}
`;
  } catch (err) {
    return `go-live: records unreadable (${err instanceof Error ? err.message : String(err)})
`;
  }
}

/** `stratus go-live-check [--record] [--policy FILE] [--by WHO]`: exit 0 when every check passed, 1 otherwise. */
export async function goLiveCheckCommand(
  ctx: CliContext, values: { record?: boolean; policy?: string; by?: string }, deps: () => ReadinessCheckDeps = () => readinessDepsFromEnv(),
): Promise<number> {
  const d = deps();
  let policy = (await d.policies.load()).policy;
  if (values.policy) {
    const checked = validatePolicy(JSON.parse(await ctx.readText(values.policy)) as unknown);
    if (!checked.ok) throw new UsageError(`${values.policy} does not validate: ${checked.problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
    policy = checked.policy;
  }
  const by = values.by ?? ctx.user ?? 'unknown';
  const verdict = await checkReadiness(d, policy, { record: values.record === true, by });
  ctx.out(formatVerdict(verdict, policy, await d.records.records()));
  return verdict.passed ? 0 : 1;
}

/** `stratus go-live-override --by WHO --reason TEXT`: recorded; it opens the gate only once signed off in role override by someone else. */
export async function goLiveOverrideCommand(ctx: CliContext, values: { by?: string; reason?: string }, store: () => GoLiveWriter = readinessStoreFromEnv): Promise<number> {
  const override = { by: text(values.by, '--by'), reason: text(values.reason, '--reason'), at: ctx.clock.now() };
  await store().putOverride(override);
  ctx.out(`override recorded: by ${override.by} at ${iso(override.at)} (${override.reason})\n`
    + `it takes effect once someone else signs it off: stratus signoff --role ${OVERRIDE_ROLE} --by WHO --note TEXT\n`);
  return 0;
}

/** `stratus go-live-record --walk-forward FILE | --cost-sweep FILE`: the JSON those commands write with --json, stored as evidence. */
export async function goLiveRecordCommand(
  ctx: CliContext, values: { 'walk-forward'?: string; 'cost-sweep'?: string; by?: string }, store: () => GoLiveWriter = readinessStoreFromEnv,
): Promise<number> {
  const wf = values['walk-forward'];
  const cs = values['cost-sweep'];
  if (!wf === !cs) throw new UsageError('give exactly one of --walk-forward FILE and --cost-sweep FILE');
  const recordedAt = ctx.clock.now();
  const recordedBy = values.by ?? ctx.user ?? 'unknown';
  const json = JSON.parse(await ctx.readText((wf ?? cs)!)) as Record<string, unknown>;
  if (wf) {
    const s = json['summary'] as Record<string, unknown> | undefined;
    const config = (json['config'] ?? {}) as Record<string, unknown>;
    if (!s || typeof s['windows'] !== 'number' || typeof s['compoundedReturnPct'] !== 'number') throw new UsageError(`${wf} is not the JSON of stratus walk-forward --json`);
    const value: WalkForwardEvidence = {
      strategy: String(config['strategy'] ?? 'unknown'), windows: s['windows'], compoundedReturnPct: s['compoundedReturnPct'],
      meanTestSharpe: typeof s['meanTestSharpe'] === 'number' ? s['meanTestSharpe'] : null, recordedAt, recordedBy,
    };
    await store().putEvidence({ kind: 'walkForward', value });
    ctx.out(`walk-forward recorded: ${value.strategy}, ${value.windows} windows, compounded ${value.compoundedReturnPct.toFixed(3)} % out-of-sample\n`);
    return 0;
  }
  const levels = json['levels'];
  if (!Array.isArray(levels) || !('breakEvenBps' in json)) throw new UsageError(`${cs} is not the JSON of stratus cost-sweep --json`);
  const value: CostSweepEvidence = {
    breakEvenBps: typeof json['breakEvenBps'] === 'number' ? json['breakEvenBps'] : null,
    levels: (levels as Record<string, unknown>[]).map((l) => ({ bps: Number(l['bps']), totalReturnPct: typeof l['totalReturnPct'] === 'number' ? l['totalReturnPct'] : null })),
    recordedAt, recordedBy,
  };
  await store().putEvidence({ kind: 'costSweep', value });
  ctx.out(`cost sweep recorded: break-even ${value.breakEvenBps === null ? 'none in range' : `${value.breakEvenBps.toFixed(2)} bps`} over ${value.levels.length} levels\n`);
  return 0;
}

const ENV_NOTE = 'Needs the functions\' environment (table, queue and topic names; EXCHANGE_SECRET_ARN) and AWS credentials.';

/** `stratus go-live-check` as the CLI declares it. */
export const command: CommandSpec = {
  name: 'go-live-check',
  summary: 'The go-live checklist: PASS / FAIL / UNKNOWN with evidence; --record stores the verdict the LIVE gate reads',
  usage: 'stratus go-live-check [--record] [--policy FILE] [--by WHO]',
  options: {
    record: { type: 'boolean', description: 'Store the verdict (a LIVE policy needs a recorded passing one, then the sign-offs)' },
    policy: { type: 'string', value: 'FILE', description: 'Judge by this document\'s goLive thresholds and fees (default: the policy in force)' },
    by: { type: 'string', value: 'WHO', description: 'Who runs the check (default $USER)' },
  },
  details: `Exit 0 when every check is PASS, 1 otherwise (UNKNOWN counts as not passed). ${ENV_NOTE}`,
  run: (ctx, values) => goLiveCheckCommand(ctx, values as { record?: boolean; policy?: string; by?: string }),
};

/** `stratus go-live-override` as the CLI declares it. */
export const overrideSpec: CommandSpec = {
  name: 'go-live-override',
  summary: 'Record a documented override of the go-live checklist (needs its own sign-off by someone else)',
  usage: 'stratus go-live-override --by WHO --reason TEXT',
  options: {
    by: { type: 'string', value: 'WHO', description: 'Who overrides (required)' },
    reason: { type: 'string', value: 'TEXT', description: 'Why (required; recorded and shown by go-live-check and status)' },
  },
  details: `The override opens the LIVE gate only once signed off: stratus signoff --role ${OVERRIDE_ROLE} --by OTHER --note TEXT. Needs POLICY_TABLE.`,
  run: (ctx, values) => goLiveOverrideCommand(ctx, values as { by?: string; reason?: string }),
};

/** `stratus go-live-record` as the CLI declares it. */
export const recordSpec: CommandSpec = {
  name: 'go-live-record',
  summary: 'Store a walk-forward or cost-sweep result (their --json output) as go-live evidence',
  usage: 'stratus go-live-record (--walk-forward FILE | --cost-sweep FILE) [--by WHO]',
  options: {
    'walk-forward': { type: 'string', value: 'FILE', description: 'The JSON of stratus walk-forward --json' },
    'cost-sweep': { type: 'string', value: 'FILE', description: 'The JSON of stratus cost-sweep --json' },
    by: { type: 'string', value: 'WHO', description: 'Who records it (default $USER)' },
  },
  details: 'The latest of each kind counts (WALK_FORWARD, BREAK_EVEN_COST). Needs POLICY_TABLE.',
  run: (ctx, values) => goLiveRecordCommand(ctx, values as { 'walk-forward'?: string; 'cost-sweep'?: string; by?: string }),
};
