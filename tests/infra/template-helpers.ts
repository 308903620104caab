import type { Template } from 'aws-cdk-lib/assertions';
import { buildApp, type BuildAppOptions } from '../../lib/app.js';

/** Context that skips esbuild and Docker staging work: the template is the same, only asset contents differ. */
export const SKIP_BUNDLING = { 'aws:cdk:bundling-stacks': [] } as const;

/** The app and stack with bundling skipped and cdk-nag off (the nag test turns it on). */
export function buildForTest(context: Record<string, unknown> = {}, options: BuildAppOptions = {}) {
  return buildApp({ ...SKIP_BUNDLING, ...context }, { nag: false, ...options });
}

type Resources = Record<string, { Type: string; Properties?: Record<string, any>; DeletionPolicy?: string }>;

/** One IAM policy statement as CloudFormation renders it. */
export interface Statement {
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
}

/** Logical id of the Stratus function whose POWERTOOLS_SERVICE_NAME is `service`. */
export function functionId(template: Template, service: string): string {
  const fns = template.findResources('AWS::Lambda::Function') as Resources;
  const hit = Object.entries(fns).find(([, r]) => r.Properties?.Environment?.Variables?.POWERTOOLS_SERVICE_NAME === service);
  if (!hit) throw new Error(`no function with service ${service}`);
  return hit[0];
}

/** Every statement of every policy attached to the function's execution role. */
export function statementsOf(template: Template, logicalId: string): Statement[] {
  const fn = (template.findResources('AWS::Lambda::Function') as Resources)[logicalId]!;
  return statementsOfRole(template, fn.Properties!.Role['Fn::GetAtt'][0]);
}

/** Every statement of every AWS::IAM::Policy attached to the role. */
export function statementsOfRole(template: Template, roleId: string): Statement[] {
  const policies = template.findResources('AWS::IAM::Policy') as Resources;
  return Object.values(policies)
    .filter((p) => (p.Properties!.Roles as { Ref: string }[]).some((r) => r.Ref === roleId))
    .flatMap((p) => p.Properties!.PolicyDocument.Statement as Statement[]);
}

/** Logical ids a statement's resources point at (via Ref or Fn::GetAtt, including inside Fn::Join). */
export function resourceIds(s: Statement): string[] {
  const ids: string[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (typeof o.Ref === 'string') ids.push(o.Ref);
      else if (Array.isArray(o['Fn::GetAtt'])) ids.push(o['Fn::GetAtt'][0] as string);
      else Object.values(o).forEach(walk);
    }
  };
  walk(s.Resource);
  return ids;
}

/** True when an Allow statement grants `action` on a resource derived from `logicalId`. */
export function allows(statements: readonly Statement[], action: string, logicalId: string): boolean {
  return statements.some((s) => s.Effect === 'Allow'
    && [s.Action].flat().includes(action)
    && resourceIds(s).includes(logicalId));
}

/** Logical id of the only resource of `type` whose properties contain `match`. */
export function onlyId(template: Template, type: string, predicate: (props: Record<string, any>) => boolean): string {
  const hits = Object.entries(template.findResources(type) as Resources).filter(([, r]) => predicate(r.Properties ?? {}));
  if (hits.length !== 1) throw new Error(`expected one ${type}, found ${hits.length}`);
  return hits[0]![0];
}
