import { Duration, Stack } from 'aws-cdk-lib';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { QUEUES, type QueueDefinition } from '../shared/resources.js';
import { dlqAlarm } from './dlq-alarm.js';

/** SQS limits a queue name to 80 characters. */
const MAX_QUEUE_NAME = 80;
/** How long a dead letter waits for an operator. */
const DLQ_RETENTION = Duration.days(14);

/** Options for the pipeline's FIFO queues. */
export interface PipelineQueuesProps {
  /** Topic notified when a dead-letter queue receives a message. */
  readonly alarmTopic: ITopic;
  /**
   * Prefix of the physical queue names (`<prefix>-signals.fifo`), so two stacks can share an account.
   * @default the stack name
   */
  readonly namePrefix?: string;
}

/** One FIFO work queue, its FIFO dead-letter queue and the alarm on that DLQ. */
export interface QueueWithDlq {
  readonly queue: Queue;
  readonly dlq: Queue;
  readonly dlqAlarm: Alarm;
}

/**
 * signals.fifo (signal → risk) and orders.fifo (risk → execution), built from QUEUES in
 * shared/resources.ts: FIFO DLQs after maxReceiveCount, TLS-only, SQS-managed encryption.
 */
export class PipelineQueues extends Construct {
  /** Intents from the signal function, grouped by symbol, deduplicated by intent id. */
  public readonly signals: QueueWithDlq;
  /** Approved orders from the risk function, grouped by symbol, deduplicated by order id. */
  public readonly orders: QueueWithDlq;

  constructor(scope: Construct, id: string, props: PipelineQueuesProps) {
    super(scope, id);
    const prefix = props.namePrefix ?? Stack.of(this).stackName;
    for (const def of Object.values(QUEUES)) validate(def, prefix);
    this.signals = this.pair(QUEUES.signals, prefix, props.alarmTopic);
    this.orders = this.pair(QUEUES.orders, prefix, props.alarmTopic);
  }

  private pair(def: QueueDefinition, prefix: string, topic: ITopic): QueueWithDlq {
    const common = {
      fifo: true,
      contentBasedDeduplication: false,
      enforceSSL: true,
      encryption: QueueEncryption.SQS_MANAGED,
    } as const;
    const Id = def.id.charAt(0).toUpperCase() + def.id.slice(1);
    const dlq = new Queue(this, `${Id}Dlq`, {
      ...common,
      queueName: `${prefix}-${def.dlqName}`,
      retentionPeriod: DLQ_RETENTION,
    });
    const queue = new Queue(this, Id, {
      ...common,
      queueName: `${prefix}-${def.name}`,
      visibilityTimeout: Duration.seconds(def.visibilityTimeoutSeconds),
      retentionPeriod: Duration.days(def.retentionDays),
      deadLetterQueue: { queue: dlq, maxReceiveCount: def.maxReceiveCount },
    });
    return { queue, dlq, dlqAlarm: dlqAlarm(this, `${Id}DlqAlarm`, dlq, topic, `a ${def.id} message`) };
  }
}

/** Rejects definitions and prefixes that SQS or the consumer contract would refuse. */
function validate(def: QueueDefinition, prefix: string): void {
  if (!/^[A-Za-z0-9_-]+$/.test(prefix)) {
    throw new Error(`PipelineQueues: namePrefix "${prefix}" may contain only letters, digits, '-' and '_'`);
  }
  for (const name of [def.name, def.dlqName]) {
    if (!name.endsWith('.fifo')) throw new Error(`PipelineQueues: FIFO queue name "${name}" must end in .fifo`);
    if (prefix.length + 1 + name.length > MAX_QUEUE_NAME) {
      throw new Error(`PipelineQueues: "${prefix}-${name}" exceeds SQS's ${MAX_QUEUE_NAME}-character limit; use a shorter namePrefix`);
    }
  }
  if (def.visibilityTimeoutSeconds < 6 * def.consumerTimeoutSeconds) {
    throw new Error(`PipelineQueues: ${def.id} visibility timeout must be at least 6x the consumer timeout (AWS guidance for Lambda event sources)`);
  }
  if (def.retentionDays * 86_400 > DLQ_RETENTION.toSeconds()) {
    throw new Error(`PipelineQueues: ${def.id} retention exceeds its DLQ's; a redriven message could expire in the DLQ first`);
  }
}
