import { readFile } from 'node:fs/promises';
import { dynamoDocumentClient, snsClient } from '../adapters/aws-clients.js';
import { DedupingAlerts } from '../adapters/deduping-alerts.js';
import { DynamoAlertStateStore } from '../adapters/dynamo-alert-state-store.js';
import { DynamoPolicyStore } from '../adapters/dynamo-policy-store.js';
import { DynamoStateStore } from '../adapters/dynamo-state-store.js';
import type { PolicyRecords } from '../adapters/policy-codec.js';
import { SnsAlerts } from '../adapters/sns-alerts.js';
import { DynamoOpsRecords, recordingAlerts } from '../adapters/dynamo-ops-records.js';
import { exchangeKeysValidation, secretsManagerReader } from '../adapters/exchange-credentials.js';
import { redactingAlerts } from '../adapters/redaction.js';
import { parseAlertOverrides } from '../domain/alert-catalog.js';
import type { Alerts, Clock, PolicyStore, StateStore } from '../ports.js';
import { ENV } from '../resources.js';
import { systemClock } from '../runtime/system-clock.js';

/** A policy store the operator commands can read, write and list. */
export type OperatorPolicyStore = PolicyStore & PolicyRecords;

/** What every command runs against: its stores, a clock and its output. Tests pass memory stores and capture output. */
export interface CliContext {
  /** Built on first use, so commands that need no table (policy validate) run without one. */
  readonly policies: () => OperatorPolicyStore;
  readonly state: () => StateStore;
  readonly clock: Clock;
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly readText: (path: string) => Promise<string>;
  /** Who is running the command when --by is not given (kill only). */
  readonly user?: string;
  /** Where kill/reset alerts go (SNS through the dedup layer); undefined when no topic is configured. */
  readonly alerts?: () => Alerts | undefined;
  /** Whether stderr is a terminal (progress bars are drawn only then, or with --progress); absent means no. */
  readonly errIsTty?: boolean;
}

/** The context of a real `stratus` process: DynamoDB tables named by POLICY_TABLE / STATE_TABLE, stdout/stderr. */
export function processContext(env: NodeJS.ProcessEnv = process.env): CliContext {
  let policies: OperatorPolicyStore | undefined;
  let state: StateStore | undefined;
  let alerts: Alerts | undefined;
  const table = (name: string, output: string) => {
    const value = env[name];
    if (!value) throw new Error(`set ${name} to the deployed table name (stack output ${output})`);
    return value;
  };
  const secretArn = env[ENV.exchangeSecretArn];
  return {
    policies: () => (policies ??= new DynamoPolicyStore({
      tableName: table(ENV.policyTable, 'PolicyTableName'), client: dynamoDocumentClient(), clock: systemClock,
      // The secret's content decides LIVE_WITHOUT_KEYS, as in the functions that hold the keys (never its ARN alone).
      validation: secretArn ? exchangeKeysValidation(secretArn, secretsManagerReader(), systemClock) : {},
      goLiveGate: true,
    })),
    state: () => (state ??= new DynamoStateStore({ tableName: table(ENV.stateTable, 'StateTableName'), client: dynamoDocumentClient() })),
    alerts: () => (alerts ??= operatorAlerts(env, table(ENV.stateTable, 'StateTableName'))),
    clock: systemClock,
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    errIsTty: process.stderr.isTTY === true,
    readText: (path) => readFile(path, 'utf8'),
    ...(env.USER ? { user: env.USER } : {}),
  };
}

/**
 * The functions' alert path for the operator's commands: SNS on ALERT_TOPIC_ARN through the dedup layer on
 * the state table, with ALERT_OVERRIDES; undefined when ALERT_TOPIC_ARN is unset.
 */
function operatorAlerts(env: NodeJS.ProcessEnv, stateTable: string): Alerts | undefined {
  const topicArn = env[ENV.alertTopicArn];
  if (!topicArn) return undefined;
  const parsed = parseAlertOverrides(env.ALERT_OVERRIDES);
  if ('problem' in parsed) throw new Error(`ALERT_OVERRIDES: ${parsed.problem}`);
  return redactingAlerts(new DedupingAlerts({
    inner: recordingAlerts(new SnsAlerts({ topicArn, client: snsClient() }), new DynamoOpsRecords({ tableName: stateTable, client: dynamoDocumentClient() })),
    store: new DynamoAlertStateStore({ tableName: stateTable, client: dynamoDocumentClient() }), overrides: parsed.overrides,
  }));
}

/** Epoch ms as an ISO time to the second. */
export function iso(t: number): string {
  return new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Left-aligned columns separated by two spaces; the first row is the header. */
export function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return `${rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ').trimEnd()).join('\n')}\n`;
}
