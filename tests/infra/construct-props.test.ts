import { App, Duration, Stack } from 'aws-cdk-lib';
import { Function as LambdaFunction, InlineCode, Runtime } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { describe, expect, it } from 'vitest';
import { PipelineQueues } from '../../lib/pipeline-queues.js';
import { PipelineSchedules } from '../../lib/schedules.js';
import { StratusFunction } from '../../lib/stratus-function.js';
import { buildForTest } from './template-helpers.js';

/** Constructs in a throwaway stack, so a failing prop check shows which construct threw. */
function scratch() {
  const stack = new Stack(new App(), 'Scratch');
  const fn = (id: string) => new LambdaFunction(stack, id, { runtime: Runtime.NODEJS_24_X, handler: 'index.handler', code: new InlineCode('exports.handler=()=>{}') });
  return { stack, topic: new Topic(stack, 'Topic'), fn };
}

describe('bad props are rejected before anything is built', () => {
  it.each([
    ['an alertEmail that is not an address', { alertEmail: 'ops-at-example.com' }, /alertEmail "ops-at-example.com" is not an email address/],
    ['an alertEmail with spaces', { alertEmail: 'ops @example.com' }, /not an email address/],
    ['an exchangeId that is not a ccxt id', { exchangeId: 'Bin ance' }, /exchangeId "Bin ance"/],
    ['a stack name too long for SQS queue names', { stackName: `S${'x'.repeat(70)}` }, /exceeds SQS's 80-character limit/],
    ['a spot flag that is not a boolean', { spot: 'maybe' }, /context spot must be true or false/],
  ])('throws for %s', (_name, context, message) => {
    expect(() => buildForTest(context)).toThrow(message);
  });

  it('rejects a queue name prefix with characters SQS refuses', () => {
    const { stack, topic } = scratch();
    expect(() => new PipelineQueues(stack, 'Queues', { alarmTopic: topic, namePrefix: 'has space' })).toThrow(/may contain only letters/);
    expect(stack.node.findChild('Queues').node.children).toHaveLength(0);
  });

  it('rejects a negative retry count and a missing schedule target', () => {
    const { stack, topic, fn } = scratch();
    const targets = { signal: fn('S'), metrics: fn('M'), reconcile: fn('R'), report: fn('D') };
    expect(() => new PipelineSchedules(stack, 'A', { targets, alarmTopic: topic, retryAttempts: -1 })).toThrow(/retryAttempts must be an integer/);
    const { reconcile: _omitted, ...partial } = targets;
    expect(() => new PipelineSchedules(stack, 'B', { targets: partial as typeof targets, alarmTopic: topic })).toThrow(/no target function for the reconcile schedule/);
  });

  it('rejects a function entry that does not exist and a timeout beyond Lambda’s 900 s', () => {
    const { stack } = scratch();
    expect(() => new StratusFunction(stack, 'Missing', { entry: '/nonexistent/handler.ts', serviceName: 'x', description: 'x', timeout: Duration.seconds(5) }))
      .toThrow(/does not exist/);
    expect(() => new StratusFunction(stack, 'Slow', { entry: import.meta.filename, serviceName: 'x', description: 'x', timeout: Duration.minutes(16) }))
      .toThrow(/timeout must be 1..900 s/);
  });
});
