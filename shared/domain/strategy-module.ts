// A strategy module's exports turned into a registered Strategy, wherever the module was loaded: through tsx by the
// CLI (shared/local/strategy-loader.ts) or bundled into the signal function (lib/user-strategies.ts). And the
// declared stand-in the other functions register: name and param ranges only, so they validate policies naming it.
import * as z from 'zod';
import { StrategyModuleError } from './errors.js';
import { defineStrategy, definitionProblems, type ParamInfo, type StrategyDefinition } from './strategy-define.js';
import { registerStrategy, registeredStrategies, type Strategy } from './strategy.js';

/** The strategy a module's namespace exports (default, or `strategy`; CommonJS interop unwrapped); throws naming what is missing. */
export function strategyFromModule(ns: Readonly<Record<string, unknown>>, source: string): Strategy {
  const nested = (v: unknown) => (typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : undefined);
  const candidates = [ns.default, ns.strategy, nested(ns.default)?.default, nested(ns.default)?.strategy].filter((c) => c !== undefined);
  const looksLike = candidates.filter((c) => nested(c) && ('name' in nested(c)! || 'evaluate' in nested(c)!));
  const distinct = [...new Set(looksLike.map((c) => nested(c)!.definition ?? c))];
  if (distinct.length > 1) {
    const names = distinct.map((d) => String(nested(d)!.name));
    throw new StrategyModuleError('INVALID_STRATEGY_MODULE', `${source}: exports two strategies (${names.join(', ')}); one module holds one strategy (its default export)`);
  }
  const exported = looksLike[0];
  if (exported === undefined) {
    const names = Object.keys(ns).filter((k) => k !== '__esModule');
    throw new StrategyModuleError('INVALID_STRATEGY_MODULE', `${source}: exports no strategy; expected \`export default { name, params, requiredCandles, evaluate }\` (it exports: ${names.join(', ') || 'nothing'})`);
  }
  // A defineStrategy() result (maybe from another copy of this code) is wrapped again from its definition, so its
  // errors are this copy's classes.
  const made = nested(exported)!.definition;
  const definition = (made !== undefined ? made : exported) as StrategyDefinition;
  const problems = definitionProblems(definition);
  if (problems.length) throw new StrategyModuleError('INVALID_STRATEGY_MODULE', `${source}: not a valid strategy: ${problems.join('; ')}`);
  return defineStrategy(definition);
}

/** Registers the strategy of each module namespace under its source label (the signal function's generated entry). */
export function registerStrategyModules(modules: readonly (readonly [Readonly<Record<string, unknown>>, string])[]): void {
  for (const [ns, source] of modules) registerStrategy(strategyFromModule(ns, source), source);
}

/** A user strategy as the functions without its code know it: name, source and params. */
export interface DeclaredStrategy {
  readonly name: string;
  readonly source: string;
  readonly params: readonly ParamInfo[];
}

/** The params schema a declaration states: each param a number (integer), in its range, with its default. */
function declaredSchema(params: readonly ParamInfo[]) {
  return z.strictObject(Object.fromEntries(params.map((p) => {
    let n = z.number();
    if (p.integer) n = n.int();
    if (p.min !== undefined) n = n.min(p.min);
    if (p.max !== undefined) n = n.max(p.max);
    return [p.name, p.default === undefined ? n : n.default(p.default)];
  })));
}

/**
 * Registers a stand-in for each declared strategy not registered already: its params are checked by name, range and
 * default (cross-param rules and the warm-up only where the code is), and evaluate() throws. For the functions that
 * validate policies but never evaluate strategies (risk, execution, metrics, reconcile, report, market stream).
 */
export function declareStrategies(declared: readonly DeclaredStrategy[]): void {
  const known = new Set(registeredStrategies().map((r) => r.strategy.name));
  for (const d of declared) {
    if (known.has(d.name)) continue;
    registerStrategy(defineStrategy({
      name: d.name, params: declaredSchema(d.params), requiredCandles: 1,
      evaluate() { throw new StrategyModuleError('INVALID_STRATEGY_MODULE', `strategy ${d.name} (${d.source}) runs only in the signal function`); },
    }), d.source);
  }
}
