import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { StratusStack, type StratusStackProps } from './stratus-stack.js';
import { ResearchStack } from './research-stack.js';
import { parseAlertOverrides, type AlertOverrides } from '../shared/domain/alert-catalog.js';
import { REPO_ROOT } from './stratus-function.js';
import { STRATEGIES_CONTEXT, userStrategies } from './user-strategies.js';

/** Context keys the app reads (cdk.json, or `-c key=value` on the command line). */
export const CONTEXT = {
  stackName: 'stackName',
  alertEmail: 'alertEmail',
  exchangeId: 'exchangeId',
  spot: 'spot',
  slack: 'slack',
  schedulesEnabled: 'schedulesEnabled',
  alertOverrides: 'alertOverrides',
  slackEscalationMention: 'slackEscalationMention',
  /** User strategy modules: a folder or comma list (`-c strategies=./strategies`), see lib/user-strategies.ts. */
  strategies: STRATEGIES_CONTEXT,
  /** `-c research=true` adds the research stack (lib/research-stack.ts) next to the trading stack, which it leaves as is. */
  research: 'research',
  researchMaxConcurrency: 'researchMaxConcurrency',
  researchToleratedFailurePercentage: 'researchToleratedFailurePercentage',
} as const;

/** Options for building the app outside the CLI (tests). */
export interface BuildAppOptions {
  /** Run the cdk-nag AwsSolutions checks at synth. @default true */
  readonly nag?: boolean;
  /** Passed to the stack as is (overrides what the context says). */
  readonly stackProps?: Partial<StratusStackProps>;
  /** Cloud assembly directory. @default CDK's (cdk.out under the CLI, a temporary directory otherwise) */
  readonly outdir?: string;
}

/**
 * Builds the Stratus app and stack. `context` is merged over cdk.json's context, so a test synthesizes what
 * `cdk synth` does. Environment-agnostic on purpose: no account/region, so no AZ lookup and no credentials.
 */
export function buildApp(context: Record<string, unknown> = {}, options: BuildAppOptions = {}): { app: App; stack: StratusStack; research?: ResearchStack } {
  const app = new App({ context: { ...cdkJsonContext(), ...context }, ...(options.outdir ? { outdir: options.outdir } : {}) });
  const ctx = (key: string): unknown => app.node.tryGetContext(key);
  const stack = new StratusStack(app, stringContext(ctx(CONTEXT.stackName), CONTEXT.stackName) ?? 'Stratus', {
    description: 'Stratus: serverless crypto trading pipeline',
    alertEmail: stringContext(ctx(CONTEXT.alertEmail), CONTEXT.alertEmail),
    exchangeId: stringContext(ctx(CONTEXT.exchangeId), CONTEXT.exchangeId),
    spot: booleanContext(ctx(CONTEXT.spot), CONTEXT.spot),
    slack: booleanContext(ctx(CONTEXT.slack), CONTEXT.slack),
    schedulesEnabled: booleanContext(ctx(CONTEXT.schedulesEnabled), CONTEXT.schedulesEnabled),
    alertOverrides: alertOverridesContext(ctx(CONTEXT.alertOverrides)),
    slackEscalationMention: stringContext(ctx(CONTEXT.slackEscalationMention), CONTEXT.slackEscalationMention),
    userStrategies: userStrategies(ctx(CONTEXT.strategies)),
    ...options.stackProps,
  });
  Tags.of(stack).add('project', 'stratus'); // cost allocation: one filter shows everything Stratus costs
  const research = booleanContext(ctx(CONTEXT.research), CONTEXT.research) ? new ResearchStack(app, `${stack.stackName}-Research`, {
    description: 'Stratus: research at scale (opt-in)',
    maxConcurrency: numberContext(ctx(CONTEXT.researchMaxConcurrency), CONTEXT.researchMaxConcurrency),
    toleratedFailurePercentage: numberContext(ctx(CONTEXT.researchToleratedFailurePercentage), CONTEXT.researchToleratedFailurePercentage),
  }) : undefined;
  if (options.nag ?? true) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack, ...(research ? { research } : {}) };
}

function cdkJsonContext(): Record<string, unknown> {
  const file = path.join(REPO_ROOT, 'cdk.json');
  if (!fs.existsSync(file)) return {};
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { context?: Record<string, unknown> }).context ?? {};
}

function stringContext(value: unknown, key: string): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') throw new Error(`context ${key} must be a string`);
  return value;
}

/** `-c alertOverrides='{"MARKET_DATA_STALE":{"dedupSeconds":1800}}'` (or a map in cdk.json), checked against the catalogue. */
function alertOverridesContext(value: unknown): AlertOverrides | undefined {
  if (value === undefined || value === '') return undefined;
  const parsed = parseAlertOverrides(typeof value === 'string' ? value : JSON.stringify(value));
  if ('problem' in parsed) throw new Error(`context ${CONTEXT.alertOverrides}: ${parsed.problem}`);
  return parsed.overrides;
}

/** `-c researchMaxConcurrency=50` arrives as a string; cdk.json may hold a number. */
function numberContext(value: unknown, key: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN;
  if (!Number.isFinite(n)) throw new Error(`context ${key} must be a number, got ${JSON.stringify(value)}`);
  return n;
}

/** `-c spot=true` arrives as the string "true"; cdk.json may hold a real boolean. */
function booleanContext(value: unknown, key: string): boolean | undefined {
  if (value === undefined) return undefined;
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw new Error(`context ${key} must be true or false, got ${JSON.stringify(value)}`);
}
