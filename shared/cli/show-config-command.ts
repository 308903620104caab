import { defaultPolicy, policyHash, type Policy, type PolicyProblem } from '../domain/policy.js';
import { STRATEGY_OPTION_SPECS } from '../local/strategy-loader.js';
import { ENV } from '../resources.js';
import type { CliContext } from './cli-context.js';
import type { CommandSpec } from './command-spec.js';
import { checkFile, printProblems } from './policy-files.js';

/** The policy a run would use, where it came from, and its hash (SHA-256 of its canonical JSON). */
export interface EffectiveConfig {
  /** `file <path>`, `POLICY_TABLE v<N> (<active|last-valid|default>)`, or `defaults`. */
  readonly source: string;
  readonly version: number | null;
  readonly hash: string;
  readonly policy: Policy;
  readonly warnings: readonly PolicyProblem[];
}

/**
 * `stratus show-config [--policy FILE] [--json]`: the effective policy — the document laid over its profile, then the
 * schema's defaults, as the pipeline runs it — with its hash. Without --policy: the policy in force in POLICY_TABLE
 * when that is set, else the defaults. Problems and warnings go to stderr; an invalid file prints every problem and exits 1.
 */
export async function showConfigCommand(ctx: CliContext, values: { policy?: string; json?: boolean }, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let config: EffectiveConfig;
  if (values.policy !== undefined) {
    const checked = await checkFile(ctx, values.policy);
    printProblems({ ...ctx, out: ctx.err }, values.policy, checked);
    if (!checked.ok) return 1;
    config = { source: `file ${values.policy}`, version: null, hash: policyHash(checked.policy), policy: checked.policy, warnings: checked.warnings };
  } else if (env[ENV.policyTable]) {
    const loaded = await ctx.policies().peek();
    config = { source: `${ENV.policyTable} v${loaded.version} (${loaded.source})`, version: loaded.version, hash: loaded.hash, policy: loaded.policy, warnings: [] };
  } else {
    const policy = defaultPolicy();
    config = { source: `defaults (no --policy, ${ENV.policyTable} unset)`, version: null, hash: policyHash(policy), policy, warnings: [] };
  }
  if (values.json) { ctx.out(`${JSON.stringify(config, null, 2)}\n`); return 0; }
  const p = config.policy;
  ctx.out(`source   ${config.source}\nhash     ${config.hash}\nprofile  ${p.profile}, mode ${p.mode}, symbols ${p.symbols.join(', ')}, `
    + `strategies ${p.strategies.filter((s) => s.enabled).map((s) => s.name).join(', ') || 'none enabled'}\n${JSON.stringify(p, null, 2)}\n`);
  return 0;
}

/** `stratus show-config` as the CLI declares it. */
export const command: CommandSpec = {
  name: 'show-config',
  summary: 'The effective policy after profile and defaults, with its hash',
  usage: 'stratus show-config [--policy FILE] [--json] [--strategy-file FILE | --strategies-dir DIR]',
  options: {
    policy: { type: 'string', value: 'FILE', description: 'Policy document (JSON) to resolve; without it the policy in force (POLICY_TABLE), else the defaults' },
    json: { type: 'boolean', description: 'Print {source, version, hash, policy, warnings} as JSON' },
    ...STRATEGY_OPTION_SPECS,
  },
  details: 'The document is laid over its profile (conservative, moderate, full), then the schema fills every default; the hash is\n'
    + 'the one decisions and orders record. An invalid document prints every problem with its path and exits 1.',
  run: (ctx, values) => showConfigCommand(ctx, values as { policy?: string; json?: boolean }),
};
