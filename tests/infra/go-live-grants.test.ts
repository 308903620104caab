import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { allows, buildForTest, functionId, resourceIds, statementsOf } from './template-helpers.js';

const FUNCTIONS = ['signal', 'risk', 'execution', 'metrics', 'reconcile', 'report'];
const WRITES = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];

let template: Template;
let policyTable: string;
beforeAll(() => {
  template = Template.fromStack(buildForTest({}).stack);
  const fn = (template.findResources('AWS::Lambda::Function') as Record<string, { Properties: { Environment: { Variables: Record<string, { Ref?: string }> } } }>)[functionId(template, 'signal')]!;
  policyTable = fn.Properties.Environment.Variables['POLICY_TABLE']!.Ref!;
});

describe('go-live records grants', () => {
  it.each(FUNCTIONS)('%s reads the go-live records (Query and GetItem on the policy table) but every write to pk GOLIVE is denied', (name) => {
    const statements = statementsOf(template, functionId(template, name));
    expect(allows(statements, 'dynamodb:Query', policyTable)).toBe(true);
    expect(allows(statements, 'dynamodb:GetItem', policyTable)).toBe(true);
    const denies = statements.filter((s) => s.Effect === 'Deny' && resourceIds(s).includes(policyTable));
    expect(denies).toHaveLength(1);
    const deny = denies[0] as unknown as { Action: string[]; Condition: Record<string, Record<string, string[]>> };
    expect([deny.Action].flat().sort()).toEqual([...WRITES].sort());
    expect(deny.Condition).toEqual({ 'ForAnyValue:StringEquals': { 'dynamodb:LeadingKeys': ['GOLIVE'] } });
  });
});
