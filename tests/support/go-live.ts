/** Go-live records for tests: a deployment whose LIVE gate is open (a passing verdict, the default roles signed off after it). */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoReadinessStore } from '../../shared/adapters/dynamo-readiness-store.js';
import { READINESS_CODES } from '../../shared/domain/readiness.js';

/**
 * Records a passing go-live-check at `at`, sign-offs by the default roles (trader, risk) just after it, and, unless
 * `liveSince` is given, a first LIVE time far enough back that the default canary (7 days) is over.
 */
export async function seedGoLiveReady(client: DynamoDBDocumentClient, policyTable: string, at: number, liveSince = at - 30 * 86_400_000): Promise<void> {
  const store = new DynamoReadinessStore({ tableName: policyTable, client });
  await store.putVerdict({ at, passed: true, by: 'test', checks: READINESS_CODES.map((code) => ({ code, status: 'PASS', evidence: 'seeded' })) });
  await store.putSignoff({ role: 'trader', by: 'tess', at: at + 1, note: 'seeded' });
  await store.putSignoff({ role: 'risk', by: 'rick', at: at + 2, note: 'seeded' });
  await store.markLiveSince(liveSince);
}
