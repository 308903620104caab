import { Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { GOLIVE_PK } from '../shared/domain/readiness.js';

/** DynamoDB writes, single and batched, that could forge or erase a go-live record. */
const WRITES = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];

/**
 * Denies a function every write to the go-live records (pk GOLIVE of the policy table: verdicts, sign-offs, overrides,
 * evidence). The functions read them to judge a LIVE policy and write LIVE_SINCE under pk POLICY; only the operator signs off.
 */
export function goLiveRecordsWriteDeny(policyTableArn: string): PolicyStatement {
  return new PolicyStatement({
    effect: Effect.DENY, actions: WRITES, resources: [policyTableArn],
    conditions: { 'ForAnyValue:StringEquals': { 'dynamodb:LeadingKeys': [GOLIVE_PK] } },
  });
}
