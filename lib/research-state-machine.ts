import { CfnElement, Duration, Stack, Validations } from 'aws-cdk-lib';
import type { Role } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ILogGroup } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import {
  Choice, Condition, DefinitionBody, DistributedMap, JsonPath, LogLevel, Pass, S3JsonItemReader, StateMachine, StateMachineType, Succeed,
} from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { allow } from './research-grants.js';

/** What the research state machine is built from. */
export interface ResearchStateMachineProps {
  readonly bucket: IBucket;
  readonly worker: IFunction;
  readonly reducer: IFunction;
  readonly logs: ILogGroup;
  readonly maxConcurrency: number;
  readonly toleratedFailurePercentage: number;
}

/** State names (the local interpreter's overrides and the tests refer to them). */
export const RESEARCH_STATES = { start: 'Start', map: 'RunJobs', worker: 'RunJob', reduce: 'Reduce', more: 'MoreStages', done: 'Done' } as const;

/**
 * Input `{ bucket, runId }`. Start sets stage 1 and its items key (runs/<runId>/items.json); RunJobs, a Distributed
 * Map, reads that JSON array from the bucket and runs the worker on each item as `{ bucket, item }` (results go to S3
 * by the worker, so the Map keeps none); Reduce ends the stage; MoreStages maps the next stage's items while Reduce
 * answers done=false, else the run is Done (summary.json written).
 */
export function researchStateMachine(parent: Construct, id: string, props: ResearchStateMachineProps): StateMachine {
  const scope = new Construct(parent, id);
  const start = new Pass(scope, RESEARCH_STATES.start, {
    parameters: {
      'bucket.$': '$.bucket', 'runId.$': '$.runId', stage: 1,
      'itemsKey.$': "States.Format('runs/{}/items.json', $.runId)",
    },
  });
  const runJob = new LambdaInvoke(scope, RESEARCH_STATES.worker, { lambdaFunction: props.worker, payloadResponseOnly: true, retryOnServiceExceptions: true });
  const map = new DistributedMap(scope, RESEARCH_STATES.map, {
    itemReader: new S3JsonItemReader({ bucketNamePath: JsonPath.stringAt('$.bucket'), key: JsonPath.stringAt('$.itemsKey') }),
    itemSelector: { bucket: JsonPath.stringAt('$.bucket'), item: JsonPath.objectAt('$$.Map.Item.Value') },
    maxConcurrency: props.maxConcurrency,
    toleratedFailurePercentage: props.toleratedFailurePercentage,
    resultPath: JsonPath.DISCARD,
  });
  map.itemProcessor(runJob);
  const reduce = new LambdaInvoke(scope, RESEARCH_STATES.reduce, {
    lambdaFunction: props.reducer, payloadResponseOnly: true, retryOnServiceExceptions: true });
  const more = new Choice(scope, RESEARCH_STATES.more)
    .when(Condition.booleanEquals('$.done', false), map)
    .otherwise(new Succeed(scope, RESEARCH_STATES.done));
  const machine = new StateMachine(scope, 'Machine', {
    definitionBody: DefinitionBody.fromChainable(start.next(map).next(reduce).next(more)),
    stateMachineType: StateMachineType.STANDARD,
    timeout: Duration.hours(12),
    tracingEnabled: true,
    logs: { destination: props.logs, level: LogLevel.ALL, includeExecutionData: false },
  });
  allow(machine.role as Role, 's3:GetObject', props.bucket, 'runs/*/items.json', 'runs/*/stage-*/items.json');
  const stack = Stack.of(scope);
  const ack = (id: string, reason: string) => Validations.of(machine).acknowledge({ id: `AwsSolutions-IAM5[${id}]`, reason });
  for (const fn of [props.worker, props.reducer]) {
    ack(`Resource::<${stack.getLogicalId(fn.node.defaultChild as CfnElement)}.Arn>:*`, 'lambda:InvokeFunction also covers versions and aliases (<arn>:*) of the research worker and reduce functions; no other function.');
  }
  ack('Resource::*', 'X-Ray (PutTraceSegments, GetSamplingRules) and CloudWatch Logs delivery (CreateLogDelivery and friends) have no resource-level permissions.');
  const execution = `arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:{"Fn::Select":[6,{"Fn::Split":[":",{"Ref":"${stack.getLogicalId(machine.node.defaultChild as CfnElement)}"}]}]}`;
  for (const suffix of [':*', '/*:*']) {
    ack(`Resource::${execution}${suffix}`, 'The Distributed Map starts, describes and stops the child executions of this state machine only (their names are generated per run).');
  }
  return machine;
}
