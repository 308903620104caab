import { Template } from 'aws-cdk-lib/assertions';
import { Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../lib/app.js';
import { RESEARCH_WORKER_MEMORY_MB } from '../../lib/research-stack.js';
import { buildForTest, functionId, onlyId, SKIP_BUNDLING, statementsOf, statementsOfRole, type Statement } from './template-helpers.js';

const research = (context: Record<string, unknown> = {}) => {
  const built = buildForTest({ research: 'true', ...context });
  return { ...built, template: Template.fromStack(built.research!) };
};

/** The statement's resources as text, with the bucket's ARN written `<bucket>`. */
function objectPatterns(statements: readonly Statement[], action: string, bucketId: string): string[] {
  return statements.filter((s) => [s.Action].flat().includes(action)).flatMap((s) => [s.Resource].flat())
    .map((r) => JSON.stringify(r).replace(`{"Fn::Join":["",[{"Fn::GetAtt":["${bucketId}","Arn"]},"/`, '<bucket>/').replace('"]]}', '')).sort();
}

/** The research bucket (the one whose access logs go to the other). */
const researchBucketId = (template: Template) => onlyId(template, 'AWS::S3::Bucket', (p) => p.LoggingConfiguration !== undefined);

describe('research stack (-c research=true)', () => {
  it('is not in the app without the flag, and leaves the trading stack\'s template unchanged with it', () => {
    const without = buildForTest();
    const withIt = buildForTest({ research: 'true' });
    expect(without.research).toBeUndefined();
    expect(withIt.research?.stackName).toBe('Stratus-Research');
    expect(Template.fromStack(withIt.stack).toJSON()).toEqual(Template.fromStack(without.stack).toJSON());
  });

  it('keeps the bucket private, encrypted, TLS-only and logged, with runs/ and data/ expiring', () => {
    const { template } = research();
    const id = researchBucketId(template);
    const resource = template.findResources('AWS::S3::Bucket')[id]!;
    const p = resource.Properties;
    expect(p.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm).toBe('AES256');
    expect(p.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
    expect(p.LoggingConfiguration.LogFilePrefix).toBe('research/');
    expect(p.LifecycleConfiguration.Rules).toEqual([
      { Id: 'expire-runs', Prefix: 'runs/', ExpirationInDays: 30, Status: 'Enabled' },
      { Id: 'expire-data', Prefix: 'data/', ExpirationInDays: 90, Status: 'Enabled' },
      { Id: 'abort-uploads', AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 }, Status: 'Enabled' },
    ]);
    expect(resource.DeletionPolicy).toBe('Retain');
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: id },
      PolicyDocument: { Statement: [{ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }] },
    });
  });

  it('runs the worker on arm64 nodejs24.x at the measured memory, and grants each role only its object keys', () => {
    const { template } = research();
    const worker = functionId(template, 'research-worker');
    const reduce = functionId(template, 'research-reduce');
    template.hasResourceProperties('AWS::Lambda::Function', { Architectures: ['arm64'], Runtime: 'nodejs24.x', MemorySize: RESEARCH_WORKER_MEMORY_MB, Environment: { Variables: { POWERTOOLS_SERVICE_NAME: 'research-worker' } } });
    const bucketId = researchBucketId(template);
    const s3Actions = (st: Statement[]) => st.flatMap((s) => [s.Action].flat()).filter((a) => a.startsWith('s3:')).sort();
    const w = statementsOf(template, worker);
    expect(s3Actions(w)).toEqual(['s3:GetObject', 's3:PutObject']);
    expect(objectPatterns(w, 's3:GetObject', bucketId)).toEqual(['<bucket>/data/*']);
    expect(objectPatterns(w, 's3:PutObject', bucketId)).toEqual(['<bucket>/runs/*/results/*']);
    const r = statementsOf(template, reduce);
    expect(s3Actions(r)).toEqual(['s3:GetObject', 's3:ListBucket', 's3:PutObject']);
    expect(r.filter((s) => [s.Action].flat().includes('s3:ListBucket')).map((s) => s.Resource)).toEqual([{ 'Fn::GetAtt': [bucketId, 'Arn'] }]);
    expect(objectPatterns(r, 's3:GetObject', bucketId)).toEqual(['<bucket>/runs/*']);
    expect(objectPatterns(r, 's3:PutObject', bucketId)).toEqual(['<bucket>/runs/*/stage-*/items.json', '<bucket>/runs/*/summary.json']);
    const machine = template.findResources('AWS::StepFunctions::StateMachine');
    const roleId = Object.values(machine)[0]!.Properties.RoleArn['Fn::GetAtt'][0];
    const m = statementsOfRole(template, roleId);
    expect(s3Actions(m)).toEqual(['s3:GetObject']);
    expect(objectPatterns(m, 's3:GetObject', bucketId)).toEqual(['<bucket>/runs/*/items.json', '<bucket>/runs/*/stage-*/items.json']);
    const lambdaTargets = m.filter((s) => [s.Action].flat().includes('lambda:InvokeFunction')).flatMap((s) => JSON.stringify(s.Resource).match(/(Worker|Reduce)Function[0-9A-F]+/g) ?? []);
    expect(new Set(lambdaTargets)).toEqual(new Set([worker, reduce]));
  });

  it('maps with the context\'s max concurrency and tolerated failure percentage, logged and traced', () => {
    const { template } = research({ researchMaxConcurrency: '250', researchToleratedFailurePercentage: '5' });
    const machine = Object.values(template.findResources('AWS::StepFunctions::StateMachine'))[0]!.Properties;
    const asl = JSON.stringify(machine.DefinitionString);
    expect(asl).toContain('\\"MaxConcurrency\\":250');
    expect(asl).toContain('\\"ToleratedFailurePercentage\\":5');
    expect(asl).toContain('\\"Mode\\":\\"DISTRIBUTED\\"');
    expect(machine.TracingConfiguration).toEqual({ Enabled: true });
    expect(machine.LoggingConfiguration.Level).toBe('ALL');
    expect(JSON.stringify(Object.values(research().template.findResources('AWS::StepFunctions::StateMachine'))[0]!.Properties.DefinitionString)).toContain('\\"MaxConcurrency\\":100');
  });

  it('outputs the bucket name and state machine ARN the --on aws client reads (RESEARCH_BUCKET, RESEARCH_STATE_MACHINE_ARN)', () => {
    const { template } = research();
    const machine = Object.keys(template.findResources('AWS::StepFunctions::StateMachine'))[0]!;
    template.hasOutput('ResearchBucketName', { Value: { Ref: researchBucketId(template) } });
    template.hasOutput('ResearchStateMachineArn', { Value: { Ref: machine } });
  });

  it('refuses a max concurrency or tolerated failure percentage out of range', () => {
    expect(() => buildForTest({ research: 'true', researchMaxConcurrency: '0' })).toThrow(/researchMaxConcurrency/);
    expect(() => buildForTest({ research: 'true', researchToleratedFailurePercentage: '101' })).toThrow(/researchToleratedFailurePercentage/);
  });

  it('passes cdk-nag AwsSolutions with every acknowledgement given a specific reason', () => {
    const { app, research: stack } = buildApp({ ...SKIP_BUNDLING, research: 'true' });
    const report = new AwsSolutionsChecks(app).validateScope(app);
    expect(report.violations.map((v) => `${v.severity} ${v.ruleName} ${v.violatingResources.map((r) => r.constructPath).join(',')}`)).toEqual([]);
    expect(() => app.synth()).not.toThrow();
    const acks = stack!.node.findAll().flatMap((c) => c.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((m) => Object.values(m.data as Record<string, string>)));
    expect(acks.length).toBeGreaterThan(0);
    for (const reason of acks) expect(String(reason).length).toBeGreaterThan(60);
  });
});
