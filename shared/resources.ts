/**
 * The one definition of Stratus's tables, queues, schedules and environment
 * variable names. The CDK stack (lib/) and the embedded runtime (shared/local/)
 * both build from this file, so AWS and the laptop cannot drift apart.
 */

/** Attribute names shared by every table: string partition and sort keys. */
export const KEY = { pk: 'pk', sk: 'sk' } as const;

const KEYS = { partitionKey: KEY.pk, sortKey: KEY.sk } as const;

/** Global secondary index on the state table for listing records by type and time. */
export const STATE_BY_TYPE_INDEX = { name: 'byType', pk: 'gsi1pk', sk: 'gsi1sk' } as const;

/** TTL attribute (epoch seconds) on the market table. */
export const MARKET_TTL_ATTRIBUTE = 'expiresAt';

export interface TableDefinition {
  /** Logical id used by CDK and the local table name suffix. */
  readonly id: 'market' | 'state' | 'policy' | 'idempotency';
  /** String partition key attribute, and string sort key attribute when the table has one. */
  readonly partitionKey: string;
  readonly sortKey?: string;
  /** Environment variable that carries the physical table name to functions. */
  readonly envVar: string;
  readonly ttlAttribute?: string;
  readonly indexes: readonly { name: string; pk: string; sk: string }[];
}

export const TABLES: Record<TableDefinition['id'], TableDefinition> = {
  market: { id: 'market', ...KEYS, envVar: 'MARKET_TABLE', ttlAttribute: MARKET_TTL_ATTRIBUTE, indexes: [] },
  /** TTL: only short-lived items (rate-limit windows) carry expiresAt; trading records never expire. */
  state: { id: 'state', ...KEYS, envVar: 'STATE_TABLE', ttlAttribute: 'expiresAt', indexes: [STATE_BY_TYPE_INDEX] },
  policy: { id: 'policy', ...KEYS, envVar: 'POLICY_TABLE', indexes: [] },
  /** Powertools idempotency records (outer guard around each execution record). */
  idempotency: { id: 'idempotency', partitionKey: 'id', envVar: 'IDEMPOTENCY_TABLE', ttlAttribute: 'expiration', indexes: [] },
};

export interface QueueDefinition {
  readonly id: 'signals' | 'orders';
  /** Physical name (FIFO names must end in .fifo). */
  readonly name: string;
  readonly dlqName: string;
  readonly envVar: string;
  /** Receives before a message is moved to the DLQ. */
  readonly maxReceiveCount: number;
  /** Visibility timeout on AWS; at least 6x the consumer's timeout. */
  readonly visibilityTimeoutSeconds: number;
  /** Visibility timeout in the embedded runtime, where a retry should not stall a replay. */
  readonly localVisibilityTimeoutSeconds: number;
  /** Event source mapping batch size. */
  readonly batchSize: number;
  /** Consumer function timeout in seconds. */
  readonly consumerTimeoutSeconds: number;
  readonly retentionDays: number;
}

export const QUEUES: Record<QueueDefinition['id'], QueueDefinition> = {
  signals: {
    id: 'signals', name: 'signals.fifo', dlqName: 'signals-dlq.fifo', envVar: 'SIGNALS_QUEUE_URL',
    maxReceiveCount: 3, visibilityTimeoutSeconds: 180, localVisibilityTimeoutSeconds: 1,
    batchSize: 10, consumerTimeoutSeconds: 30, retentionDays: 4,
  },
  orders: {
    id: 'orders', name: 'orders.fifo', dlqName: 'orders-dlq.fifo', envVar: 'ORDERS_QUEUE_URL',
    maxReceiveCount: 5, visibilityTimeoutSeconds: 360, localVisibilityTimeoutSeconds: 1,
    batchSize: 5, consumerTimeoutSeconds: 60, retentionDays: 4,
  },
};

/** The scheduled functions and how often they run. */
export const SCHEDULES = {
  /** Signal evaluation, a few seconds after each candle close. */
  signal: { rateMinutes: 1, offsetSeconds: 5 },
  metrics: { rateMinutes: 1, offsetSeconds: 30 },
  reconcile: { rateMinutes: 5, offsetSeconds: 45 },
  /** The daily report of the UTC day that just ended: once a day, at 00:00 (+ offset) UTC. */
  report: { rateMinutes: 1440, offsetSeconds: 55 },
} as const;

/** Payload EventBridge Scheduler sends to a scheduled function (and the local scheduler sends too). */
export interface ScheduledInvocation {
  readonly source: 'stratus.scheduler';
  readonly job: keyof typeof SCHEDULES;
  /** ISO-8601; on AWS the template value <aws.scheduler.scheduled-time>. */
  readonly scheduledTime: string;
}

/** Environment variable names read by shared/runtime/config.ts. */
export const ENV = {
  marketTable: TABLES.market.envVar,
  stateTable: TABLES.state.envVar,
  policyTable: TABLES.policy.envVar,
  signalsQueueUrl: QUEUES.signals.envVar,
  ordersQueueUrl: QUEUES.orders.envVar,
  alertTopicArn: 'ALERT_TOPIC_ARN',
  exchangeSecretArn: 'EXCHANGE_SECRET_ARN',
  idempotencyTable: TABLES.idempotency.envVar,
  slackWebhookSecretArn: 'SLACK_WEBHOOK_SECRET_ARN',
  /** ccxt exchange id the market stream connects to. */
  exchangeId: 'EXCHANGE_ID',
} as const;

/** Optional alerting variables: per-kind dedup/escalation windows (JSON) and the Slack mention of an ESCALATED alert. */
export const ALERT_ENV = { overrides: 'ALERT_OVERRIDES', slackMention: 'SLACK_ESCALATION_MENTION' } as const;

/** Name of the stream heartbeat source written by market-stream. */
export const HEARTBEAT_SOURCE = 'market-stream';

/** Prefix of every client order id Stratus sends, so reconcile can recognise its own orders. */
export const CLIENT_ORDER_PREFIX = 'stx';
