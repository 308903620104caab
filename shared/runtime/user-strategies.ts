// The user strategies a deployment declares (`cdk deploy -c strategies=DIR`): the CDK app puts their names and params
// in every function's environment; each function registers them at cold start (loadConfig), so a policy naming them
// validates everywhere. The signal function also bundles their code (lib/user-strategies.ts), registered first.
import { declareStrategies, type DeclaredStrategy } from '../domain/strategy-module.js';

/** Environment variable holding the declared user strategies as JSON (DeclaredStrategy[]). */
export const USER_STRATEGIES_ENV = 'STRATUS_USER_STRATEGIES';

/** Registers the strategies `env` declares (none: nothing); throws on JSON that is not a list of declarations. */
export function declareUserStrategies(env: NodeJS.ProcessEnv = process.env): void {
  const text = env[USER_STRATEGIES_ENV];
  if (!text) return;
  let list: unknown;
  try {
    list = JSON.parse(text);
  } catch (error) {
    throw new Error(`${USER_STRATEGIES_ENV} is not JSON: ${(error as Error).message}`, { cause: error });
  }
  const ok = Array.isArray(list) && list.every((d) => typeof d?.name === 'string' && typeof d?.source === 'string' && Array.isArray(d?.params));
  if (!ok) throw new Error(`${USER_STRATEGIES_ENV} must be a list of { name, source, params }`);
  declareStrategies(list as DeclaredStrategy[]);
}
