import { Validations } from 'aws-cdk-lib';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../lib/app.js';
import { SKIP_BUNDLING } from './template-helpers.js';

/** Every acknowledgement in the tree: the rule id and its reason. */
function acknowledgements(root: IConstruct): { path: string; id: string; reason: string }[] {
  return root.node.findAll().flatMap((c) => c.node.metadata
    .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
    .flatMap((m) => Object.entries(m.data as Record<string, unknown>).map(([id, reason]) => ({
      path: c.node.path, id, reason: typeof reason === 'string' ? reason : JSON.stringify(reason),
    }))));
}

describe('cdk-nag AwsSolutions', () => {
  it('synthesizes the full stack with no unacknowledged errors or warnings', () => {
    const { app } = buildApp({ ...SKIP_BUNDLING, alertEmail: 'ops@example.com', spot: true });
    const report = new AwsSolutionsChecks(app).validateScope(app);
    expect(report.violations.map((v) => `${v.severity} ${v.ruleName} ${v.violatingResources.map((r) => r.constructPath).join(',')}`)).toEqual([]);
    expect(() => app.synth()).not.toThrow();
  });

  it('fails the synth when a resource breaks a rule nobody acknowledged', () => {
    const { app, stack } = buildApp({ ...SKIP_BUNDLING });
    new Queue(stack, 'Careless'); // no DLQ, no TLS enforcement
    expect(() => app.synth()).toThrow(/AwsSolutions-SQS4/);
    const rules = new AwsSolutionsChecks(app).validateScope(app).violations.map((v) => v.ruleName);
    expect(rules).toEqual(expect.arrayContaining(['AwsSolutions-SQS3', 'AwsSolutions-SQS4']));
  });

  it('gives every acknowledgement a specific reason', () => {
    const { app } = buildApp({ ...SKIP_BUNDLING });
    const acks = acknowledgements(app);
    expect(acks.length).toBeGreaterThan(0);
    for (const a of acks) expect(a.reason.length, `${a.path} ${a.id}`).toBeGreaterThan(60);
  });
});
