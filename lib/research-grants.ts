import { CfnElement, Stack, Validations } from 'aws-cdk-lib';
import { PolicyStatement, type Role } from 'aws-cdk-lib/aws-iam';
import type { IBucket } from 'aws-cdk-lib/aws-s3';

/**
 * Grants one S3 object action on key patterns of the research bucket and acknowledges cdk-nag's IAM5 for exactly those
 * patterns: object keys are per run (runs/<runId>/...) or content-addressed (data/<sha256>/...), the layout of
 * shared/research/contract.ts, so a pattern is the narrowest resource that names them.
 */
export function allow(role: Role, action: string, bucket: IBucket, ...patterns: string[]): void {
  role.addToPrincipalPolicy(new PolicyStatement({ actions: [action], resources: patterns.map((p) => `${bucket.bucketArn}/${p}`) }));
  const logicalId = Stack.of(bucket).getLogicalId(bucket.node.defaultChild as CfnElement);
  for (const p of patterns) {
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${logicalId}.Arn>/${p}]`,
      reason: `${action} on ${p} of the research bucket only: the wildcard stands for run ids and content hashes of the key layout in shared/research/contract.ts.`,
    });
  }
}
