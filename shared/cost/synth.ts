import type { Stack } from 'aws-cdk-lib';
import type { CfnTemplate } from './inventory.js';

/** Context that skips esbuild and Docker staging: the template is the same, only asset contents differ. */
const SKIP_BUNDLING = { 'aws:cdk:bundling-stacks': [] } as const;

/**
 * Synthesizes the Stratus app in-process, as `cdk synth` does (cdk.json context merged with `context`), and
 * returns the stack's template. `amend` may change the stack first (tests add an alarm). Loads aws-cdk-lib on call.
 */
export async function synthTemplate(context: Record<string, unknown> = {}, amend?: (stack: Stack) => void): Promise<CfnTemplate> {
  const { buildApp } = await import('../../lib/app.js');
  const { app, stack } = buildApp({ ...SKIP_BUNDLING, ...context }, { nag: false });
  amend?.(stack);
  return app.synth().getStackByName(stack.stackName).template as CfnTemplate;
}
