import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { TABLES, type TableDefinition } from '../shared/resources.js';

/** Options for the four DynamoDB tables. */
export interface StateTablesProps {
  /**
   * Removal policy of the market and idempotency tables, whose items expire anyway.
   * The state and policy tables (ledger, orders, policy history) are always retained.
   * @default RemovalPolicy.DESTROY
   */
  readonly ephemeralRemovalPolicy?: RemovalPolicy;
  /**
   * Deletion protection on the retained tables (state, policy).
   * @default false
   */
  readonly deletionProtection?: boolean;
}

/** Ids of the tables whose contents are the system of record and must survive a stack deletion. */
const RETAINED: ReadonlySet<TableDefinition['id']> = new Set(['state', 'policy']);

/**
 * The market, state, policy and idempotency tables, built from TABLES in shared/resources.ts:
 * on-demand, point-in-time recovery, AWS-managed encryption, TTL where the definition has one.
 */
export class StateTables extends Construct {
  /** Candles, top of book and the stream heartbeat (TTL on expiresAt). */
  public readonly market: Table;
  /** Kill switch, ledger, decisions, orders, fills (byType GSI). */
  public readonly state: Table;
  /** The versioned trading policy. */
  public readonly policy: Table;
  /** Powertools idempotency records for the execution function. */
  public readonly idempotency: Table;

  constructor(scope: Construct, id: string, props: StateTablesProps = {}) {
    super(scope, id);
    if (props.ephemeralRemovalPolicy === RemovalPolicy.SNAPSHOT) {
      throw new Error('StateTables: ephemeralRemovalPolicy SNAPSHOT is not supported by DynamoDB tables; use DESTROY or RETAIN');
    }
    this.market = this.table(TABLES.market, props);
    this.state = this.table(TABLES.state, props);
    this.policy = this.table(TABLES.policy, props);
    this.idempotency = this.table(TABLES.idempotency, props);
  }

  /** Every table by its id in shared/resources.ts. */
  public get all(): Record<TableDefinition['id'], Table> {
    return { market: this.market, state: this.state, policy: this.policy, idempotency: this.idempotency };
  }

  private table(def: TableDefinition, props: StateTablesProps): Table {
    const retained = RETAINED.has(def.id);
    const table = new Table(this, capitalize(def.id), {
      partitionKey: { name: def.partitionKey, type: AttributeType.STRING },
      sortKey: def.sortKey ? { name: def.sortKey, type: AttributeType.STRING } : undefined,
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryption.AWS_MANAGED,
      timeToLiveAttribute: def.ttlAttribute,
      removalPolicy: retained ? RemovalPolicy.RETAIN : (props.ephemeralRemovalPolicy ?? RemovalPolicy.DESTROY),
      deletionProtection: retained ? (props.deletionProtection ?? false) : false,
    });
    for (const index of def.indexes) {
      table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: { name: index.pk, type: AttributeType.STRING },
        sortKey: { name: index.sk, type: AttributeType.STRING },
        projectionType: ProjectionType.ALL,
      });
    }
    return table;
  }
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
