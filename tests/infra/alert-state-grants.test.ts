import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { alertStatePk } from '../../shared/adapters/dynamo-alert-state-store.js';
import { buildForTest, functionId, onlyId, resourceIds, statementsOf } from './template-helpers.js';

let template: Template;
beforeAll(() => {
  template = Template.fromStack(buildForTest({}).stack);
});

describe('alert dedup state grants', () => {
  it('lets the signal function (read-only on the state table) put its alert episodes, and nothing else there', () => {
    const state = onlyId(template, 'AWS::DynamoDB::Table', (p) => p.GlobalSecondaryIndexes !== undefined);
    const writes = statementsOf(template, functionId(template, 'signal'))
      .filter((s) => resourceIds(s).includes(state) && [s.Action].flat().includes('dynamodb:PutItem'));
    expect(writes).toHaveLength(1);
    const condition = (writes[0] as unknown as { Condition: Record<string, Record<string, string[]>> }).Condition;
    const prefixes = condition['ForAllValues:StringLike']!['dynamodb:LeadingKeys']!;
    const matches = (key: string) => prefixes.some((p) => new RegExp(`^${p.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`).test(key));
    expect(matches(alertStatePk('MARKET_DATA_STALE', 'market-stream'))).toBe(true);
    expect(matches('LEDGER')).toBe(false);
    expect(matches('KILL_SWITCH')).toBe(false);
  });
});
