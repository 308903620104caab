import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { MarketStream } from '../../lib/market-stream.js';
import { StateTables } from '../../lib/state-tables.js';
import { keys } from '../../shared/adapters/codec.js';
import { ENV } from '../../shared/resources.js';
import { SKIP_BUNDLING, statementsOfRole } from './template-helpers.js';

describe('the market stream reads the ledger to follow held symbols', () => {
  it('gets STATE_TABLE and GetItem on the ledger item only, nothing else of the state table', () => {
    const stack = new Stack(new App({ context: SKIP_BUNDLING }), 'StreamLedger');
    const tables = new StateTables(stack, 'Tables');
    const stream = new MarketStream(stack, 'MarketStream', { marketTable: tables.market, policyTable: tables.policy, stateTable: tables.state, exchangeId: 'binance' });
    const template = Template.fromStack(stack);
    const stateArn = { 'Fn::GetAtt': [stack.getLogicalId(tables.state.node.defaultChild as never), 'Arn'] };
    const [container] = Object.values(template.findResources('AWS::ECS::TaskDefinition'))[0]!.Properties.ContainerDefinitions;
    expect(container.Environment).toContainEqual({ Name: ENV.stateTable, Value: { Ref: stack.getLogicalId(tables.state.node.defaultChild as never) } });
    const roleId = stack.getLogicalId(stream.taskDefinition.taskRole.node.defaultChild as never);
    const onState = statementsOfRole(template, roleId).filter((s) => JSON.stringify(s.Resource).includes(JSON.stringify(stateArn)));
    expect(onState).toEqual([{
      Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: stateArn,
      Condition: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [keys.ledger.pk] } },
    }]);
  });
});
